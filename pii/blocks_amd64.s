//go:build !purego

#include "textflag.h"

// Byte classes of 64-byte blocks with AVX2: the same bit sets as
// classifyGeneric (blocks.go), 32 bytes at a time. blocks_test.go checks
// the two against each other.

#define VEC(name, b) \
	DATA name<>+0(SB)/8, $b; \
	DATA name<>+8(SB)/8, $b; \
	DATA name<>+16(SB)/8, $b; \
	DATA name<>+24(SB)/8, $b; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

VEC(c30, 0x3030303030303030)   // '0'
VEC(c09, 0x0909090909090909)   // 9
VEC(c3a, 0x3a3a3a3a3a3a3a3a)   // ':'
VEC(c40, 0x4040404040404040)   // '@'
VEC(c20, 0x2020202020202020)   // ' ', and the lower-case bit
VEC(c61, 0x6161616161616161)   // 'a'
VEC(c05, 0x0505050505050505)   // 'f'-'a'
VEC(c19, 0x1919191919191919)   // 'z'-'a'
VEC(c5f, 0x5f5f5f5f5f5f5f5f)   // '_'
VEC(c2e, 0x2e2e2e2e2e2e2e2e)   // '.'
VEC(c2d, 0x2d2d2d2d2d2d2d2d)   // '-'
VEC(c75, 0x7575757575757575)   // 'u'
VEC(c2f, 0x2f2f2f2f2f2f2f2f)   // '/'
VEC(c54, 0x5454545454545454)   // 'T'
VEC(c2c, 0x2c2c2c2c2c2c2c2c)   // ','

// VEC64 is VEC for the 64-byte registers of classifyAVX512.
#define VEC64(name, b) \
	DATA name<>+0(SB)/8, $b; \
	DATA name<>+8(SB)/8, $b; \
	DATA name<>+16(SB)/8, $b; \
	DATA name<>+24(SB)/8, $b; \
	DATA name<>+32(SB)/8, $b; \
	DATA name<>+40(SB)/8, $b; \
	DATA name<>+48(SB)/8, $b; \
	DATA name<>+56(SB)/8, $b; \
	GLOBL name<>(SB), RODATA|NOPTR, $64

VEC64(z30, 0x3030303030303030)   // '0'
VEC64(z09, 0x0909090909090909)   // 9
VEC64(z3a, 0x3a3a3a3a3a3a3a3a)   // ':'
VEC64(z40, 0x4040404040404040)   // '@'
VEC64(z20, 0x2020202020202020)   // ' ', and the lower-case bit
VEC64(z61, 0x6161616161616161)   // 'a'
VEC64(z05, 0x0505050505050505)   // 'f'-'a'
VEC64(z19, 0x1919191919191919)   // 'z'-'a'
VEC64(z5f, 0x5f5f5f5f5f5f5f5f)   // '_'
VEC64(z2e, 0x2e2e2e2e2e2e2e2e)   // '.'
VEC64(z2d, 0x2d2d2d2d2d2d2d2d)   // '-'
VEC64(z75, 0x7575757575757575)   // 'u'
VEC64(z2f, 0x2f2f2f2f2f2f2f2f)   // '/'
VEC64(z54, 0x5454545454545454)   // 'T'
VEC64(z2c, 0x2c2c2c2c2c2c2c2c)   // ','

// The nibble tables of the rule of security codes (cvvNibLo and cvvNibHi
// in blocks.go), one copy in each 128-bit lane for VPSHUFB.
DATA zlo0<>+0(SB)/8, $0x01200010514140c1
DATA zlo0<>+8(SB)/8, $0x1010058800041281
DATA zlo0<>+16(SB)/8, $0x01200010514140c1
DATA zlo0<>+24(SB)/8, $0x1010058800041281
DATA zlo0<>+32(SB)/8, $0x01200010514140c1
DATA zlo0<>+40(SB)/8, $0x1010058800041281
DATA zlo0<>+48(SB)/8, $0x01200010514140c1
DATA zlo0<>+56(SB)/8, $0x1010058800041281
GLOBL zlo0<>(SB), RODATA|NOPTR, $64
DATA zhi0<>+0(SB)/8, $0x2010281044010002
DATA zhi0<>+8(SB)/8, $0x0000000080808000
DATA zhi0<>+16(SB)/8, $0x2010281044010002
DATA zhi0<>+24(SB)/8, $0x0000000080808000
DATA zhi0<>+32(SB)/8, $0x2010281044010002
DATA zhi0<>+40(SB)/8, $0x0000000080808000
DATA zhi0<>+48(SB)/8, $0x2010281044010002
DATA zhi0<>+56(SB)/8, $0x0000000080808000
GLOBL zhi0<>(SB), RODATA|NOPTR, $64
DATA zlo1<>+0(SB)/8, $0x0003010003040d00
DATA zlo1<>+8(SB)/8, $0x0801000000080000
DATA zlo1<>+16(SB)/8, $0x0003010003040d00
DATA zlo1<>+24(SB)/8, $0x0801000000080000
DATA zlo1<>+32(SB)/8, $0x0003010003040d00
DATA zlo1<>+40(SB)/8, $0x0801000000080000
DATA zlo1<>+48(SB)/8, $0x0003010003040d00
DATA zlo1<>+56(SB)/8, $0x0801000000080000
GLOBL zlo1<>(SB), RODATA|NOPTR, $64
DATA zhi1<>+0(SB)/8, $0x0201020104000000
DATA zhi1<>+8(SB)/8, $0x0000000008080808
DATA zhi1<>+16(SB)/8, $0x0201020104000000
DATA zhi1<>+24(SB)/8, $0x0000000008080808
DATA zhi1<>+32(SB)/8, $0x0201020104000000
DATA zhi1<>+40(SB)/8, $0x0000000008080808
DATA zhi1<>+48(SB)/8, $0x0201020104000000
DATA zhi1<>+56(SB)/8, $0x0000000008080808
GLOBL zhi1<>(SB), RODATA|NOPTR, $64
VEC64(z0f, 0x0f0f0f0f0f0f0f0f)
VEC64(zf0, 0xf0f0f0f0f0f0f0f0)
VEC64(zm59, 0x07ffffffffffffff)  // bits 0-58

// The arrays of batchBits: ten uint64 each, block k at index k+1.
#define DIG 8
#define COLON 88
#define AT 168
#define WORD 248
#define HEX 328
#define DOT 408
#define SEP 488
#define U 568
#define LETTER 648
#define SLASH 728
#define DASH 808
#define SPT 888
#define COMMA 968
#define CONN 1048
#define KW1 1128
#define KW2 1208

// MASK stores the bit sets of a class as one uint64 at off(DI), from the
// compare results lo (first 32 bytes) and hi (last 32).
#define MASK(lo, hi, off) \
	VPMOVMSKB lo, AX; \
	VPMOVMSKB hi, BX; \
	SHLQ $32, BX; \
	ORQ AX, BX; \
	MOVQ BX, off(DI)

// FUNNEL sets dst to bits s to s+63 of the 128 bits hi:lo in each lane
// (lo shifted right by s, hi's low bits in at the top), with Y12 as
// scratch; hi may not be Y12.
#define FUNNEL(s, hi, lo, dst) \
	VPSRLQ $(s), lo, dst; \
	VPSLLQ $(64-(s)), hi, Y12; \
	VPOR Y12, dst, dst

// func classifyAVX2(src *byte, out *batchBits, n int)
//
// Y0 and Y1 hold the two halves of a block, Y2 and Y3 their digits, Y4-Y6
// are scratch, Y7-Y15 constants.
TEXT ·classifyAVX2(SB), NOSPLIT, $0-24
	MOVQ src+0(FP), SI
	MOVQ out+8(FP), DI
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JLE done
	VMOVDQU c30<>(SB), Y15
	VMOVDQU c09<>(SB), Y14
	VMOVDQU c3a<>(SB), Y13
	VMOVDQU c40<>(SB), Y12
	VMOVDQU c20<>(SB), Y11
	VMOVDQU c61<>(SB), Y10
	VMOVDQU c05<>(SB), Y9
	VMOVDQU c19<>(SB), Y8
	VMOVDQU c5f<>(SB), Y7

loop:
	VMOVDQU 0(SI), Y0
	VMOVDQU 32(SI), Y1

	// dig: byte-'0' <= 9, unsigned.
	VPSUBB Y15, Y0, Y4
	VPMINUB Y14, Y4, Y2
	VPCMPEQB Y4, Y2, Y2
	VPSUBB Y15, Y1, Y5
	VPMINUB Y14, Y5, Y3
	VPCMPEQB Y5, Y3, Y3
	MASK(Y2, Y3, DIG)

	// colon, at
	VPCMPEQB Y13, Y0, Y4
	VPCMPEQB Y13, Y1, Y5
	MASK(Y4, Y5, COLON)
	VPCMPEQB Y12, Y0, Y4
	VPCMPEQB Y12, Y1, Y5
	MASK(Y4, Y5, AT)

	// word and hex: (byte|0x20)-'a' <= 25 is a letter, <= 5 a hex letter.
	VPOR Y11, Y0, Y4
	VPSUBB Y10, Y4, Y4
	VPOR Y11, Y1, Y5
	VPSUBB Y10, Y5, Y5
	VPMINUB Y9, Y4, Y6
	VPCMPEQB Y4, Y6, Y6
	VPOR Y2, Y6, Y6
	VPMOVMSKB Y6, DX
	VPMINUB Y9, Y5, Y6
	VPCMPEQB Y5, Y6, Y6
	VPOR Y3, Y6, Y6
	VPMOVMSKB Y6, BX
	SHLQ $32, BX
	ORQ DX, BX
	MOVQ BX, HEX(DI)
	VPMINUB Y8, Y4, Y6
	VPCMPEQB Y4, Y6, Y6
	VPMOVMSKB Y6, R8           // letters
	VPOR Y2, Y6, Y6
	VPCMPEQB Y7, Y0, Y4
	VPOR Y4, Y6, Y6
	VPMINUB Y8, Y5, Y4
	VPCMPEQB Y5, Y4, Y4
	VPMOVMSKB Y4, R9
	SHLQ $32, R9
	ORQ R8, R9
	MOVQ R9, LETTER(DI)
	VPOR Y3, Y4, Y4
	VPCMPEQB Y7, Y1, Y5
	VPOR Y5, Y4, Y4
	MASK(Y6, Y4, WORD)

	// dot, sep (' ' and '-'), u
	VPCMPEQB c2e<>(SB), Y0, Y4
	VPCMPEQB c2e<>(SB), Y1, Y5
	MASK(Y4, Y5, DOT)
	VPCMPEQB Y11, Y0, Y4       // ' '
	VPCMPEQB c2d<>(SB), Y0, Y6 // '-'
	VPCMPEQB Y11, Y1, Y5
	VPCMPEQB c2d<>(SB), Y1, Y2
	MASK(Y6, Y2, DASH)
	VPOR Y4, Y6, Y6
	VPOR Y5, Y2, Y2
	MASK(Y6, Y2, SEP)
	VPCMPEQB c54<>(SB), Y0, Y6 // ' ' or 'T'
	VPOR Y6, Y4, Y4
	VPCMPEQB c54<>(SB), Y1, Y6
	VPOR Y6, Y5, Y5
	MASK(Y4, Y5, SPT)
	VPCMPEQB c2f<>(SB), Y0, Y4 // '/'
	VPCMPEQB c2f<>(SB), Y1, Y5
	MASK(Y4, Y5, SLASH)
	VPCMPEQB c2c<>(SB), Y0, Y4 // ','
	VPCMPEQB c2c<>(SB), Y1, Y5
	MASK(Y4, Y5, COMMA)
	VPCMPEQB c75<>(SB), Y0, Y4
	VPCMPEQB c75<>(SB), Y1, Y5
	MASK(Y4, Y5, U)

	ADDQ $64, SI
	ADDQ $8, DI
	DECQ CX
	JNZ loop
	VZEROUPPER

done:
	RET

// func classifyAVX512(src *byte, out *batchBits, n int)
//
// classifyAVX2 with AVX-512 (F and BW): a whole block in one register,
// each class a compare into a mask register, stored as it is.
// Z0 holds the block, Z1-Z6 are scratch, Z8-Z13 and Z16-Z30 constants.
TEXT ·classifyAVX512(SB), NOSPLIT, $0-24
	MOVQ src+0(FP), SI
	MOVQ out+8(FP), DI
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JLE done512
	VMOVDQU64 z30<>(SB), Z16
	VMOVDQU64 z09<>(SB), Z17
	VMOVDQU64 z3a<>(SB), Z18
	VMOVDQU64 z40<>(SB), Z19
	VMOVDQU64 z20<>(SB), Z20
	VMOVDQU64 z61<>(SB), Z21
	VMOVDQU64 z05<>(SB), Z22
	VMOVDQU64 z19<>(SB), Z23
	VMOVDQU64 z5f<>(SB), Z24
	VMOVDQU64 z2e<>(SB), Z25
	VMOVDQU64 z2d<>(SB), Z26
	VMOVDQU64 z75<>(SB), Z27
	VMOVDQU64 z2f<>(SB), Z28
	VMOVDQU64 z54<>(SB), Z29
	VMOVDQU64 z2c<>(SB), Z30
	VMOVDQU64 zlo0<>(SB), Z8
	VMOVDQU64 zhi0<>(SB), Z9
	VMOVDQU64 zlo1<>(SB), Z10
	VMOVDQU64 zhi1<>(SB), Z11
	VMOVDQU64 z0f<>(SB), Z12
	VMOVDQU64 zf0<>(SB), Z13

loop512:
	VMOVDQU64 0(SI), Z0

	// dig: byte-'0' <= 9, unsigned.
	VPSUBB Z16, Z0, Z1
	VPCMPUB $2, Z17, Z1, K1
	KMOVQ K1, DIG(DI)

	// colon, at
	VPCMPEQB Z18, Z0, K2
	KMOVQ K2, COLON(DI)
	VPCMPEQB Z19, Z0, K2
	KMOVQ K2, AT(DI)

	// (byte|0x20)-'a' <= 5 is a hex letter, <= 25 a letter.
	VPORQ Z20, Z0, Z2
	VPSUBB Z21, Z2, Z2
	VPCMPUB $2, Z22, Z2, K3
	KORQ K1, K3, K3
	KMOVQ K3, HEX(DI)
	VPCMPUB $2, Z23, Z2, K4
	KMOVQ K4, LETTER(DI)
	VPCMPEQB Z24, Z0, K5
	KORQ K1, K4, K4
	KORQ K5, K4, K4
	KMOVQ K4, WORD(DI)

	// dot, sep (' ' and '-'), u
	VPCMPEQB Z25, Z0, K2
	KMOVQ K2, DOT(DI)
	VPCMPEQB Z20, Z0, K2
	VPCMPEQB Z26, Z0, K3
	KMOVQ K3, DASH(DI)
	KORQ K3, K2, K3
	KMOVQ K3, SEP(DI)
	VPCMPEQB Z29, Z0, K3
	KORQ K3, K2, K2
	KMOVQ K2, SPT(DI)
	VPCMPEQB Z28, Z0, K2
	KMOVQ K2, SLASH(DI)
	VPCMPEQB Z30, Z0, K2
	KMOVQ K2, COMMA(DI)
	VPCMPEQB Z27, Z0, K2
	KMOVQ K2, U(DI)

	// The classes of the rule of security codes, by nibble tables.
	VPSRLW $4, Z0, Z3
	VPANDQ Z12, Z3, Z3          // high nibbles
	VPANDQ Z12, Z0, Z4          // low nibbles
	VPSHUFB Z4, Z8, Z5
	VPSHUFB Z3, Z9, Z6
	VPANDQ Z6, Z5, Z5           // table 0
	VPTESTMB Z12, Z5, K1
	KMOVQ K1, CONN(DI)
	VPTESTMB Z13, Z5, K1
	KMOVQ K1, KW1(DI)
	VPSHUFB Z4, Z10, Z5
	VPSHUFB Z3, Z11, Z6
	VPTESTMB Z6, Z5, K1         // table 1
	KMOVQ K1, KW2(DI)

	ADDQ $64, SI
	ADDQ $8, DI
	DECQ CX
	JNZ loop512
	VZEROUPPER

done512:
	RET

// func eventsAVX2(c *batchBits, out *batchEvents, n int)
//
// eventsGeneric (blocks.go) four blocks at a time, one block in each
// 64-bit lane: the bit arithmetic is the same for every block, and the
// block before each (for the bits carried over a block's start) is the
// same load one lane lower. Y15 is all ones, Y14 all ones but bit 63.
TEXT ·eventsAVX2(SB), NOSPLIT, $0-24
	MOVQ c+0(FP), SI
	MOVQ out+8(FP), DI
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JLE evdone
	VPCMPEQQ Y15, Y15, Y15
	VPSRLQ $1, Y15, Y14

evloop:
	// starts = d &^ (d<<1 | prev d>>63); ev = starts | colon | at
	VMOVDQU DIG(SI), Y0
	VMOVDQU DIG-8(SI), Y1
	VPSRLQ $63, Y1, Y1
	VPSLLQ $1, Y0, Y2
	VPOR Y1, Y2, Y2
	VPANDN Y0, Y2, Y1          // Y1 = starts
	VMOVDQU COLON(SI), Y2      // Y2 = colon
	VPOR Y1, Y2, Y3
	VPOR AT(SI), Y3, Y3        // Y3 = ev
	VMOVDQU Y3, 64(DI)

	// Runs of length 1 to 4.
	VPXOR Y15, Y0, Y4          // Y4 = nd
	VPSRLQ $1, Y0, Y5
	VPAND Y1, Y5, Y5           // Y5 = r2
	VPSRLQ $2, Y0, Y6
	VPAND Y5, Y6, Y6           // Y6 = r3
	VPSRLQ $1, Y4, Y7
	VPAND Y1, Y7, Y7           // Y7 = len1
	VPSRLQ $2, Y4, Y8
	VPAND Y5, Y8, Y8           // Y8 = len2
	VPSRLQ $3, Y4, Y9
	VPAND Y6, Y9, Y9           // Y9 = len3
	VPSRLQ $3, Y0, Y10
	VPAND Y6, Y10, Y10
	VPSRLQ $4, Y4, Y11
	VPAND Y11, Y10, Y10        // Y10 = len4

	// Before ' ' or '-': len1&(sep>>1) | len2&(sep>>2)&(nd>>3).
	VMOVDQU SEP(SI), Y0        // Y0 = sep
	VPSRLQ $3, Y4, Y4
	VPSRLQ $2, Y0, Y1
	VPAND Y4, Y1, Y1
	VPAND Y8, Y1, Y1
	VPSRLQ $1, Y0, Y4
	VPAND Y7, Y4, Y4
	VPOR Y4, Y1, Y13           // Y13 = q

	// plain = ^(colon | dot | sep); pdot = dot<<1 | prev dot>>63
	VMOVDQU DOT(SI), Y5        // Y5 = dot
	VPOR Y2, Y5, Y6
	VPOR Y0, Y6, Y6
	VPXOR Y15, Y6, Y6          // Y6 = plain
	VPSLLQ $1, Y5, Y0
	VMOVDQU DOT-8(SI), Y1
	VPSRLQ $63, Y1, Y1
	VPOR Y1, Y0, Y0            // Y0 = pdot

	// q |= len1 & (col>>1 | plain>>1 | (dot>>1)&pdot)
	VPSRLQ $1, Y5, Y1
	VPAND Y0, Y1, Y1
	VPSRLQ $1, Y2, Y4
	VPOR Y4, Y1, Y1
	VPSRLQ $1, Y6, Y4
	VPOR Y4, Y1, Y1
	VPAND Y7, Y1, Y1
	VPOR Y1, Y13, Y13

	// q |= len2 & (col>>2 | plain>>2 | (dot>>2)&pdot)
	VPSRLQ $2, Y5, Y1
	VPAND Y0, Y1, Y1
	VPSRLQ $2, Y2, Y4
	VPOR Y4, Y1, Y1
	VPSRLQ $2, Y6, Y4
	VPOR Y4, Y1, Y1
	VPAND Y8, Y1, Y1
	VPOR Y1, Y13, Y13

	// q |= (len1&dot>>1 | len2&dot>>2 | len3&dot>>3) & psd & pl2, with
	// psd = (slash|dash)<<1 | prev (slash|dash)>>63, pl2 = letter<<2 | prev letter>>62
	VMOVDQU SLASH(SI), Y1
	VPOR DASH(SI), Y1, Y1
	VPSLLQ $1, Y1, Y1
	VMOVDQU SLASH-8(SI), Y4
	VPOR DASH-8(SI), Y4, Y4
	VPSRLQ $63, Y4, Y4
	VPOR Y4, Y1, Y1
	VMOVDQU LETTER(SI), Y4
	VPSLLQ $2, Y4, Y4
	VMOVDQU LETTER-8(SI), Y11
	VPSRLQ $62, Y11, Y11
	VPOR Y11, Y4, Y4
	VPAND Y4, Y1, Y1
	VPSRLQ $1, Y5, Y4
	VPAND Y7, Y4, Y4
	VPSRLQ $2, Y5, Y11
	VPAND Y8, Y11, Y11
	VPOR Y11, Y4, Y4
	VPSRLQ $3, Y5, Y11
	VPAND Y9, Y11, Y11
	VPOR Y11, Y4, Y4
	VPAND Y1, Y4, Y4
	VPOR Y4, Y13, Y13

	// pw = word<<1 | prev word>>63; pu = u<<1 | prev u>>63
	VMOVDQU WORD(SI), Y11      // Y11 = word
	VPSLLQ $1, Y11, Y12
	VMOVDQU WORD-8(SI), Y1
	VPSRLQ $63, Y1, Y1
	VPOR Y1, Y12, Y12          // Y12 = pw
	VMOVDQU U(SI), Y7
	VPSLLQ $1, Y7, Y7
	VMOVDQU U-8(SI), Y1
	VPSRLQ $63, Y1, Y1
	VPOR Y1, Y7, Y7            // Y7 = pu

	// q |= len3 & (col>>3 | (dot>>3)&pdot | (plain>>3)&pw&(word>>3|pu))
	VPSRLQ $3, Y11, Y1
	VPOR Y7, Y1, Y1
	VPAND Y12, Y1, Y1
	VPSRLQ $3, Y6, Y4
	VPAND Y4, Y1, Y1
	VPSRLQ $3, Y5, Y4
	VPAND Y0, Y4, Y4
	VPOR Y4, Y1, Y1
	VPSRLQ $3, Y2, Y4
	VPOR Y4, Y1, Y1
	VPAND Y9, Y1, Y1
	VPOR Y1, Y13, Y13

	// q |= len4 & (col>>4 | (plain>>4)&pw&(word>>4|pu))
	VPSRLQ $4, Y11, Y1
	VPOR Y7, Y1, Y1
	VPAND Y12, Y1, Y1
	VPSRLQ $4, Y6, Y4
	VPAND Y4, Y1, Y1
	VPSRLQ $4, Y2, Y4
	VPOR Y4, Y1, Y1
	VPAND Y10, Y1, Y1
	VPOR Y1, Y13, Y13

	// q |= len3&(word>>3) | len4&(word>>4)
	VPSRLQ $3, Y11, Y1
	VPAND Y9, Y1, Y1
	VPOR Y1, Y13, Y13
	VPSRLQ $4, Y11, Y1
	VPAND Y10, Y1, Y1
	VPOR Y1, Y13, Y13

	// Quiet colons: q |= col & (^col>>1) &^ ((hex>>1) & (hex<<1 | prev hex>>63)) &^ (1<<63)
	VMOVDQU HEX(SI), Y4
	VPSLLQ $1, Y4, Y1
	VMOVDQU HEX-8(SI), Y5
	VPSRLQ $63, Y5, Y5
	VPOR Y5, Y1, Y1
	VPSRLQ $1, Y4, Y4
	VPAND Y4, Y1, Y1           // Y1 = hex on both sides
	VPXOR Y15, Y2, Y4
	VPSRLQ $1, Y4, Y4
	VPAND Y2, Y4, Y4
	VPAND Y14, Y4, Y4
	VPANDN Y4, Y1, Y4
	VPOR Y4, Y13, Y13

	// loud = ev &^ q
	VPANDN Y3, Y13, Y13
	VMOVDQU Y13, 0(DI)

	// Time stamps (see eventsGeneric), running on into the next block:
	// each shift takes the bits of the next block's set (index k+2) in
	// at the top (FUNNEL). Y0 = d, Y8 = next d, Y1 = dd, Y9 = next dd,
	// Y4 = stamp; Y12 is FUNNEL's scratch.
	VMOVDQU DIG(SI), Y0
	VMOVDQU DIG+8(SI), Y8
	VPAND Y3, Y0, Y4           // starts: the digits among the events
	FUNNEL(1, Y8, Y0, Y1)
	VPAND Y0, Y1, Y1
	VPSRLQ $1, Y8, Y9
	VPAND Y8, Y9, Y9
	VPAND Y1, Y4, Y4
	FUNNEL(2, Y9, Y1, Y5)
	VPAND Y5, Y4, Y4
	FUNNEL(5, Y9, Y1, Y5)
	VPAND Y5, Y4, Y4
	FUNNEL(8, Y9, Y1, Y5)
	VPAND Y5, Y4, Y4
	FUNNEL(11, Y9, Y1, Y5)
	VPAND Y5, Y4, Y4
	FUNNEL(14, Y9, Y1, Y5)
	VPAND Y5, Y4, Y4
	FUNNEL(17, Y9, Y1, Y5)
	VPAND Y5, Y4, Y4
	FUNNEL(20, Y9, Y1, Y5)
	VPAND Y5, Y4, Y4
	FUNNEL(22, Y8, Y0, Y5)
	VPAND Y5, Y4, Y4
	VMOVDQU DASH(SI), Y6
	VMOVDQU DASH+8(SI), Y10
	FUNNEL(4, Y10, Y6, Y5)
	VPAND Y5, Y4, Y4
	FUNNEL(7, Y10, Y6, Y5)
	VPAND Y5, Y4, Y4
	VMOVDQU SPT(SI), Y6
	VMOVDQU SPT+8(SI), Y10
	FUNNEL(10, Y10, Y6, Y5)
	VPAND Y5, Y4, Y4
	VMOVDQU COLON+8(SI), Y11   // Y11 = next colon
	FUNNEL(16, Y11, Y2, Y5)
	VPAND Y5, Y4, Y4
	VMOVDQU DOT(SI), Y7
	VMOVDQU DOT+8(SI), Y13     // Y13 = next dot
	VPOR COMMA(SI), Y7, Y6
	VPOR COMMA+8(SI), Y13, Y10
	FUNNEL(19, Y10, Y6, Y5)
	VPAND Y5, Y4, Y4
	VPOR Y0, Y7, Y6            // not a digit, '.' or ':' at 23
	VPOR Y2, Y6, Y6
	VPOR Y8, Y13, Y10
	VPOR Y11, Y10, Y10
	FUNNEL(23, Y10, Y6, Y5)
	VPANDN Y4, Y5, Y4
	VMOVDQU SEP(SI), Y6        // nor ' ' or '-' before a digit
	VMOVDQU SEP+8(SI), Y10
	FUNNEL(23, Y10, Y6, Y5)
	FUNNEL(24, Y8, Y0, Y6)
	VPAND Y6, Y5, Y5
	VPANDN Y4, Y5, Y4
	VMOVDQU Y4, 128(DI)

	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $4, CX
	JG evloop
	VZEROUPPER

evdone:
	RET

// func eventsAVX512(c *batchBits, out *batchEvents, n int)
//
// eventsAVX2 with AVX-512: the same instructions on eight blocks at a
// time, one block in each 64-bit lane of a 64-byte register.
TEXT ·eventsAVX512(SB), NOSPLIT, $0-24
	MOVQ c+0(FP), SI
	MOVQ out+8(FP), DI
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JLE evdone512
	VPTERNLOGQ $0xff, Z15, Z15, Z15
	VPSRLQ $1, Z15, Z14

evloop512:
	// starts = d &^ (d<<1 | prev d>>63); ev = starts | colon | at
	VMOVDQU64 DIG(SI), Z0
	VMOVDQU64 DIG-8(SI), Z1
	VPSRLQ $63, Z1, Z1
	VPSLLQ $1, Z0, Z2
	VPORQ Z1, Z2, Z2
	VPANDNQ Z0, Z2, Z1          // Z1 = starts
	VMOVDQU64 COLON(SI), Z2      // Z2 = colon
	VPORQ Z1, Z2, Z3
	VPORQ AT(SI), Z3, Z3        // Z3 = ev
	VMOVDQU64 Z3, 64(DI)

	// Runs of length 1 to 4.
	VPXORQ Z15, Z0, Z4          // Z4 = nd
	VPSRLQ $1, Z0, Z5
	VPANDQ Z1, Z5, Z5           // Z5 = r2
	VPSRLQ $2, Z0, Z6
	VPANDQ Z5, Z6, Z6           // Z6 = r3
	VPSRLQ $1, Z4, Z7
	VPANDQ Z1, Z7, Z7           // Z7 = len1
	VPSRLQ $2, Z4, Z8
	VPANDQ Z5, Z8, Z8           // Z8 = len2
	VPSRLQ $3, Z4, Z9
	VPANDQ Z6, Z9, Z9           // Z9 = len3
	VPSRLQ $3, Z0, Z10
	VPANDQ Z6, Z10, Z10
	VPSRLQ $4, Z4, Z11
	VPANDQ Z11, Z10, Z10        // Z10 = len4

	// Before ' ' or '-': len1&(sep>>1) | len2&(sep>>2)&(nd>>3).
	VMOVDQU64 SEP(SI), Z0        // Z0 = sep
	VPSRLQ $3, Z4, Z4
	VPSRLQ $2, Z0, Z1
	VPANDQ Z4, Z1, Z1
	VPANDQ Z8, Z1, Z1
	VPSRLQ $1, Z0, Z4
	VPANDQ Z7, Z4, Z4
	VPORQ Z4, Z1, Z13           // Z13 = q

	// plain = ^(colon | dot | sep); pdot = dot<<1 | prev dot>>63
	VMOVDQU64 DOT(SI), Z5        // Z5 = dot
	VPORQ Z2, Z5, Z6
	VPORQ Z0, Z6, Z6
	VPXORQ Z15, Z6, Z6          // Z6 = plain
	VPSLLQ $1, Z5, Z0
	VMOVDQU64 DOT-8(SI), Z1
	VPSRLQ $63, Z1, Z1
	VPORQ Z1, Z0, Z0            // Z0 = pdot

	// q |= len1 & (col>>1 | plain>>1 | (dot>>1)&pdot)
	VPSRLQ $1, Z5, Z1
	VPANDQ Z0, Z1, Z1
	VPSRLQ $1, Z2, Z4
	VPORQ Z4, Z1, Z1
	VPSRLQ $1, Z6, Z4
	VPORQ Z4, Z1, Z1
	VPANDQ Z7, Z1, Z1
	VPORQ Z1, Z13, Z13

	// q |= len2 & (col>>2 | plain>>2 | (dot>>2)&pdot)
	VPSRLQ $2, Z5, Z1
	VPANDQ Z0, Z1, Z1
	VPSRLQ $2, Z2, Z4
	VPORQ Z4, Z1, Z1
	VPSRLQ $2, Z6, Z4
	VPORQ Z4, Z1, Z1
	VPANDQ Z8, Z1, Z1
	VPORQ Z1, Z13, Z13

	// q |= (len1&dot>>1 | len2&dot>>2 | len3&dot>>3) & psd & pl2, with
	// psd = (slash|dash)<<1 | prev (slash|dash)>>63, pl2 = letter<<2 | prev letter>>62
	VMOVDQU64 SLASH(SI), Z1
	VPORQ DASH(SI), Z1, Z1
	VPSLLQ $1, Z1, Z1
	VMOVDQU64 SLASH-8(SI), Z4
	VPORQ DASH-8(SI), Z4, Z4
	VPSRLQ $63, Z4, Z4
	VPORQ Z4, Z1, Z1
	VMOVDQU64 LETTER(SI), Z4
	VPSLLQ $2, Z4, Z4
	VMOVDQU64 LETTER-8(SI), Z11
	VPSRLQ $62, Z11, Z11
	VPORQ Z11, Z4, Z4
	VPANDQ Z4, Z1, Z1
	VPSRLQ $1, Z5, Z4
	VPANDQ Z7, Z4, Z4
	VPSRLQ $2, Z5, Z11
	VPANDQ Z8, Z11, Z11
	VPORQ Z11, Z4, Z4
	VPSRLQ $3, Z5, Z11
	VPANDQ Z9, Z11, Z11
	VPORQ Z11, Z4, Z4
	VPANDQ Z1, Z4, Z4
	VPORQ Z4, Z13, Z13

	// pw = word<<1 | prev word>>63; pu = u<<1 | prev u>>63
	VMOVDQU64 WORD(SI), Z11      // Z11 = word
	VPSLLQ $1, Z11, Z12
	VMOVDQU64 WORD-8(SI), Z1
	VPSRLQ $63, Z1, Z1
	VPORQ Z1, Z12, Z12          // Z12 = pw
	VMOVDQU64 U(SI), Z7
	VPSLLQ $1, Z7, Z7
	VMOVDQU64 U-8(SI), Z1
	VPSRLQ $63, Z1, Z1
	VPORQ Z1, Z7, Z7            // Z7 = pu

	// q |= len3 & (col>>3 | (dot>>3)&pdot | (plain>>3)&pw&(word>>3|pu))
	VPSRLQ $3, Z11, Z1
	VPORQ Z7, Z1, Z1
	VPANDQ Z12, Z1, Z1
	VPSRLQ $3, Z6, Z4
	VPANDQ Z4, Z1, Z1
	VPSRLQ $3, Z5, Z4
	VPANDQ Z0, Z4, Z4
	VPORQ Z4, Z1, Z1
	VPSRLQ $3, Z2, Z4
	VPORQ Z4, Z1, Z1
	VPANDQ Z9, Z1, Z1
	VPORQ Z1, Z13, Z13

	// q |= len4 & (col>>4 | (plain>>4)&pw&(word>>4|pu))
	VPSRLQ $4, Z11, Z1
	VPORQ Z7, Z1, Z1
	VPANDQ Z12, Z1, Z1
	VPSRLQ $4, Z6, Z4
	VPANDQ Z4, Z1, Z1
	VPSRLQ $4, Z2, Z4
	VPORQ Z4, Z1, Z1
	VPANDQ Z10, Z1, Z1
	VPORQ Z1, Z13, Z13

	// q |= len3&(word>>3) | len4&(word>>4)
	VPSRLQ $3, Z11, Z1
	VPANDQ Z9, Z1, Z1
	VPORQ Z1, Z13, Z13
	VPSRLQ $4, Z11, Z1
	VPANDQ Z10, Z1, Z1
	VPORQ Z1, Z13, Z13

	// Quiet colons: q |= col & (^col>>1) &^ ((hex>>1) & (hex<<1 | prev hex>>63)) &^ (1<<63)
	VMOVDQU64 HEX(SI), Z4
	VPSLLQ $1, Z4, Z1
	VMOVDQU64 HEX-8(SI), Z5
	VPSRLQ $63, Z5, Z5
	VPORQ Z5, Z1, Z1
	VPSRLQ $1, Z4, Z4
	VPANDQ Z4, Z1, Z1           // Z1 = hex on both sides
	VPXORQ Z15, Z2, Z4
	VPSRLQ $1, Z4, Z4
	VPANDQ Z2, Z4, Z4
	VPANDQ Z14, Z4, Z4
	VPANDNQ Z4, Z1, Z4
	VPORQ Z4, Z13, Z13

	// The rule of security codes (cvvQuiet): Z20 = the runs of three
	// and four digits skipShortRun would not turn away for the byte
	// after them, and no word byte before them.
	VMOVDQU64 DIG(SI), Z16
	VMOVDQU64 SEP(SI), Z17
	VPSRLQ $3, Z17, Z18
	VPSRLQ $4, Z16, Z19
	VPANDQ Z19, Z18, Z18        // ' ' or '-' before a digit, after three
	VPSRLQ $3, DOT(SI), Z19
	VPORQ Z19, Z18, Z18
	VPANDNQ Z9, Z18, Z20        // len3, but not those
	VPSRLQ $4, Z17, Z18
	VPSRLQ $5, Z16, Z19
	VPANDQ Z19, Z18, Z18        // ' ' or '-' before a digit, after four
	VPANDNQ Z10, Z18, Z21
	VPORQ Z21, Z20, Z20
	VPANDNQ Z20, Z12, Z20       // no word byte before
	// near = (conn+after)^conn | (conn+1)^conn, after = the bytes after
	// possible keyword ends
	VMOVDQU64 CONN(SI), Z17
	VMOVDQU64 KW1(SI), Z18
	VPSLLQ $1, Z18, Z18
	VMOVDQU64 KW1-8(SI), Z19
	VPSRLQ $63, Z19, Z19
	VPORQ Z19, Z18, Z18
	VPANDQ KW2(SI), Z18, Z18
	VPANDNQ Z18, Z17, Z18       // not at a connector
	VPSLLQ $1, Z18, Z18
	VPADDQ Z17, Z18, Z18
	VPXORQ Z17, Z18, Z18
	VPSRLQ $63, Z15, Z19        // 1
	VPADDQ Z17, Z19, Z19
	VPXORQ Z17, Z19, Z19
	VPORQ Z19, Z18, Z18
	VPANDNQ Z20, Z18, Z20
	VPANDQ zm59<>(SB), Z20, Z20
	VPORQ Z20, Z13, Z13

	// loud = ev &^ q
	VPANDNQ Z3, Z13, Z13
	VMOVDQU64 Z13, 0(DI)

	// Time stamps (see eventsGeneric), running on into the next block:
	// VPSHRDQ shifts the bits of the next block's set (index k+2) in at
	// the top. Z0 = d, Z16 = next d, Z1 = dd, Z17 = next dd, Z4 = stamp.
	VMOVDQU64 DIG(SI), Z0
	VMOVDQU64 DIG+8(SI), Z16
	VPANDQ Z3, Z0, Z4           // starts: the digits among the events
	VPSHRDQ $1, Z16, Z0, Z1
	VPANDQ Z0, Z1, Z1
	VPSRLQ $1, Z16, Z17
	VPANDQ Z16, Z17, Z17
	VPANDQ Z1, Z4, Z4
	VPSHRDQ $2, Z17, Z1, Z5
	VPANDQ Z5, Z4, Z4
	VPSHRDQ $5, Z17, Z1, Z5
	VPANDQ Z5, Z4, Z4
	VPSHRDQ $8, Z17, Z1, Z5
	VPANDQ Z5, Z4, Z4
	VPSHRDQ $11, Z17, Z1, Z5
	VPANDQ Z5, Z4, Z4
	VPSHRDQ $14, Z17, Z1, Z5
	VPANDQ Z5, Z4, Z4
	VPSHRDQ $17, Z17, Z1, Z5
	VPANDQ Z5, Z4, Z4
	VPSHRDQ $20, Z17, Z1, Z5
	VPANDQ Z5, Z4, Z4
	VPSHRDQ $22, Z16, Z0, Z5
	VPANDQ Z5, Z4, Z4
	VMOVDQU64 DASH(SI), Z6
	VMOVDQU64 DASH+8(SI), Z18
	VPSHRDQ $4, Z18, Z6, Z5
	VPANDQ Z5, Z4, Z4
	VPSHRDQ $7, Z18, Z6, Z5
	VPANDQ Z5, Z4, Z4
	VMOVDQU64 SPT(SI), Z5
	VMOVDQU64 SPT+8(SI), Z18
	VPSHRDQ $10, Z18, Z5, Z5
	VPANDQ Z5, Z4, Z4
	VMOVDQU64 COLON+8(SI), Z19  // Z19 = next colon
	VPSHRDQ $16, Z19, Z2, Z5
	VPANDQ Z5, Z4, Z4
	VMOVDQU64 DOT(SI), Z7
	VMOVDQU64 DOT+8(SI), Z20    // Z20 = next dot
	VPORQ COMMA(SI), Z7, Z5
	VPORQ COMMA+8(SI), Z20, Z18
	VPSHRDQ $19, Z18, Z5, Z5
	VPANDQ Z5, Z4, Z4
	VPORQ Z0, Z7, Z5            // not a digit, '.' or ':' at 23
	VPORQ Z2, Z5, Z5
	VPORQ Z16, Z20, Z18
	VPORQ Z19, Z18, Z18
	VPSHRDQ $23, Z18, Z5, Z5
	VPANDNQ Z4, Z5, Z4
	VMOVDQU64 SEP(SI), Z5        // nor ' ' or '-' before a digit
	VMOVDQU64 SEP+8(SI), Z18
	VPSHRDQ $23, Z18, Z5, Z5
	VPSHRDQ $24, Z16, Z0, Z6
	VPANDQ Z6, Z5, Z5
	VPANDNQ Z4, Z5, Z4
	VMOVDQU64 Z4, 128(DI)

	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $8, CX
	JG evloop512
	VZEROUPPER

evdone512:
	RET

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv0() (eax uint32)
TEXT ·xgetbv0(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET
