package pii

import (
	"encoding/binary"
	"math/bits"
)

// Grouped numbers: people write mobiles as "138 0013 8000" or
// "+86-138-0013-8000", cards in fours ("6222 0212 3456 7890 128"), and now
// and then an ID as "110105 19900307 002X". A grouping counts only in the
// shapes the type is written in, with one separator used throughout, so
// "2024-05-01" never becomes one number.

// seq is a grouped number: its digits without separators and the length
// and end of each group. d has room for sixteen bytes past 31 (and so
// past maxDigits): parseSeq copies a group as two eight-byte words, and
// what lies past n is never read.
type seq struct {
	d  [32 + 16]byte
	n  int
	gl [maxGroups]uint8
	ge [maxGroups]int
	gn [maxGroups]uint8 // digits up to the end of each group
	ng int
	// key holds the group lengths four bits each, the first group
	// highest (shapeKey); a first group of 15 digits or more counts as
	// 15, which no shape has.
	key uint32
}

// parseSeq collects into q the groups that follow the first group b[s:e].
// Where sixteen bytes follow a separator it reads them as two words, which
// give both the group's length and its digits; near the end of b it goes
// a byte at a time.
//
// q holds what an earlier call left in it for b, or nothing. When b[s:e]
// is the second group of the groups q holds, those are taken on: moved
// down a place, and the parse goes on where it stopped, now that the
// first group's digits no longer count against maxDigits nor the group
// against maxGroups. A number written in groups is so parsed once, not
// once for each of its groups where no grouped form starts.
func parseSeq(q *seq, b []byte, s, e int) {
	// The loop keeps its state in locals: through q, every field would be
	// stored and reloaded around each store into q.d.
	var n, ng, p int
	var key uint32
	if q.ng >= 2 && s == q.ge[0]+1 && e == q.ge[1] {
		n, ng, p, key = q.dropFirst()
	} else {
		n = e - s
		if n <= 8 && s+8 <= len(b) {
			binary.LittleEndian.PutUint64(q.d[:8], binary.LittleEndian.Uint64(b[s:s+8]))
		} else {
			n = copy(q.d[:maxDigits], b[s:e])
		}
		q.gl[0], q.ge[0], q.gn[0] = uint8(e-s), e, uint8(n)
		ng, p, key = 1, e, uint32(min(e-s, 15))
	}
	sep := b[e]
	for ng < maxGroups && p+1 < len(b) && b[p] == sep && isDigit(b[p+1]) {
		var g int
		if p+17 <= len(b) {
			w0 := binary.LittleEndian.Uint64(b[p+1 : p+9])
			w1 := binary.LittleEndian.Uint64(b[p+9 : p+17])
			if m := nonDigitMask(w0); m != 0 {
				g = bits.TrailingZeros64(m) >> 3
			} else {
				g = 8 + bits.TrailingZeros64(nonDigitMask(w1))>>3 // 16 when all are digits
			}
			if g > 11 || n+g > maxDigits {
				break
			}
			// n is at most maxDigits, so n&31 is n; written so, the
			// compiler sees the sixteen bytes inside q.d.
			d := (*[16]byte)(q.d[n&31:])
			binary.LittleEndian.PutUint64(d[:8], w0)
			binary.LittleEndian.PutUint64(d[8:], w1)
		} else {
			g = digitsEnd(b, p+1, 12) - (p + 1)
			if g > 11 || n+g > maxDigits {
				break
			}
			copy(q.d[n:], b[p+1:p+1+g])
		}
		n += g
		p += 1 + g
		q.gl[ng], q.ge[ng], q.gn[ng] = uint8(g), p, uint8(n)
		key = key<<4 | uint32(g)
		ng++
	}
	q.n, q.ng, q.key = n, ng, key
}

// dropFirst moves the groups of q after the first down a place and
// returns the digits, groups, end and key of those left, for parseSeq to
// go on from (a function of its own, so that parseSeq's loop keeps its
// registers).
func (q *seq) dropFirst() (n, ng, p int, key uint32) {
	g0 := int(q.gn[0])
	// n is at most maxDigits, so the 24 bytes from g0 hold the digits
	// left; g0&15 is g0 (a first group has at most 11 digits).
	src := (*[24]byte)(q.d[g0&15:])
	w0, w1, w2 := binary.LittleEndian.Uint64(src[:8]), binary.LittleEndian.Uint64(src[8:16]), binary.LittleEndian.Uint64(src[16:])
	binary.LittleEndian.PutUint64(q.d[:8], w0)
	binary.LittleEndian.PutUint64(q.d[8:16], w1)
	binary.LittleEndian.PutUint64(q.d[16:24], w2)
	// All places are moved, without a loop: what lies past ng is never
	// read.
	gl, ge, gn, d0 := &q.gl, &q.ge, &q.gn, uint8(g0)
	gl[0], gl[1], gl[2], gl[3], gl[4] = gl[1], gl[2], gl[3], gl[4], gl[5]
	ge[0], ge[1], ge[2], ge[3], ge[4] = ge[1], ge[2], ge[3], ge[4], ge[5]
	gn[0], gn[1], gn[2], gn[3], gn[4] = gn[1]-d0, gn[2]-d0, gn[3]-d0, gn[4]-d0, gn[5]-d0
	ng = q.ng - 1
	return q.n - g0, ng, ge[(ng-1)&7%maxGroups], q.key & (1<<(4*ng) - 1)
}

// secondGroupFits reports whether a grouped form can start with a group
// of n digits followed by one of m: most digit pairs in text ("2024-05",
// "12 34") cannot, and are turned away before any copying.
func secondGroupFits(n, m int) bool {
	switch n {
	case 2:
		return m == 3 || m == 11 // 86 138 ..., 86-13800138000
	case 3:
		return m == 4 // 138 0013 8000
	case 4:
		return m == 3 || m == 4 || m == 6 || m == 11 // 0086 138, cards
	case 6:
		return m == 8 // 110105 19900307 002X
	}
	return false
}

// shape is what a grouping can be.
type shape uint8

const (
	shapeNone shape = iota
	shapeMobile
	shapeCard
	shapeResident   // 6-8-4
	shapeResident3X // 6-8-3 and the check character X
)

// shapeOf classifies group lengths.
func shapeOf(gl []uint8) shape {
	if len(gl) > maxGroups {
		return shapeNone
	}
	key := uint32(0)
	for _, g := range gl {
		if g == 0 {
			return shapeNone
		}
		key = key<<4 | uint32(min(g, 15))
	}
	return shapeKey(key)
}

// maxShapeGroups is the most groups a shape has (4-4-4-4-3).
const maxShapeGroups = 5

// shapeKey classifies group lengths packed four bits each, the first
// group highest, as seq.key holds them. A group is never empty, so the
// packing tells the number of groups too.
func shapeKey(key uint32) shape {
	switch key {
	case 0x344, 0x2344, 0x4344, 0x2b, 0x4b: // 3-4-4, 2-3-4-4, 4-3-4-4, 2-11, 4-11
		return shapeMobile
	case 0x465, 0x464: // 4-6-5, 4-6-4
		return shapeCard
	case 0x4441, 0x4442, 0x4443, 0x4444, 0x44441, 0x44442, 0x44443:
		// Fours, with a last group of one to four: 13 to 19 digits.
		return shapeCard
	case 0x684:
		return shapeResident
	case 0x683:
		return shapeResident3X
	}
	return shapeNone
}

// grouped tries the grouped forms starting with the group b[s:e]. It
// returns where the loop resumes, or 0 when no grouped form matched and
// the first group is to be judged alone.
func (st *state) grouped(s, e int) int {
	b := st.b
	if s > 0 && isWord(b[s-1]) && !escapedAt(b, s-1) { // joinedLeft, without the call
		return 0
	}
	switch e - s {
	case 2:
		if b[s] != '8' || b[s+1] != '6' {
			return 0
		}
	case 3:
		if b[s] != '1' {
			return 0
		}
	}
	// The caller has seen a digit after the separator, so the second
	// group is parsed whatever its length: one longer than 11 digits
	// ends the sequence, and no first group fits a lone one.
	// When no grouped form started at the group before, the loop comes
	// here next, and parseSeq takes on the groups parsed for it.
	q := &st.grp
	parseSeq(q, b, s, e)
	if q.ng < 2 || !secondGroupFits(e-s, int(q.gl[1])) {
		return 0
	}
	for k := min(q.ng, maxShapeGroups); k >= 2; k-- {
		sh := shapeKey(q.key >> (4 * (q.ng - k)))
		if sh == shapeNone {
			continue
		}
		end := q.ge[k-1]
		d := q.d[:q.gn[k-1]]
		if sh == shapeResident3X {
			if end >= len(b) || (b[end] != 'X' && b[end] != 'x') {
				continue
			}
			end++
		}
		if joinedRight(b, end) || st.partOfEmail(end) {
			continue
		}
		switch sh {
		case shapeMobile:
			prefix := mobileDigits(d)
			if prefix == 0 {
				continue
			}
			start := s
			if prefix > 1 {
				start = st.plusBefore(s) // "+86 138 ..."
			}
			if st.mobile(start, end, true) {
				return end
			}
		case shapeCard:
			if st.card(d, s, end, true) {
				return end
			}
		case shapeResident:
			if residentIDDigits(d[:17], d[17]) == residentOK && st.resident(s, end, keywordBefore(b, s)) {
				return end
			}
		case shapeResident3X:
			if residentIDDigits(d, b[end-1]) == residentOK && st.resident(s, end, keywordBefore(b, s)) {
				return end
			}
		}
	}
	return 0
}
