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

// MASK stores the bit sets of a class as one uint64 at off(DI), from the
// compare results lo (first 32 bytes) and hi (last 32).
#define MASK(lo, hi, off) \
	VPMOVMSKB lo, AX; \
	VPMOVMSKB hi, BX; \
	SHLQ $32, BX; \
	ORQ AX, BX; \
	MOVQ BX, off(DI)

// func classifyAVX2(src *byte, out *blockBits, n int)
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
	MASK(Y2, Y3, 0)

	// colon, at
	VPCMPEQB Y13, Y0, Y4
	VPCMPEQB Y13, Y1, Y5
	MASK(Y4, Y5, 8)
	VPCMPEQB Y12, Y0, Y4
	VPCMPEQB Y12, Y1, Y5
	MASK(Y4, Y5, 16)

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
	MOVQ BX, 32(DI)
	VPMINUB Y8, Y4, Y6
	VPCMPEQB Y4, Y6, Y6
	VPOR Y2, Y6, Y6
	VPCMPEQB Y7, Y0, Y4
	VPOR Y4, Y6, Y6
	VPMINUB Y8, Y5, Y4
	VPCMPEQB Y5, Y4, Y4
	VPOR Y3, Y4, Y4
	VPCMPEQB Y7, Y1, Y5
	VPOR Y5, Y4, Y4
	MASK(Y6, Y4, 24)

	// dot, sep (' ' and '-'), u
	VPCMPEQB c2e<>(SB), Y0, Y4
	VPCMPEQB c2e<>(SB), Y1, Y5
	MASK(Y4, Y5, 40)
	VPCMPEQB Y11, Y0, Y4
	VPCMPEQB c2d<>(SB), Y0, Y6
	VPOR Y6, Y4, Y4
	VPCMPEQB Y11, Y1, Y5
	VPCMPEQB c2d<>(SB), Y1, Y6
	VPOR Y6, Y5, Y5
	MASK(Y4, Y5, 48)
	VPCMPEQB c75<>(SB), Y0, Y4
	VPCMPEQB c75<>(SB), Y1, Y5
	MASK(Y4, Y5, 56)

	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ loop
	VZEROUPPER

done:
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
