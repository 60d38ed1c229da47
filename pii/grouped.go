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
// group highest, as seq.key holds them and groupRun.window returns them.
// A group is never empty, so the packing tells the number of groups too.
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

// grouped tries the grouped forms starting with the group b[s:e], and
// returns where the loop resumes, or 0 when no grouped form matched and
// the group is to be judged alone.
//
// Most groups in text start a number or nothing, and are tried here
// alone, their groups parsed into st.grp (parseSeq), which costs fewer
// instructions than setting up a walk. Only when nothing starts at b[s:e]
// and the loop would come back to grouped at the next group does walk go
// on through the run ("6222 0212 3456 ..."). walk judges each shape as
// the loop below does, in a copy of its own: with walk's machinery for
// the first start too, every mobile and card found at its first group
// cost more (0.8% more instructions on the 8 MB corpus, 4% more time).
func (st *state) grouped(s, e int) int {
	b := st.b
	if s > 0 && isWord(b[s-1]) && !escapedAt(b, s-1) { // joinedLeft, without the call
		return 0
	}
	// groupStarts, written out: joined to the test above, it costs every
	// call a few instructions.
	switch e - s {
	case 2:
		if b[s] != '8' || b[s+1] != '6' {
			return 0
		}
	case 3:
		if b[s] != '1' {
			return 0
		}
		// Three digits start only 3-4-4, and walk goes on only past a
		// second group of at most six digits: before one of seven or more
		// ("cvv 123 4111111111111111", a code and its card) nothing starts,
		// and the groups are not parsed. (A mobile's second group ends at
		// b[e+5], which is tested first.)
		if i := e + 5; uint(i) < uint(len(b)) && isDigit(b[i]) && e+8 <= len(b) && nonDigitMask(binary.LittleEndian.Uint64(b[e:]))>>8 == 0 {
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
	if q.ng < 2 {
		return 0
	}
	if secondGroupFits(e-s, int(q.gl[1])) {
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
	}
	// Nothing starts here. The group is left to digitsTo, as on most
	// calls, unless it follows ' ' or '-' (so that maybeCode judges it
	// as digitsTo would), and walk has a start to go on to: the next
	// one, before st.to (never so in the reference loop), where the loop
	// would come back to grouped (walk makes the rest of that test),
	// with a group after it.
	if n := q.gl[1]; q.ng < 3 || n > 4 && n != 6 || s == 0 || b[s-1] != ' ' && b[s-1] != '-' || e+1 >= st.to {
		return 0
	}
	return st.walk(s, e)
}

// walk goes on through the run of groups that begins with the group
// b[s:e], where no grouped form starts, from group start to group start,
// doing at each what the loop would do there, and returns where the loop
// resumes. A number written in groups ("6222 0212 3456 7890 ...") is so
// parsed once, not once for each of its group starts, and the loop does
// not come back between them. It goes on past a group only when the
// loop would come back to grouped at the next one: the next group is in
// the run, before st.to, no date, and of a length digitsTo sends here.
// The groups it passes on the way, b[s:e] first, it judges alone as
// digitsTo would (maybeCode). At each start the longest shape that fits
// the groups and passes its checks is reported.
func (st *state) walk(s, e int) int {
	b := st.b
	// The run is kept here, not in st: state is made for every scan,
	// and clearing the run's 1.8 KB there would cost the scans of short
	// buffers, where no walk is made.
	var r groupRun
	r.start(b, s, e)
	r.extend(b, 0)
	if n := e - s; n == 3 || n == 4 { // maybeCode, before the run
		st.securityCode(s, e)
	}
	// end is where the loop would resume, a separator, and examine the
	// digits after it; k is how many groups it passed.
	end, k := e, 1
next:
	for i := 0; ; {
		i += k
		if !r.over && r.last-i < ahead-maxShapeGroups+1 {
			// Parsed while the groups of the window are still a few
			// starts ahead: read back from d (by luhn) just after they
			// were written, the words of several groups would make the
			// reads wait for the writes.
			r.extend(b, i)
		}
		if i >= r.last {
			// No group follows it in the run: its separator may start
			// another run, or none.
			return end
		}
		s, e = end+1, r.ge[i&ring]
		if n := e - s; s >= st.to || n > 4 && n != 6 || n == 4 && r.sep == '-' && dateEnd(b, s) > 0 {
			return end
		}
		if groupStarts(b, s, e) {
			// The shapes the window's groups can start: in a run of
			// groups of one length every window is alike, and few
			// windows are common anywhere, so they are sorted out once
			// for each and kept; the last is kept apart, where the
			// next start most often finds it.
			key := r.window(i)
			if key != r.shapes[0].key {
				c := &r.shapes[1+(key^key>>7^key>>13)%uint32(len(r.shapes)-1)]
				if c.key != key {
					c.key, c.shapes = key, shapesOf(key)
				}
				r.shapes[0] = *c
			}
			for m := r.shapes[0].shapes; m != 0; {
				// The most groups first.
				k = (31 - bits.LeadingZeros32(m)) / 4
				sh := shape(m >> (4 * k) & 15)
				m &^= 15 << (4 * k)
				d := r.digits(i, k)
				// Every card shape has 13 to 19 digits, as card asks:
				// of card's tests only the Luhn digit is left, made
				// here first, as most windows fail it.
				if sh == shapeCard && !luhn(d) {
					continue
				}
				end = r.ge[(i+k-1)&ring]
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
						continue next
					}
				case shapeCard:
					if st.cardAfter(d, s, end, true, r.keywordBefore(b, s)) {
						continue next
					}
				case shapeResident:
					if residentIDDigits(d[:17], d[17]) == residentOK && st.resident(s, end, r.keywordBefore(b, s)) {
						continue next
					}
				case shapeResident3X:
					if residentIDDigits(d, b[end-1]) == residentOK && st.resident(s, end, r.keywordBefore(b, s)) {
						return end // past the check character: no group follows
					}
				}
			}
		}
		if r.maybeCode(s, e) {
			st.securityCode(s, e)
		}
		end, k = e, 1
	}
}

// groupStarts reports whether the group b[s:e] may start a grouped
// form, as far as its own digits tell: two digits only as "86", three
// only as the start of a mobile number.
func groupStarts(b []byte, s, e int) bool {
	switch e - s {
	case 2:
		return b[s] == '8' && b[s+1] == '6'
	case 3:
		return b[s] == '1'
	}
	return true
}

// maybeCode reports whether the group b[s:e] of the run r, between two
// separators, may be a security code when judged alone: what digitsTo
// does with such a run of digits when grouped sends it back (' ' and
// '-' are no word bytes, and both are among the bytes cvvBefore lets
// stand before a code) is securityCode for three or four digits, and
// nothing else. Past the run's first group, cvvKeywordBefore skips the
// separator before the group, stops at the digit before it (no
// connector), and looks for a CVV keyword ending there; the last
// cvvRunReach bytes of every CVV keyword hold a byte that is neither
// digit nor separator, so none ends there once the run holds that many
// bytes before the separator, and securityCode would answer nothing.
func (r *groupRun) maybeCode(s, e int) bool {
	n := e - s
	return (n == 3 || n == 4) && s-1-r.from < cvvRunReach
}

// keywordBefore is keywordBefore(b, start) for a number starting at
// start in the run r. keywordBefore stops at the first digit it meets
// going back that is no hex digit of a \uXXXX escape; from a group of
// the run after its first, that is the last digit of the group before,
// and before it only a keyword ending at the separator or at that digit
// is looked for. Once the run holds kwRunReach bytes up to the separator
// no keyword ends there (see runReach), and the answer is known: no
// keyword, on the same line.
func (r *groupRun) keywordBefore(b []byte, start int) context {
	if start-1-r.from >= kwRunReach {
		return context{sameLine: true}
	}
	return keywordBefore(b, start)
}

// cvvRunReach and kwRunReach are how many bytes back from its end every
// CVV keyword, and every keyword, holds a byte that is neither a digit
// nor a separator (' ' or '-'), as the trie holds it (plain and
// JSON-escaped): a run of groups holds none of those bytes, so no such
// keyword ends within the first reach-1 bytes of a run, counted from its
// end. Both are 5, for "\u7801" (码); TestRunReach works them out from
// the keyword list (runReach). Constants, not worked out when the
// package starts: the code that did so moved the hot loops about.
const (
	cvvRunReach = 5
	kwRunReach  = 5
)

// shapesOf returns the shapes that groups of the lengths packed in key
// (as shapeKey takes them; at most maxShapeGroups groups)
// can start: the shape of the first k groups in bits 4k to 4k+3, for k
// from 2 on. There are none unless the second group fits the first.
func shapesOf(key uint32) uint32 {
	ng := (35 - bits.LeadingZeros32(key)) / 4 // a group is never empty
	if ng < 2 || !secondGroupFits(int(key>>(4*(ng-1))), int(key>>(4*(ng-2))&15)) {
		return 0
	}
	var m uint32
	for k := ng; k >= 2; k-- {
		m |= uint32(shapeKey(key)) << (4 * k)
		key >>= 4
	}
	return m
}

// groupRun is a run of groups joined by one separator, as grouped goes
// through it a group start at a time. The groups are numbered from the
// run's first (0), and kept in rings by their number mod ring+1: the
// group before the start grouped is at, and from it on as many as extend
// parsed ahead. What is kept of a group is counted from the run's start,
// so moving on to the next start changes nothing kept. The window of a
// start, the groups a grouped form starting there may have, is the
// longest run of them up to maxShapeGroups with at most maxDigits digits
// (window).
type groupRun struct {
	ge [ring + 1]int // where each group ends
	cn [ring + 1]int // the digits from the run's start to the end of each group (cn[ring] starts as 0: group -1)
	// d holds the digits of the run from the off-th on: a group's digits
	// are written as two words (see parseSeq), and moved down when the
	// room left is less than that.
	d    [1024 + 16]byte
	off  int
	key  uint64 // the group lengths, four bits each, the last group parsed lowest
	last int    // the number of the last group parsed
	over bool   // no group follows the last one in the run
	sep  byte
	from int // where the run starts
	// shapes holds shapesOf(key) for the window looked at last (at 0)
	// and for the windows seen before, by a hash of key (which is never
	// 0).
	shapes [64]struct{ key, shapes uint32 }
}

// ring is the mask of a group's place in the rings of groupRun; extend
// parses at most ahead groups past a start, which with the group
// before it fit in the ring.
const (
	ring  = 15
	ahead = 12
)

// windowMask keeps, of groupRun.key, the groups of a window of one to
// maxShapeGroups groups (index one less).
var windowMask = [8]uint32{0xf, 0xff, 0xfff, 0xffff, 0xfffff}

// window returns the group lengths of the window of group i, packed as
// shapeKey takes them.
func (r *groupRun) window(i int) uint32 {
	j := min(r.last, i+maxShapeGroups-1)
	for lim := r.cn[(i-1)&ring] + maxDigits; r.cn[j&ring] > lim; {
		j-- // group i alone has at most eleven digits
	}
	return uint32(r.key>>(4*(r.last-j)&63)) & windowMask[(j-i)&7]
}

// start makes b[s:e] the first group of r.
func (r *groupRun) start(b []byte, s, e int) {
	n := e - s // at most 6, as digitsTo sends
	if s+8 <= len(b) {
		binary.LittleEndian.PutUint64(r.d[:8], binary.LittleEndian.Uint64(b[s:]))
	} else {
		copy(r.d[:], b[s:e])
	}
	r.cn[ring], r.ge[0], r.cn[0], r.off = 0, e, n, 0
	r.key, r.last, r.over, r.sep, r.from = uint64(n), 0, false, b[e], s
}

// extend parses the groups of the run up to ahead past group i that are
// not parsed yet. The last group parsed is at or past i-1.
//
// It reads a group as parseSeq does, as two words (zeros past the end
// of b), which give its length and digits.
func (r *groupRun) extend(b []byte, i int) {
	last := r.last
	if r.over {
		return
	}
	sep, off, key := r.sep, r.off, r.key
	n := r.cn[last&ring]
	p := r.ge[last&ring]
	gp := 0 // the length of the group before
	for stop := i + ahead; last < stop; {
		var w0, w1 uint64
		if x := b[p:]; len(x) >= 17 {
			if x[0] != sep {
				r.over = true
				break
			}
			w0, w1 = binary.LittleEndian.Uint64(x[1:9]), binary.LittleEndian.Uint64(x[9:17])
		} else {
			if len(x) < 2 || x[0] != sep {
				r.over = true
				break
			}
			w0, w1 = wordsNearEnd(b, p+1)
		}
		g := bits.TrailingZeros64(nonDigitMask(w0)) >> 3
		if g == 8 {
			g += bits.TrailingZeros64(nonDigitMask(w1)) >> 3 // 16 when all are digits
		}
		if g == 0 || g > 11 {
			// No group, or one too long for any group after the first,
			// and for the first group of a start (digitsTo sends no more
			// than six).
			r.over = true
			break
		}
		if n-off > 1024-16 {
			// Move the digits from group i on (at most ahead groups of
			// eleven) down.
			w := r.cn[(i-1)&ring] - off
			copy(r.d[:], r.d[w:n-off])
			off += w
		}
		// n-off is at most 1024-16: the words fit in d.
		dst := (*[16]byte)(r.d[(n-off)&1023:])
		binary.LittleEndian.PutUint64(dst[:8], w0)
		binary.LittleEndian.PutUint64(dst[8:], w1)
		// The next group starts after this one. Where this one is as long
		// as the one before, as in most runs, p is moved by that length:
		// the processor predicts the test, and reads the next group
		// without waiting for this one's length to be found.
		if g == gp {
			p += 1 + gp
		} else {
			p, gp = p+1+g, g
		}
		n += g
		last++
		r.ge[last&ring], r.cn[last&ring] = p, n
		key = key<<4 | uint64(g)
	}
	r.last, r.off, r.key = last, off, key
}

// wordsNearEnd returns the bytes of b from i as two words, with zeros
// past its end. A loop, not copy: a call in extend's loop would have
// the loop keep its values on the stack.
func wordsNearEnd(b []byte, i int) (w0, w1 uint64) {
	for k := 0; k < 16 && i+k < len(b); k++ {
		if k < 8 {
			w0 |= uint64(b[i+k]) << (8 * k)
		} else {
			w1 |= uint64(b[i+k]) << (8 * (k - 8))
		}
	}
	return w0, w1
}

// digits returns the digits of the k groups from group i.
func (r *groupRun) digits(i, k int) []byte {
	// Both ends are less than 1024 (see extend).
	return r.d[(r.cn[(i-1)&ring]-r.off)&1023 : (r.cn[(i+k-1)&ring]-r.off)&1023]
}
