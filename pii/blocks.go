package pii

import "math/bits"

// The block loop. Bytes are classified 64 at a time into bit sets, one
// bit a byte (bit k for byte k of the block), by SIMD instructions where
// the processor has them. Bit arithmetic on the sets then does for a whole
// block what the word loop does one trigger at a time: it finds the first
// digit of every run, and it strikes out the runs and colons that the
// loop would pass over anyway — the hex digits of escapes and ids, the
// parts of dotted versions and addresses, counters before a colon, the
// colons of JSON keys, single digits before a space. Only what is left is
// visited, lowest first, with the checks of the word loop. On the
// generated corpus that leaves about half the events, and classifying a
// block costs less than stepping through its eight words did.
//
// With SIMD, both steps are vector code: the classes (AVX2, or AVX-512
// where it runs at full clock), then the bit rules for four blocks at
// once, one block in each 64-bit lane (eventsAVX2). The scalar loop only
// picks the events.

// batchBlocks is how many blocks are classified at a time.
const batchBlocks = 8

// batchBits are the classes of the bytes of a batch of blocks, one array
// per class: index k+1 holds the bit set of block k, index 0 that of the
// bytes before the batch (only bit 63, the byte just before, counts).
// Laid out so, four consecutive blocks of a class, the four before them
// and the four after them are one vector load each. The last index is
// there so that the block after the last one can be loaded too; what it
// holds is never used (see eventsGeneric).
type batchBits struct {
	dig   [batchBlocks + 2]uint64 // 0-9
	colon [batchBlocks + 2]uint64 // ':'
	at    [batchBlocks + 2]uint64 // '@'
	word  [batchBlocks + 2]uint64 // letters, digits, '_'
	hex   [batchBlocks + 2]uint64 // 0-9, a-f, A-F
	dot   [batchBlocks + 2]uint64 // '.'
	sep   [batchBlocks + 2]uint64 // ' ' and '-'
	u     [batchBlocks + 2]uint64 // 'u'
	// For the rules of versions and time stamps (eventsGeneric). Of index
	// 0, letter uses bits 62 and 63 (the two bytes before the batch),
	// slash and dash bit 63, spt and comma nothing.
	letter [batchBlocks + 2]uint64 // A-Z, a-z
	slash  [batchBlocks + 2]uint64 // '/'
	dash   [batchBlocks + 2]uint64 // '-'
	spt    [batchBlocks + 2]uint64 // ' ' and 'T'
	comma  [batchBlocks + 2]uint64 // ','
	// For the rule of security codes (eventsGeneric): the connectors
	// cvvPossible skips, and supersets of the first and the second bytes
	// of the pairs that end a security-code keyword (cvvEnd2). Of index
	// 0, kw1 uses bit 63. Where cvvRule is false, these were not
	// classified and the rule is off.
	conn    [batchBlocks + 2]uint64
	kw1     [batchBlocks + 2]uint64
	kw2     [batchBlocks + 2]uint64
	cvvRule bool
}

// batchEvents are the events of a batch of blocks (see runBlocks): ev[k]
// those of block k, loud[k] those the bit rules leave.
type batchEvents struct {
	loud [batchBlocks]uint64
	ev   [batchBlocks]uint64
	// stamp marks the loud events that start a log time stamp whose end
	// dateEnd would find 23 bytes on (see eventsGeneric).
	stamp [batchBlocks]uint64
}

// haveSIMD is set at start-up on processors that can classify bytes in
// SIMD registers (blocks_amd64.go); scans then run the block loop with
// classifySIMD and eventsSIMD. classifySIMD fills index k+1 of the
// arrays of out with the classes of b[64k:64k+64] for every k < n; b
// holds at least 64*n bytes. eventsSIMD fills out[k] for k < n from
// the classes of block k and the one before.
var haveSIMD bool

// classifyGeneric is classifySIMD in plain Go, a byte at a time. The
// block loop is faster than the word loop only with SIMD classification;
// this one is what the SIMD code is tested against, and lets the block
// loop be tested on any processor.
func classifyGeneric(b []byte, out *batchBits, n int) {
	for k := range min(n, batchBlocks) {
		blk := b[64*k : 64*k+64]
		var dig, colon, at, word, hex, dot, sep, u uint64
		var letter, slash, dash, spt, comma uint64
		var conn, kw1, kw2 uint64
		for j := 0; j < 64; j++ {
			x := blk[j]
			bit := uint64(1) << j
			c0, c1 := cvvNibbles(x)
			if c0&0x0f != 0 {
				conn |= bit
			}
			if c0&0xf0 != 0 {
				kw1 |= bit
			}
			if c1 != 0 {
				kw2 |= bit
			}
			if isDigit(x) {
				dig |= bit
			}
			switch x {
			case ':':
				colon |= bit
			case '@':
				at |= bit
			case '.':
				dot |= bit
			case ' ':
				sep |= bit
				spt |= bit
			case '-':
				sep |= bit
				dash |= bit
			case 'u':
				u |= bit
			case '/':
				slash |= bit
			case 'T':
				spt |= bit
			case ',':
				comma |= bit
			}
			if isLetter(x) {
				letter |= bit
			}
			if isWord(x) {
				word |= bit
			}
			if isHex(x) {
				hex |= bit
			}
		}
		out.dig[k+1], out.colon[k+1], out.at[k+1], out.word[k+1] = dig, colon, at, word
		out.hex[k+1], out.dot[k+1], out.sep[k+1], out.u[k+1] = hex, dot, sep, u
		out.letter[k+1], out.slash[k+1], out.dash[k+1], out.spt[k+1], out.comma[k+1] = letter, slash, dash, spt, comma
		out.conn[k+1], out.kw1[k+1], out.kw2[k+1] = conn, kw1, kw2
	}
	out.cvvRule = true
}

// cvvNibLo and cvvNibHi classify bytes for the rule of security codes by
// their two halves, as the SIMD classifiers do with a table look-up per
// half (VPSHUFB): bit c of table t is set for x when it is set in both
// cvvNibLo[t][x&15] and cvvNibHi[t][x>>4]. Each bit is so a product of a
// set of high halves and a set of low halves.
//
// Table 0, bits 0-3: exactly the connectors cvvPossible skips (' ' '"'
// '#' '\” '(' '-'; '\t'; ':' '='; '\\'). Bits 4-7: a superset of the
// first bytes of the pairs that end a security-code keyword (c d i n o
// of either case; v V; '0'-'3'; the UTF-8 bytes 0x98 0xa0 0xb8 0xbc).
// Table 1: a superset of their second bytes (a c e f n of either case;
// s v S V; '1' '2'; the UTF-8 bytes 0x81 0x9a 0xaf 0xba).
// TestCVVClasses holds them to cvvConnector and cvvEnd2.
var (
	cvvNibLo = [2][16]byte{
		{0xc1, 0x40, 0x41, 0x51, 0x10, 0x00, 0x20, 0x01, 0x81, 0x12, 0x04, 0x00, 0x88, 0x05, 0x10, 0x10},
		{0x00, 0x0d, 0x04, 0x03, 0x00, 0x01, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x08},
	}
	cvvNibHi = [2][16]byte{
		{0x02, 0x00, 0x01, 0x44, 0x10, 0x28, 0x10, 0x20, 0x00, 0x80, 0x80, 0x80, 0x00, 0x00, 0x00, 0x00},
		{0x00, 0x00, 0x00, 0x04, 0x01, 0x02, 0x01, 0x02, 0x08, 0x08, 0x08, 0x08, 0x00, 0x00, 0x00, 0x00},
	}
)

// cvvNibbles is the two tables' bits for x.
func cvvNibbles(x byte) (t0, t1 byte) {
	return cvvNibLo[0][x&15] & cvvNibHi[0][x>>4], cvvNibLo[1][x&15] & cvvNibHi[1][x>>4]
}

// eventsGeneric is eventsSIMD in plain Go.
func eventsGeneric(c *batchBits, out *batchEvents, n int) {
	for k := range min(n, batchBlocks) {
		d := c.dig[k+1]
		starts := d &^ (d<<1 | c.dig[k]>>63)
		ev := starts | c.colon[k+1] | c.at[k+1]
		// Quiet runs, by length 1, 2, 3, 4 and the bytes around.
		nd := ^d
		r2 := starts & (d >> 1)
		r3 := r2 & (d >> 2)
		len1 := starts & (nd >> 1)
		len2 := r2 & (nd >> 2)
		len3 := r3 & (nd >> 3)
		len4 := r3 & (d >> 3) & (nd >> 4)
		col, dot, word, sep, hex := c.colon[k+1], c.dot[k+1], c.word[k+1], c.sep[k+1], c.hex[k+1]
		pw := word<<1 | c.word[k]>>63
		pdot := dot<<1 | c.dot[k]>>63
		pu := c.u[k+1]<<1 | c.u[k]>>63
		plain := ^(col | dot | sep) // not '.', ' ', '-', ':'
		q := len1 & (col>>1 | plain>>1 | (dot>>1)&pdot)
		q |= len2 & (col>>2 | plain>>2 | (dot>>2)&pdot)
		q |= len3 & (col>>3 | (dot>>3)&pdot | (plain>>3)&pw&(word>>3|pu))
		q |= len4 & (col>>4 | (plain>>4)&pw&(word>>4|pu))
		// Before ' ' or '-': one digit is never the first group of a
		// grouped number, two only when more digits follow.
		q |= len1&(sep>>1) | len2&(sep>>2)&(nd>>3)
		// Three or four digits before a word byte ("293ms", "512MB"):
		// digits returns at the run's end, whatever stands before it.
		q |= len3&(word>>3) | len4&(word>>4)
		// One to three digits before '.', after '/' or '-' after a letter
		// ("Chrome/120.0.0.0", "HTTP/1.1", "openssl-1.1.1"): a version,
		// not the first octet of an address (ipv4).
		psd := (c.slash[k+1]|c.dash[k+1])<<1 | (c.slash[k]|c.dash[k])>>63
		pl2 := c.letter[k+1]<<2 | c.letter[k]>>62
		q |= (len1&(dot>>1) | len2&(dot>>2) | len3&(dot>>3)) & psd & pl2
		// Quiet colons: not before ':', no hex digit on one side.
		q |= col & (^col >> 1) &^ ((hex >> 1) & (hex<<1 | c.hex[k]>>63)) &^ (1 << 63)
		if c.cvvRule {
			q |= cvvQuiet(c, k, d, len3&^(dot>>3)&^(sep>>3&(d>>4)), len4&^(sep>>4&(d>>5)), pw)
		}
		out.ev[k], out.loud[k] = ev, ev&^q
		// Time stamps "DDDD-DD-DD?DD?DD:DD?DDD" (the ? one of ' ' or 'T',
		// any byte, '.' or ','), the fraction followed by a byte that is
		// not a digit, '.' or ':', nor ' ' or '-' before a digit: the
		// common stamp, which dateEnd decides from its three words and
		// ends 23 bytes on. A stamp's 25 bytes may run on into the next
		// block: each shift takes the bits that leave the block from the
		// next block's set (index k+2). The last block of the batch has
		// no next block here, so there only stamps that start at bit 39
		// at most are marked.
		dn := c.dig[k+2]
		dd := d & funnel(d, dn, 1)
		ddn := dn & (dn >> 1) // bit 63 is wrong, and never shifted in
		dash, spt, comma := c.dash[k+1], c.spt[k+1], c.comma[k+1]
		dashn, sptn, coln := c.dash[k+2], c.spt[k+2], c.colon[k+2]
		dotn, sepn := c.dot[k+2], c.sep[k+2]
		stamp := starts & dd & funnel(dd, ddn, 2) & funnel(dd, ddn, 5) & funnel(dd, ddn, 8) &
			funnel(dd, ddn, 11) & funnel(dd, ddn, 14) & funnel(dd, ddn, 17) & funnel(dd, ddn, 20) &
			funnel(d, dn, 22)
		stamp &= funnel(dash, dashn, 4) & funnel(dash, dashn, 7) & funnel(spt, sptn, 10) &
			funnel(col, coln, 16) & funnel(dot|comma, dotn|c.comma[k+2], 19)
		stamp &^= funnel(d|dot|col, dn|dotn|coln, 23) | funnel(sep, sepn, 23)&funnel(d, dn, 24)
		out.stamp[k] = stamp
	}
	lastStampInBlock(out, n)
}

// cvvQuiet is the rule of security codes for block k: of the runs of
// three digits in len3 and of four in len4 (those skipShortRun would not
// turn away for the byte after them: not '.' after three, not ' ' or '-'
// before a digit), the runs with no word byte before them and no
// security-code keyword before the connectors before them, which
// skipShortRun passes. The keyword test is cvvPossible's, with the
// supersets of the classes: the run is quiet when the nearest byte
// before it that is no connector does not end a pair of cvvEnd2. That
// byte must be in the block; runs whose connectors reach back to the
// block's start, and runs whose following bytes are not all in the
// block, are left to skipShortRun. (cvvPossible looks back 24 bytes at
// most and then tests the pair ending at a connector, which ends no pair
// of cvvEnd2: quiet, as here, or left loud.)
func cvvQuiet(c *batchBits, k int, d, len3, len4, pw uint64) uint64 {
	conn := c.conn[k+1]
	// The ends of possible keywords, and right after each of them.
	kwEnd := c.kw2[k+1] & (c.kw1[k+1]<<1 | c.kw1[k]>>63) &^ conn
	after := kwEnd << 1
	// Carried through the connectors that follow: adding a bit at the
	// start of a run of connectors clears the run and sets the byte after
	// it, so the exclusive or marks the run and that byte. The same from
	// bit 0 marks what follows connectors from the block's start.
	near := (conn + after) ^ conn | (conn + 1) ^ conn
	return (len3 | len4) &^ pw &^ near & (1<<59 - 1)
}

// funnel is bits s to s+63 of the 128 bits hi:lo (0 < s < 64): the set
// lo shifted right by s, with hi's low bits coming in at the top.
func funnel(lo, hi uint64, s uint) uint64 { return lo>>s | hi<<(64-s) }

// lastStampInBlock keeps, in the last block of a batch of n, only the
// stamps whose 25 bytes lie in the block: the bits of the block after it
// were not classified.
func lastStampInBlock(out *batchEvents, n int) {
	if n = min(n, batchBlocks); n > 0 {
		out.stamp[n-1] &= 1<<40 - 1
	}
}

// setBefore sets index 0 of the classes to those of the bytes before
// b[base]: bit 63 the byte just before, bit 62 the one before it (of
// letter only). One table look-up a byte, no branches: it runs once a
// batch.
func (bb *batchBits) setBefore(full []byte, base int) {
	var f, f2 uint64 // the flags of beforeClass, 0 before the buffer
	if base > 0 {
		f = uint64(beforeClass[full[base-1]])
	}
	if base > 1 {
		f2 = uint64(beforeClass[full[base-2]])
	}
	bb.dig[0] = f << 63
	bb.word[0] = f >> 1 << 63
	bb.hex[0] = f >> 2 << 63
	bb.dot[0] = f >> 3 << 63
	bb.u[0] = f >> 4 << 63
	bb.letter[0] = f>>5<<63 | f2>>5&1<<62
	bb.slash[0] = f >> 6 << 63
	bb.dash[0] = f >> 7 << 63
	bb.kw1[0] = f >> 8 << 63
}

// beforeClass holds, for each byte, the classes setBefore needs, a bit
// each: digit, word, hex, '.', 'u', letter, '/', '-', kw1.
var beforeClass = func() (t [256]uint16) {
	for x := range 256 {
		c := byte(x)
		c0, _ := cvvNibbles(c)
		for bit, in := range []bool{isDigit(c), isWord(c), isHex(c), c == '.', c == 'u', isLetter(c), c == '/', c == '-', c0&0xf0 != 0} {
			if in {
				t[x] |= 1 << bit
			}
		}
	}
	return t
}()

// runBlocks is run with classified blocks: the same positions examined
// in the same order as runWords, the same position returned.
//
// In each block, the events are the first digit of every run and every
// ':' and '@'. Bit arithmetic strikes out, for all runs at once, those
// quietRun or skipShortRun pass over: a run of one to four digits
// followed by ':' (the colon decides); one to three between dots
// ("120.0.0.0"); one or two followed by anything but '.', ' ' or '-'; one
// followed by ' ' or '-'; two followed by ' ' or '-' and no digit; three
// or four inside a word on both sides or in a \uXXXX escape. So are the
// colons no address runs through or starts at. Only runs whose following
// bytes are in the block are decided so; the rest are left to the checks
// of the word loop. Only whole blocks before to are run so; the bytes
// after the last of them go to runWords.
// simd chooses classifySIMD over classifyGeneric (a flag, not a function
// value: bb must stay on the stack).
//
// Most events end in a call (an examination, or skipShortRun), and Go's
// calls keep no register: every value the loop holds in a register
// across a call is stored before it and loaded again after it. So the
// event loop holds in registers only what nearly every event uses (the
// events left, the block's digits, where the block starts, the buffer);
// what a block or a batch needs only now and then is kept in blk, in
// memory, and read where it is needed.
func (st *state) runBlocks(i, to int, simd bool) int {
	full := st.b
	var bb batchBits
	var evs batchEvents
	var blk blockState
	blk.to = to
	for {
		nb := min(batchBlocks, (len(full)-i)/64, (blk.to-i)/64)
		if nb <= 0 {
			// Less than a block left before to or in the buffer.
			return st.runWords(i, blk.to)
		}
		base := i
		bb.setBefore(full, base)
		if simd {
			classifySIMD(full[base:base+64*nb], &bb, nb)
			eventsSIMD(&bb, &evs, nb)
		} else {
			classifyGeneric(full[base:base+64*nb], &bb, nb)
			eventsGeneric(&bb, &evs, nb)
		}
		blk.end, blk.j = base+64*nb, 0
		// The loop position is in block blk.j, which starts at bs (i-bs < 64).
		for bs := base; bs < blk.end; {
			j := blk.j % batchBlocks
			d := bb.dig[j+1]
			ev := evs.loud[j]
			// Events behind the loop position are passed; a position inside
			// a run makes the rest of the run an event.
			k := uint(i-bs) & 63
			if ev>>k == 0 && d>>k&1 == 0 {
				// Nothing to examine.
				i, bs = bs+64, bs+64
				blk.j++
				continue
			}
			blk.stamp = evs.stamp[j]
			ev = ev&^(1<<k-1) | d&(1<<k)
			for ev != 0 {
				t := bits.TrailingZeros64(ev)
				p := bs + t
				var r int // where the loop resumes after an examination
				if d>>t&1 != 0 {
					if blk.stamp>>t&1 != 0 {
						// What dateEnd returns there. The byte there is no
						// digit: no event to add.
						i = p + 23
						if t >= 64-23 {
							break // into the next block
						}
						ev &= ^uint64(0) << (t + 23)
						continue
					}
					// The run's length (up to maxDigits+1) and the byte after it.
					var n int
					var after byte
					if rest := ^d >> t; rest != 0 {
						n = bits.TrailingZeros64(rest)
						after = full[p+n]
					} else if e := digitsEnd(full, p, maxDigits+1); e < len(full) {
						n, after = e-p, full[e]
					} else {
						n = e - p
					}
					if n <= 10 {
						var prev, prev2 byte
						if p > 1 {
							prev, prev2 = full[p-1], full[p-2]
						} else if p == 1 {
							prev = full[0]
						}
						// A run before ' ' or '-' is never quiet here (it may be
						// the first group of a number, or a date); skipShortRun
						// decides.
						var quiet bool
						switch after {
						case ' ', '-':
							if n == 4 && after == '-' {
								if e := dateEnd(full, p); e > 0 {
									r = e // "2024-05-19": a date is not PI
									goto resume
								}
							}
							if n <= 4 {
								quiet = skipShortRun(full, p, n)
							}
						default:
							if c := quietFlat(n, prev, prev2, after); c&1 != 0 {
								quiet = true
							} else if c&4 != 0 {
								quiet = skipShortRun(full, p, n)
							}
						}
						if quiet {
							i = p + n
							ev &= ev - 1
							if i-bs >= 64 {
								break
							}
							continue
						}
					}
					r = st.digitsTo(p, p+min(n, maxDigits+1))
				} else if bb.colon[blk.j%batchBlocks+1]>>t&1 != 0 {
					// The bit rules have struck out the colons no address
					// runs through or starts at, but not at bit 63, whose
					// next byte is in the next block: that one is checked here.
					if t == 63 && quietColon(full, p) {
						i = p + 1
						ev &= ev - 1
						continue
					}
					// A time has two digits before its colon: d says whether
					// there are, but for a colon at bit 0 or 1. Without them,
					// timeEnd need not be asked, and colonPassed, inlined,
					// turns away most colons colon would (the hex digits of
					// "a:b::" after ':') without a call.
					if t >= 2 && d>>(t-2)&3 != 3 {
						if colonPassed(full, p) {
							// Where colon resumes: the next byte, which starts
							// no event of its own (the colon is no digit).
							i = p + 1
							ev &= ev - 1
							continue
						}
						r = st.colon(p)
					} else if e := timeEnd(full, p); e > 0 {
						r = e // "12:34:56": a time is not an address
					} else {
						r = st.colon(p)
					}
				} else {
					r = st.atInBlock(p, &bb, blk.j, uint(t))
				}
			resume:
				i = r
				if k := uint(r - bs); k < 64 {
					// Where an examination that found nothing returns, at the
					// start of a run, the run's own event stands, quiet or not.
					ev = ev&^(1<<k-1) | d&(d<<1|1)&(1<<k)
					continue
				}
				break
			}
			// On to the block that holds the loop position.
			i = max(i, bs+64)
			step := uint(i-bs) / 64
			bs += int(step) * 64
			blk.j += step
		}
	}
}

// blockState is what runBlocks keeps in memory rather than in registers:
// where the batch ends and the call's range ends, the index of the block
// in its batch, and the block's events that are stamps. (The compiler
// never holds a struct of more than four fields in registers; the blank
// field makes five.)
type blockState struct {
	end, to int
	j       uint
	stamp   uint64
	_       int
}

// quietFlat is quietRun by table, for both loops: the answer for each
// class of run length, byte before and byte after, and, where it depends
// on it, the byte before that. One table of 256 entries
// (quietFlatTabs.code) whose index cannot be out of range, so that it
// needs no bounds checks, and all its tables in one variable, so that one
// address serves for all. n is at most 10. Bit 0 of the answer is
// quietRun's; where it is clear, bit 2 says whether skipShortRun may
// still pass the run (not for more than four digits, nor for one to
// three before '.', where skipShortRun answers no at once). TestQuietFlat
// holds it to quietRun and skipShortRun on every input.
func quietFlat(n int, prev, prev2, after byte) uint8 {
	t := &quietFlatTabs
	q := t.code[t.len[n&15]|t.prev[prev]|t.after[after]]
	return q | q>>1&t.letter[prev2]
}

// quietFlatTabs are the tables of quietFlat. The classes: run lengths
// 1-2, 3, 4, 5-10 (len, in bits 6-7 of code's index); bytes before: 0 any
// other, 1 '.', 2 '/', 3 '-', 4 another connector a security-code keyword
// can stand behind, 5 a word byte but 'u', 6 'u' (prev, bits 3-5); bytes
// after: 0 ':', 1 '.', 2 ' ' or '-', 3 a word byte, 4 any other (after,
// bits 0-2); and 1 for a letter two bytes before (letter). code holds 1
// for quiet, 2 for quiet if that byte is a letter, 0 for not quiet, and
// bit 2 for skipShortRun as above.
var quietFlatTabs = func() (t struct {
	prev, after, letter, code [256]uint8
	len                       [16]uint8
}) {
	t.len = [16]uint8{0, 0, 0, 1 << 6, 2 << 6, 3 << 6, 3 << 6, 3 << 6, 3 << 6, 3 << 6, 3 << 6}
	for c := range 256 {
		b := byte(c)
		switch {
		case b == 'u':
			t.prev[c] = 6 << 3
		case isWord(b):
			t.prev[c] = 5 << 3
		case b == '.':
			t.prev[c] = 1 << 3
		case b == '/':
			t.prev[c] = 2 << 3
		case b == '-':
			t.prev[c] = 3 << 3
		case cvvBefore[c]:
			t.prev[c] = 4 << 3
		}
		switch {
		case b == ':':
			t.after[c] = 0
		case b == '.':
			t.after[c] = 1
		case b == ' ' || b == '-':
			t.after[c] = 2
		case isWord(b):
			t.after[c] = 3
		default:
			t.after[c] = 4
		}
		if isLetter(b) {
			t.letter[c] = 1
		}
	}
	// One byte of each class stands for the class.
	lens := [4]int{1, 3, 4, 5}
	prevs := [7]byte{',', '.', '/', '-', ' ', 'a', 'u'}
	afters := [5]byte{':', '.', ' ', 'a', ','}
	for i, n := range lens {
		for j, p := range prevs {
			for k, a := range afters {
				letter, other := quietRun(n, p, 'a', a), quietRun(n, p, ' ', a)
				x := i<<6 | j<<3 | k
				switch {
				case letter && other:
					t.code[x] = 1
				case letter:
					t.code[x] = 2
				case other:
					// quietFlat can only add a letter before as a condition.
					panic("pii: quietRun is quiet after a non-letter only")
				}
				if n <= 4 && (a != '.' || n > 3) {
					t.code[x] |= 4
				}
			}
		}
	}
	return t
}()
