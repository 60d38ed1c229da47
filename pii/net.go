package pii

import (
	"encoding/binary"
	"math/bits"
)

// E-mail and IP addresses: the '@' and ':' examinations, and IPv4 from a
// digit run followed by a dot.

const (
	maxLocal  = 64  // RFC 5321 local-part limit
	maxDomain = 253 // RFC 1035 name limit
)

// at examines an '@' at a: an e-mail address whose local part ends here.
//
// The domain is parsed before the rest of the local part is looked for:
// an '@' after a byte that may end a local part is more often turned away
// by its domain ("a@b.a@b.", each domain running into the next '@') than
// by the rest of its local part, which is then not read at all.
func (st *state) at(a int) int {
	b := st.b
	if a <= st.lastEnd || a == 0 || ctype[b[a-1]]&ctLocalEnd == 0 {
		return a + 1 // no local part, or one that ends in '.'
	}
	return st.atDomain(a)
}

// atInBlock is at for runBlocks, for an '@' at a that is bit t of a block
// whose classes are index k%batchBlocks+1 of bb. The domain is parsed
// from the block's bits for its bytes, with no load a byte: where the
// name breaks off is the lowest bit of one mask (a byte of no label and
// no dot, a dot not followed by a letter or digit, a '-' not followed by
// a label byte), the last label starts after the highest dot below it,
// and whether that label is all letters is one more mask. Only a name
// that runs on to the block's last byte, whose next byte the block does
// not hold, is left to domainEnd. A name that breaks off before it is
// shorter than 63 bytes: no label or name is too long.
func (st *state) atInBlock(a int, bb *batchBits, k, t uint) int {
	b := st.b
	if a <= st.lastEnd || a == 0 || ctype[b[a-1]]&ctLocalEnd == 0 {
		return a + 1 // no local part, or one that ends in '.'
	}
	if t >= 63 {
		return st.atDomain(a)
	}
	k = k%batchBlocks + 1
	letter, digit, dash, dot := bb.letter[k], bb.dig[k], bb.dash[k], bb.dot[k]
	alnum := letter | digit
	label := alnum | dash
	name := ^uint64(1) << (t & 63) // the bits from the name's first byte on
	if alnum&(name&-name) == 0 {
		return a + 1 // no label starts after the '@'
	}
	brk := (^(label | dot) | dot&^(alnum>>1) | dash&^(label>>1)) & name
	if brk&(1<<63-1) == 0 {
		return st.atDomain(a) // runs on to the block's last byte
	}
	end := brk & -brk              // the byte where the name breaks off
	dots := dot & name & (end - 1) // the dots before it, each between two labels
	if dash&end != 0 {
		// The label that ends in '-' is not taken: the name ends at the
		// dot before it.
		if dots == 0 {
			return a + 1
		}
		end = 1 << ((bits.Len64(dots) - 1) & 63)
		dots &^= end
	}
	// The last label: after the highest dot, if there is one, up to end.
	last := (end - 1) &^ (1<<(bits.Len64(dots)&63) - 1)
	glued := bb.at[k] | bb.word[k]&^alnum // '@' and '_' after the name
	if dots == 0 || last&(last-1) == 0 || (digit|dash)&last != 0 || glued&end != 0 {
		return a + 1
	}
	return st.email(a, a-int(t)+bits.TrailingZeros64(end))
}

// atDomain is at once the local part's last byte is known: it parses the
// domain with domainEnd.
func (st *state) atDomain(a int) int {
	end, ok := domainEnd(st.b, a+1)
	if !ok {
		return a + 1
	}
	return st.email(a, end)
}

// email ends an examination by at of the '@' at a, with a domain name
// that ends at end: the local part before a, if there is one.
func (st *state) email(a, end int) int {
	b := st.b
	floor := max(a-maxLocal, st.lastEnd, 0)
	w := b[floor : a-1] // b[a-1] is in the local part
	k := len(w)
	for k > 0 && ctype[w[k-1]]&ctLocal != 0 {
		k--
	}
	start := floor + k
	if start == a-maxLocal && start > 0 && ctype[b[start-1]]&ctLocal != 0 {
		return a + 1 // local part too long: not an address
	}
	// A JSON escape before the address is not part of it: "\u003cuser@",
	// "\nuser@".
	if start > 0 && b[start-1] == '\\' && oddBackslashes(b, start-1) {
		switch {
		case a-start > 5 && b[start] == 'u' && isHex(b[start+1]) && isHex(b[start+2]) && isHex(b[start+3]) && isHex(b[start+4]):
			start += 5
		case b[start] == 'n' || b[start] == 'r' || b[start] == 't':
			start++
		}
	}
	for start < a && b[start] == '.' {
		start++
	}
	if start == a {
		return a + 1
	}
	if st.report(Email, start, end, 0.95, ReasonSyntax, nil) {
		return end
	}
	return a + 1
}

// domainEnd parses a domain name at i: two or more labels of letters,
// digits and hyphens, the last all letters. It returns the end.
//
// A label starts and ends with a letter or digit, and a dot goes on to
// the next label only if one starts after it: so a dot followed by no
// label byte and one followed by '-' end the name alike, where the label
// after the dot would be turned away.
//
// Labels are read a byte at a time, with one class look-up a byte and
// nothing else kept: for labels of the usual few bytes, that costs less
// than the masks of an eight-byte load. Whether the last label is all
// letters is asked of its bytes once it is known. runBlocks asks this
// only of names that run on to the end of a block (atInBlock), such as
// labels of 64 bytes or more, so no more than 64 bytes of a label are read.
func domainEnd(b []byte, i int) (int, bool) {
	w := b[:min(i+maxDomain, len(b))]
	// The last label taken. It starts after i when there are two or more.
	start, end := i, 0
	for p := i; p < len(w); {
		if ctype[w[p]]&ctAlnum == 0 {
			break
		}
		// No label is longer than 63 bytes: no more are read.
		l := w[:min(len(w), p+64)]
		q := p + 1
		for q < len(l) && ctype[l[q]]&ctDomain != 0 {
			q++
		}
		if q-p > 63 || ctype[w[q-1]]&ctAlnum == 0 {
			break
		}
		start, end = p, q
		if q >= len(w) || w[q] != '.' {
			break
		}
		p = q + 1
	}
	// The last label all letters, two or more of them.
	if start == i || end-start < 2 || (end < len(b) && (b[end] == '_' || b[end] == '@')) {
		return 0, false
	}
	for _, c := range w[start:end] {
		if ctype[c]&ctLetter == 0 {
			return 0, false
		}
	}
	return end, true
}

// ipv4 examines a dotted quad whose first octet is b[s:e].
func (st *state) ipv4(s, e int) int {
	// st.b is read again after each call rather than kept across it:
	// kept, its three words would be saved on the stack on every path.
	if s > 0 {
		b := st.b
		switch p := b[s-1]; {
		case p == '.', joinedAfter(b, s, p):
			return e
		case (p == '/' || p == '-') && s > 1 && isLetter(st.b[s-2]):
			return e // "Chrome/120.0.0.0", "openssl-1.1.1.1": a version
		}
	}
	end, ok := dottedQuad(st.b, s)
	b := st.b
	if !ok || joinedRight(b, end) || (end < len(b) && b[end] == '.' && end+1 < len(b) && isWord(b[end+1])) {
		return e
	}
	if versionMayEndBefore(b, s) && keywordBefore(st.b, s).kind() == kwVersion {
		return e
	}
	if st.report(IPv4, s, end, 0.9, ReasonSyntax, nil) {
		return end
	}
	return e
}

// versionMayEndBefore is false when keywordBefore(b, start) cannot be a
// version keyword, which is all ipv4 asks of it, and it costs a few
// instructions a byte where keywordBefore costs hundreds a call.
//
// keywordBefore looks back from start-1 to max(start-kwWindow, 1) for the
// nearest keyword, one position p at a time: first a keyword ending at p,
// then a digit (not of a \uXXXX escape) there ends the search with no
// keyword, and a line break there makes every keyword found further back
// count only if it is not negative, as a version keyword is. So when,
// looking back, such a digit or a line break comes before any position
// at which the last two bytes of a version keyword end (case folded), no
// version keyword can be the answer; nor when there is neither. A
// position ending another keyword changes nothing: then the answer is
// that keyword, not a version. The test holds this to keywordBefore at
// every position of its corpus.
func versionMayEndBefore(b []byte, start int) bool {
	if start < 2 {
		return false // keywordBefore finds no keyword
	}
	lim := max(start-kwWindow, 1)
	// w[k] is b[lim-1+k], so that w[k-1] is always there.
	w := b[lim-1 : start]
	for k := len(w) - 1; k >= 1; k-- {
		c := w[k]
		if versionByte[c] == 0 {
			continue
		}
		if versionByte[c]&versionLast != 0 {
			j := int(lowerTab[w[k-1]])<<8 | int(lowerTab[c])
			if versionPair[j>>6]&(1<<(j&63)) != 0 {
				return true
			}
		}
		if c == '\n' {
			return false
		}
		// A digit not of a \uXXXX escape ends keywordBefore's search. In
		// an escape, the 'u' stands at most four bytes before the digit.
		if isDigit(c) && (k >= 4 && w[k-1] != 'u' && w[k-2] != 'u' && w[k-3] != 'u' && w[k-4] != 'u' ||
			escapeEnd(b, lim-1+k) == 0) {
			return false
		}
	}
	return false
}

const (
	versionLast = 1 << iota // the last byte of a version keyword, either case
	versionStop             // a line break or a digit
)

var (
	versionByte [256]uint8
	// versionPair holds the last two bytes (lower case) of every version
	// keyword, as bits j = y<<8|z.
	versionPair [256 * 256 / 64]uint64
)

func init() {
	versionByte['\n'] |= versionStop
	for c := '0'; c <= '9'; c++ {
		versionByte[c] |= versionStop
	}
	for _, g := range keywordList {
		if g.kind != kwVersion {
			continue
		}
		for _, w := range g.words {
			for _, t := range []string{w, jsonEscape(w)} {
				y, z := t[len(t)-2], t[len(t)-1]
				j := int(y)<<8 | int(z)
				versionPair[j>>6] |= 1 << (j & 63)
				for c := range 256 {
					if lowerTab[c] == z {
						versionByte[c] |= versionLast
					}
				}
			}
		}
	}
}

// joinedAfter is joinedLeft(b, i) for a caller that has read p = b[i-1].
// Only a hex digit or the letter of \n \r \t can end a JSON escape
// (escapedAt), so any other word byte glues without a call.
func joinedAfter(b []byte, i int, p byte) bool {
	g := glue[p]
	return g == glueWord || g == glueUnlessEscape && !escapedAt(b, i-1)
}

const (
	glueNone         = iota // not a word byte
	glueWord                // a word byte that cannot end an escape
	glueUnlessEscape        // a hex digit, 'n', 'r' or 't'
)

var glue = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case isHex(byte(c)) || c == 'n' || c == 'r' || c == 't':
			t[c] = glueUnlessEscape
		case isWord(byte(c)):
			t[c] = glueWord
		}
	}
	return t
}()

// dottedQuad parses four decimal octets (0–255, no leading zeros) at i.
// An octet and its dot take at most four bytes, so one eight-byte load
// holds two octets, the dot between them and the byte after the second:
// a quad is two loads (with zeros past the end of b, which are neither
// digits nor dots, so the end of b reads as it should).
func dottedQuad(b []byte, i int) (int, bool) {
	p := i
	for k := 0; k < 2; k++ {
		x := load8(b, p)
		nd := nonDigitMask(x)
		n := bits.TrailingZeros64(nd) >> 3 // 8: all digits
		if !octetAt(x, n) || byte(x>>(8*n&63)) != '.' {
			return 0, false
		}
		// The second octet starts at n+1 <= 4. Its run of digits may
		// seem to go on into the bytes shifted in (zeros in nd), but
		// only when it is at least four digits long: too long anyway.
		sh := (8*n + 8) & 63
		y := x >> sh
		m := bits.TrailingZeros64(nd>>sh) >> 3
		if !octetAt(y, m) {
			return 0, false
		}
		p += n + 1 + m
		if k == 1 {
			return p, true
		}
		if byte(y>>(8*m&63)) != '.' {
			return 0, false
		}
		p++
	}
	return 0, false // not reached
}

// octetAt reports whether the first n bytes of x, all digits, are an
// octet dottedQuad accepts.
func octetAt(x uint64, n int) bool {
	r := octetRange[n]
	return uint64(bits.ReverseBytes32(uint32(x))>>(r.shift&31))-r.lo <= r.span
}

// octetRange holds, by the number of digits n at the start of a word, the
// octets dottedQuad accepts. The first four bytes of the word read as a
// big-endian number and shifted right by shift leave the n digits as one
// number w, and the octet is valid when w-lo <= span (unsigned): any one
// digit, "10" to "99", "100" to "255" (digits compare as their values
// do). No other length is valid: lo is out of reach.
var octetRange = [9]struct {
	shift    uint
	lo, span uint64
}{
	0: {0, 1 << 40, 0},
	1: {24, '0', 9},
	2: {16, '1'<<8 | '0', '9'<<8 | '9' - ('1'<<8 | '0')},
	3: {8, '1'<<16 | '0'<<8 | '0', '2'<<16 | '5'<<8 | '5' - ('1'<<16 | '0'<<8 | '0')},
	4: {0, 1 << 40, 0}, 5: {0, 1 << 40, 0}, 6: {0, 1 << 40, 0}, 7: {0, 1 << 40, 0}, 8: {0, 1 << 40, 0},
}

// load8 returns the eight bytes of b at p as a little-endian word, with
// zeros for those past the end of b. The short case is a loop, not a
// copy, so that the callers stay free of calls.
func load8(b []byte, p int) uint64 {
	if p >= 0 && p+8 <= len(b) {
		return binary.LittleEndian.Uint64(b[p : p+8])
	}
	var x uint64
	for j := len(b) - 1; j >= p; j-- {
		x = x<<8 | uint64(b[j])
	}
	return x
}

// hexMask sets the high bit of every byte of x that is a hex digit. A
// byte's test never carries into the next.
func hexMask(x uint64) uint64 {
	t := x & lo7
	dec := (ones*(128+'9') - t) & (t + ones*(128-'0'))
	l := t | ones*0x20 // 'A'-'F' to 'a'-'f'; no other byte lands there
	return (dec | (ones*(128+'f')-l)&(l+ones*(128-'a'))) &^ x & hi
}

// colonPassed reports that colon(c) returns c+1 at once for the hex
// digits before c: one to four of them, after ':' or '.' (an address
// through them would start further back) or after a word byte that
// cannot end an escape (they end a word). It asks no more than that, for
// runBlocks to ask it before a call: small enough to be inlined, and
// false where colon looks further (five hex digits or more, a letter of
// an escape before them).
func colonPassed(b []byte, c int) bool {
	if c < 5 || c > len(b) || !isHex(b[c-1]) {
		return false
	}
	w := b[c-5 : c-1]
	k := 3
	for k > 0 && isHex(w[k]) {
		k--
	}
	return hexTailAfter[w[k]]
}

// hexTailAfter marks the bytes before a run of hex digits that make colon
// turn the run away: ':', '.' and the word bytes that cannot end an
// escape (glueWord). No hex digit is marked.
var hexTailAfter = func() (t [256]bool) {
	for c := range t {
		t[c] = c == ':' || c == '.' || glue[c] == glueWord
	}
	return t
}()

// colon examines a ':' at c: an IPv6 address in full or compressed form,
// possibly ending in a dotted quad.
func (st *state) colon(c int) int {
	b := st.b
	start := c
	switch {
	case c > 0 && isHex(b[c-1]):
		start = c - 1
		for start > c-4 && start > 0 && isHex(b[start-1]) {
			start--
		}
	case c+1 < len(b) && b[c+1] == ':':
		// "::1": the address starts with the colons.
	default:
		return c + 1
	}
	if start > 0 {
		if p := b[start-1]; p == ':' || p == '.' || joinedAfter(b, start, p) {
			return c + 1
		}
	}
	// st.b is read again after each call rather than kept across it:
	// kept, its three words would be saved on the stack on every path.
	if start < st.lastEnd || timeAfterHex(st.b, c) {
		return c + 1
	}
	end, ok := parseIPv6(st.b, start)
	if !ok {
		return c + 1
	}
	if st.report(IPv6, start, end, 0.9, ReasonSyntax, nil) {
		return end
	}
	return c + 1
}

// timeAfterHex reports whether the ':' at c is followed by a time,
// "DD:DD:DD", and a byte that ends an address (not a hex digit, ':' or
// '.'): an access log's "[10/Oct/2024:13:55:36 +0800]". Then the address
// parseIPv6 would try from the hex run before c has four groups and no
// "::", which is none; one eight-byte load says so before it parses.
//
// It is small enough to be inlined (the last byte's test is a table,
// timeEndsAddress): colon asks it about most colons it does not turn
// away by the bytes before. timeAfterHexRef (helpers_test.go) is the
// test as first written.
func timeAfterHex(b []byte, c int) bool {
	if c+10 > len(b) {
		return false
	}
	w := b[c : c+10]
	x := binary.LittleEndian.Uint64(w)
	const colons, colonBytes = 0x003a00003a00003a, 0x00ff0000ff0000ff // bytes 0, 3 and 6
	return x&colonBytes == colons && nonDigitMask(x) == 0x0080000080000080 && isDigit(w[8]) && timeEndsAddress[w[9]]
}

// timeEndsAddress marks the bytes that end an address after a time: not
// a hex digit, ':' or '.'.
var timeEndsAddress = func() (t [256]bool) {
	for c := range t {
		t[c] = !isHex(byte(c)) && c != ':' && c != '.'
	}
	return t
}()

// parseIPv6 parses an RFC 4291 text address at i. To keep C++ scopes
// ("Add::Bed"), slices ("a[1::2]") and MAC addresses out, it needs a
// decimal digit, and four hex digits unless it is the loopback "::1".
//
// Nothing is read at i+46 or beyond (the longest address is 45 bytes).
// Each group is one eight-byte load, with zeros for the bytes past that
// limit: a group's length, the byte after it and the one after that come
// from the hex mask of that word. The decimal digit is looked for last,
// in the address as parsed, and only if all else fits.
func parseIPv6(b []byte, i int) (int, bool) {
	lim := i + 46
	if lim > len(b) {
		lim = len(b)
	}
	w := b[:lim] // what a group may read
	p := i
	groups, hexDigits := 0, 0
	dc := false
	if p+1 < lim && b[p] == ':' && b[p+1] == ':' {
		dc = true
		p += 2
	}
	for groups < 8 {
		x := load8(w, p)
		n := bits.TrailingZeros64(^hexMask(x)&hi) >> 3 // 8: all hex
		if n == 0 {
			break
		}
		if n > 4 {
			return 0, false
		}
		after := byte(x >> (8 * n & 63))
		if after == '.' {
			// Embedded IPv4 in the last 32 bits.
			end, ok := dottedQuad(b, p)
			if !ok || groups > 6 {
				return 0, false
			}
			groups += 2
			hexDigits += 4
			p = end
			break
		}
		hexDigits += n
		groups++
		p += n
		if after == ':' {
			// n <= 4, so the byte after the colon is in x too.
			next := byte(x >> ((8*n + 8) & 63))
			if next == ':' {
				if dc {
					return 0, false
				}
				dc = true
				p += 2
				continue
			}
			if isHex(next) {
				p++
				continue
			}
		}
		break
	}
	if dc && groups > 7 || !dc && groups != 8 {
		return 0, false
	}
	if hexDigits < 4 && !(p-i == 3 && b[i+2] == '1') {
		return 0, false
	}
	if p < len(b) && (isWord(b[p]) || b[p] == ':' && p+1 < len(b) && isHex(b[p+1]) || b[p] == '.' && p+1 < len(b) && isDigit(b[p+1])) {
		return 0, false
	}
	// The address is hex digits, colons and perhaps a dotted quad: it
	// has a decimal digit when one of its groups has.
	for q := i; q < p; q += 8 {
		if digitMask(load8(b[:p], q)) != 0 {
			return p, true
		}
	}
	return 0, false
}
