package pii

import "math/bits"

// The block loop. Bytes are classified 64 at a time into bit sets, one
// bit a byte (bit k for byte k of the block), by SIMD instructions where
// the processor has them. Bit arithmetic on the sets then does for a whole
// block what the word loop does one trigger at a time: it finds the first
// digit of every run, and it strikes out the runs and colons that the
// loop would pass over anyway — the hex digits of escapes and ids, the
// parts of dotted versions and addresses, counters before a colon, the
// colons of JSON keys. Only what is left is visited, lowest first, with
// the checks of the word loop. On the generated corpus that leaves about
// half the events, and classifying a block costs less than stepping
// through its eight words did.

// blockBits are the classes of the 64 bytes of a block.
type blockBits struct {
	dig   uint64 // 0-9
	colon uint64 // ':'
	at    uint64 // '@'
	word  uint64 // letters, digits, '_'
	hex   uint64 // 0-9, a-f, A-F
	dot   uint64 // '.'
	sep   uint64 // ' ' and '-'
	u     uint64 // 'u'
}

// haveSIMD is set at start-up on processors that can classify bytes in
// SIMD registers (blocks_amd64.go); scans then run the block loop with
// classifySIMD. classifySIMD fills out[k] with the classes of
// b[64k:64k+64] for every k < len(out); b holds at least 64*len(out)
// bytes.
var haveSIMD bool

// classifyGeneric is classifySIMD in plain Go, a byte at a time. The
// block loop is faster than the word loop only with SIMD classification;
// this one is what the SIMD code is tested against, and lets the block
// loop be tested on any processor.
func classifyGeneric(b []byte, out []blockBits) {
	for k := range out {
		blk := b[64*k : 64*k+64]
		var c blockBits
		for j := 0; j < 64; j++ {
			x := blk[j]
			bit := uint64(1) << j
			if isDigit(x) {
				c.dig |= bit
			}
			switch x {
			case ':':
				c.colon |= bit
			case '@':
				c.at |= bit
			case '.':
				c.dot |= bit
			case ' ', '-':
				c.sep |= bit
			case 'u':
				c.u |= bit
			}
			if isWord(x) {
				c.word |= bit
			}
			if isHex(x) {
				c.hex |= bit
			}
		}
		out[k] = c
	}
}

// batchBlocks is how many blocks are classified at a time.
const batchBlocks = 8

// runBlocks is run with classified blocks: the same positions examined
// in the same order as runWords, the same position returned.
//
// In each block, the events are the first digit of every run and every
// ':' and '@'. Bit arithmetic strikes out, for all runs at once, those
// quietRun passes over: a run of one to four digits followed by ':' (the
// colon decides); one to three between dots ("120.0.0.0"); one or two
// followed by anything but '.', ' ' or '-'; three or four inside a word
// on both sides or in a \uXXXX escape. So are the colons no address runs
// through or starts at. Only runs whose following byte is in the block
// are decided so; the rest, and everything in the block that holds to,
// are left to the checks of the word loop.
// simd chooses classifySIMD over classifyGeneric (a flag, not a function
// value: bb must stay on the stack).
func (st *state) runBlocks(i, to int, simd bool) int {
	full := st.b
	var bb [batchBlocks]blockBits
	for i < to {
		nb := min(batchBlocks, (len(full)-i)/64, (to-i+63)/64)
		if nb == 0 {
			// Less than a block left in the buffer.
			return st.runWords(i, to)
		}
		base := i
		if simd {
			classifySIMD(full[base:base+64*nb], bb[:nb])
		} else {
			classifyGeneric(full[base:base+64*nb], bb[:nb])
		}
		j := 0
	blocks:
		for j < nb {
			c := &bb[j]
			bs := base + 64*j
			// Bit 0 of each: the class of the byte before the block.
			var pDig, pWord, pHex, pDot, pU uint64
			if j > 0 {
				q := &bb[j-1]
				pDig, pWord, pHex, pDot, pU = q.dig>>63, q.word>>63, q.hex>>63, q.dot>>63, q.u>>63
			} else if bs > 0 {
				x := full[bs-1]
				pWord, pHex = uint64(ctype[x]&ctWord), uint64(ctype[x]&ctHex)>>1
				if isDigit(x) {
					pDig = 1
				}
				if x == '.' {
					pDot = 1
				}
				if x == 'u' {
					pU = 1
				}
			}
			d := c.dig
			starts := d &^ (d<<1 | pDig)
			ev := starts | c.colon | c.at
			if bs+64 <= to {
				// Quiet runs, by length 1, 2, 3, 4 and the bytes around.
				nd := ^d
				r2 := starts & (d >> 1)
				r3 := r2 & (d >> 2)
				len1 := starts & (nd >> 1)
				len2 := r2 & (nd >> 2)
				len3 := r3 & (nd >> 3)
				len4 := r3 & (d >> 3) & (nd >> 4)
				pw := c.word<<1 | pWord
				pdot := c.dot<<1 | pDot
				pu := c.u<<1 | pU
				col, dot, word := c.colon, c.dot, c.word
				plain := ^(col | dot | c.sep) // not '.', ' ', '-', ':'
				q := len1 & (col>>1 | plain>>1 | (dot>>1)&pdot)
				q |= len2 & (col>>2 | plain>>2 | (dot>>2)&pdot)
				q |= len3 & (col>>3 | (dot>>3)&pdot | (plain>>3)&pw&(word>>3|pu))
				q |= len4 & (col>>4 | (plain>>4)&pw&(word>>4|pu))
				// Before ' ' or '-': one digit is never the first group of a
				// grouped number, two only when more digits follow.
				q |= len1&(c.sep>>1) | len2&(c.sep>>2)&(nd>>3)
				// Quiet colons: not before ':', no hex digit on one side.
				q |= col & (^col >> 1) &^ ((c.hex >> 1) & (c.hex<<1 | pHex)) &^ (1 << 63)
				ev &^= q
			}
			live := ^uint64(0) // events at or past to are not this call's
			if to-bs < 64 {
				live = 1<<(to-bs) - 1
			}
			// Events behind the loop position are passed; a position inside
			// a run makes the rest of the run an event.
			k := uint(i - bs)
			ev = (ev&^(1<<k-1) | d&(1<<k)) & live
			for ev != 0 {
				t := bits.TrailingZeros64(ev)
				p := bs + t
				var r int // where the loop resumes after an examination
				if d>>t&1 != 0 {
					var n int
					var after byte
					if rest := ^d >> t; rest != 0 {
						n = bits.TrailingZeros64(rest)
						after = full[p+n]
					} else if e := digitsEnd(full, p, 11); e < len(full) {
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
						// A run before ' ' or '-' is never quiet (it may be the first
						// group of a number, or a date).
						var quiet bool
						switch after {
						case '-':
							if n == 4 {
								if e := dateEnd(full, p); e > 0 {
									r = e // "2024-05-19": a date is not PI
									goto resume
								}
							}
						case ' ':
						default:
							quiet = quietFast(n, prev, prev2, after)
						}
						if quiet || n <= 4 && skipShortRun(full, p, n) {
							i = p + n
							ev &= ev - 1
							if t+n >= 64 {
								break
							}
							continue
						}
					}
					if ^d>>t != 0 {
						// n is the run's length: the run ends in the block.
						r = st.digitsTo(p, p+min(n, maxDigits+1))
					} else {
						r = st.digits(p)
					}
				} else if c.colon>>t&1 != 0 {
					var prev, after byte
					if p > 0 {
						prev = full[p-1]
					}
					if p+1 < len(full) {
						after = full[p+1]
					}
					if after != ':' && (!isHex(after) || !isHex(prev)) {
						i = p + 1
						ev &= ev - 1
						continue
					}
					if e := timeEnd(full, p); e > 0 {
						r = e // "12:34:56": a time is not an address
					} else {
						r = st.colon(p)
					}
				} else {
					r = st.at(p)
				}
			resume:
				i = r
				if k := uint(r - bs); k < 64 {
					ev = (ev&^(1<<k-1) | d&(1<<k)) & live
					continue
				}
				if r >= to || r >= base+64*nb {
					break blocks
				}
				j = (r - base) / 64
				continue blocks
			}
			i = max(i, min(bs+64, to))
			j = max(j+1, (i-base)/64)
		}
	}
	return i
}
