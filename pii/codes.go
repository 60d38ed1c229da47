package pii

import (
	"encoding/binary"
	"math/bits"
	"strings"
)

// Codes with letters (USCC, passports) and card security codes.

// lettered handles a digit run glued to the word before it: the digit core
// of a passport number (E12345678, EA1234567) or of a USCC that starts
// with a letter (A, N, Y).
func (st *state) lettered(s, e int) int {
	b := st.b
	p := b[s-1]
	if !isUpper(p) {
		return e
	}
	n := e - s
	if n >= 7 && (p == 'A' || p == 'N' || p == 'Y') && !joinedLeft(b, s-1) {
		if end := st.usccFrom(s - 1); end > 0 {
			return end
		}
	}
	if joinedRight(b, e) {
		return e
	}
	switch {
	case n == 8 && !joinedLeft(b, s-1) && (p == 'E' || p == 'G' || p == 'D' || p == 'S' || p == 'P'):
		st.passport(s-1, e)
	case n == 7 && s >= 2 && isUpper(b[s-2]) && !joinedLeft(b, s-2):
		st.passport(s-2, e)
	}
	return e
}

// passport reports a passport number; its format alone is common (error
// codes, SKUs), so it needs a passport keyword.
func (st *state) passport(start, end int) {
	ctx := keywordBefore(st.b, start)
	if ctx.kind() == kwPassport {
		st.report(Passport, start, end, 0.95, ReasonSyntax|ReasonKeyword, ctx.kw)
	}
}

// usccAt handles a digit run of eight or more followed by a capital: a
// USCC whose first character is a digit.
func (st *state) usccAt(s, e int) int {
	if end := st.usccFrom(s); end > 0 {
		return end
	}
	return e
}

// usccFrom reports a USCC of 18 characters starting at c, if there is one,
// and returns its end (0 if none). A code with letters needs no keyword:
// the structure and the check character together let about one random
// string in several thousand through. One of digits only needs a USCC
// keyword.
func (st *state) usccFrom(c int) int {
	b := st.b
	end := c + 18
	if end > len(b) || joinedRight(b, end) {
		return 0
	}
	// validUSCC turns away every code with a byte that is no USCC
	// character (it reads each one's value).
	u := b[c:end]
	if !validUSCC(u) {
		return 0
	}
	ctx := keywordBefore(b, c)
	r, conf := ReasonChecksum|ReasonRegion, float32(0.9)
	switch k := ctx.kind(); {
	case k == kwUSCC:
		r, conf = r|ReasonKeyword, 0.98
	case allDigits18(u):
		return 0
	case u[17] == 'X' && allDigits(u[:17]) && residentIDDigits(u[:17], 'X') == residentBadCheck:
		// A real region and birth date with a wrong check character: a
		// mistyped ID number.
		return 0
	}
	if st.report(USCC, c, end, conf, r, ctx.kw) {
		return end
	}
	return 0
}

// allDigits18 is allDigits for the 18 bytes of a USCC, a word at a time.
func allDigits18(u []byte) bool {
	u = u[:18]
	return nonDigitMask(binary.LittleEndian.Uint64(u))|nonDigitMask(binary.LittleEndian.Uint64(u[8:]))|
		nonDigitMask(binary.LittleEndian.Uint64(u[10:])) == 0
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// securityCode handles a run of three or four digits: a card security code
// when a CVV keyword stands right before it and a card number is near.
// R-PAY-1: security codes must be found so they can be refused.
func (st *state) securityCode(s, e int) int {
	if s-cvvReach >= st.noCardFrom && e+128 <= st.noCardTo {
		// Every search a keyword could lead to lies in the stretch known
		// to hold no card: whatever the keyword, no code (the keyword is
		// the dearer test, and of codes close together most are passed
		// so).
		return e
	}
	b := st.b
	k, kwStart := cvvKeywordBefore(b, s)
	if k == nil {
		return e
	}
	if kwStart-256 >= st.noCardFrom && e+128 <= st.noCardTo {
		// Both searches lie in the stretch known to hold no card. Not
		// clipped to b as cardNear clips them, they may miss it near b's
		// ends, and cardNear answers.
		return e
	}
	// The last card found may be near (as st.cardNear would answer,
	// without the call): of the codes that follow one card, most are
	// reported so.
	c := st.cardSeen - 1
	seen := c >= 0 && (c >= kwStart-256 && c < kwStart || c >= e && c < e+128)
	if !seen && !st.cardNear(kwStart-256, kwStart) && !st.cardNear(e, e+128) {
		return e
	}
	st.report(CardSecurityCode, s, e, 0.95, ReasonKeyword|ReasonCardNearby, k)
	return e
}

// cvvReach is how far before a code the search for a card before its
// keyword may start: the keyword ends at most cvvGap bytes before the
// code, is at most cvvKeywordMax bytes long, and the search starts 256
// bytes before it.
const cvvReach = cvvGap - 1 + cvvKeywordMax + 256

// cvvKeywordMax is the length of the longest CVV keyword, JSON-escaped
// forms included (TestCVVKeywords checks it).
const cvvKeywordMax = 24

// cvvLast marks the last bytes of CVV keywords.
var cvvLast = func() (t [256]bool) {
	for _, g := range keywordList {
		if g.kind != kwCVV {
			continue
		}
		for _, w := range g.words {
			for _, e := range []string{w, jsonEscape(w), strings.ToUpper(w)} {
				t[e[len(e)-1]] = true
			}
		}
	}
	return t
}()

// cvvBefore marks the bytes that can stand right before a security code:
// connectors and the last bytes of CVV keywords.
var cvvBefore = func() (t [256]bool) {
	t = cvvLast
	for _, c := range []byte(cvvConnectors + cvvLongerEnds) {
		t[c] = true
	}
	return t
}()

// cvvEnd2 is a bit set of the byte pairs that can stand right before a
// security code once ASCII connectors are skipped: the last two bytes of
// a CVV keyword (lower case, plain or JSON-escaped) or of a connector
// ("：", "是", "为", escaped or not, and " is"). Lookups fold case.
var cvvEnd2 = func() (set [256 * 256 / 64]uint64) {
	add := func(w string) {
		if len(w) >= 2 {
			i := int(w[len(w)-2])<<8 | int(w[len(w)-1])
			set[i>>6] |= 1 << (i & 63)
		}
	}
	for _, g := range keywordList {
		if g.kind != kwCVV {
			continue
		}
		for _, w := range g.words {
			add(w)
			add(jsonEscape(w))
		}
	}
	for _, w := range []string{"：", "是", "为", "ff1a", "662f", "4e3a", "is"} {
		add(w)
	}
	return set
}()

// cvvPossible is the cheap test before cvvKeywordBefore: after skipping
// ASCII connectors, the two bytes before must be able to end a CVV keyword
// or a connector. "attempt=180", "exec-123" and "port 8080" fail it at
// once.
func cvvPossible(b []byte, p int) bool {
	j := p - 1
	lim := max(p-cvvGap, 0)
	for j >= lim && j < len(b) && cvvConnector[b[j]] {
		j--
	}
	if j < 1 || j >= len(b) {
		return false
	}
	i := int(lowerTab[b[j-1]])<<8 | int(lowerTab[b[j]])
	return cvvEnd2[i>>6]&(1<<(i&63)) != 0
}

// cvvSkip sorts the bytes before a short run for skipShortRun: 8 for the
// connectors cvvPossible skips (how far each shifts the word before the
// run), cvvWord for word bytes, 0 for others.
var cvvSkip = func() (t [256]uint8) {
	for c := range t {
		switch {
		case cvvConnector[c]:
			t[c] = 8
		case isWord(byte(c)):
			t[c] = cvvWord
		}
	}
	return t
}()

const cvvWord = 0x80

// cvvPair is cvvEnd2 on raw bytes, the last byte high (as the two top
// bytes of a little-endian word hold them): bit y | z<<8 is set when the
// pair y z, case folded, may end a CVV keyword or a connector.
var cvvPair = func() (set [256 * 256 / 64]uint64) {
	for y := 0; y < 256; y++ {
		for z := 0; z < 256; z++ {
			j := int(lowerTab[y])<<8 | int(lowerTab[z])
			if cvvEnd2[j>>6]>>(j&63)&1 != 0 {
				i := y | z<<8
				set[i>>6] |= 1 << (i & 63)
			}
		}
	}
	return set
}()

// cvvConnectors are the bytes cvvKeywordBefore skips one at a time.
const cvvConnectors = " \t:=\"'\\(#-"

// cvvConnector marks the ASCII connectors cvvPossible skips (one table
// look-up instead of a switch: which of them stands before a short run
// is anybody's guess, and a switch mispredicts).
var cvvConnector = func() (t [256]bool) {
	for _, c := range []byte(cvvConnectors) {
		t[c] = true
	}
	return t
}()

// cvvGap is how many connecting bytes may stand between a CVV keyword and
// the code.
const cvvGap = 24

// cvvKeywordBefore finds a CVV keyword that ends right before s, allowing
// only connecting punctuation and words ("CVV: 123", "安全码是 123",
// "\"cvc\":\"123\""). It returns the keyword and where it starts.
func cvvKeywordBefore(b []byte, s int) (*keyword, int) {
	p := s - 1
	lim := s - cvvGap
	if lim < 0 {
		lim = 0
	}
skip:
	for p >= lim {
		c := b[p]
		if cvvConnector[c] { // ' ' '\t' ':' '=' '"' '\'' '\\' '(' '#' '-'
			p--
			continue
		}
		if !cvvLonger[c] {
			break // mostly the last byte of a keyword
		}
		switch c {
		case 0x9a, 0xaf, 0xba: // ：是为 (EF BC 9A, E6 98 AF, E4 B8 BA)
			if p >= 2 && (b[p-2] == 0xef && b[p-1] == 0xbc && c == 0x9a ||
				b[p-2] == 0xe6 && b[p-1] == 0x98 && c == 0xaf ||
				b[p-2] == 0xe4 && b[p-1] == 0xb8 && c == 0xba) {
				p -= 3
				continue
			}
		case 's':
			if p >= 2 && b[p-1] == 'i' && b[p-2] == ' ' { // "cvv is 123"
				p -= 2
				continue
			}
		case 'a', 'f':
			// \uff1a \u662f \u4e3a: the same connectors, JSON-escaped.
			if p >= 5 && escapedAt(b, p) {
				switch string(b[p-3 : p+1]) {
				case "ff1a", "FF1A", "662f", "662F", "4e3a", "4E3A":
					p -= 6
					continue
				}
			}
		}
		break skip
	}
	if p < lim {
		return nil, 0
	}
	k := cvvMatch(b, p)
	if k == nil {
		return nil, 0
	}
	return k, p + 1 - len(k.text)
}

// cvvLongerEnds are the last bytes of the connectors of more than one
// byte that cvvKeywordBefore skips: "：是为" (EF BC 9A, E6 98 AF, E4 B8
// BA), " is", and the same three JSON-escaped (\uff1a \u662f \u4e3a).
const cvvLongerEnds = "\x9a\xaf\xbasaf"

// cvvLonger marks cvvLongerEnds.
var cvvLonger = func() (t [256]bool) {
	for _, c := range []byte(cvvLongerEnds) {
		t[c] = true
	}
	return t
}()

// cardGap is how far apart a card search and the stretch already known to
// hold no card may be for the search to join the two (see st.cardNear).
const cardGap = 64

// cardNear is cardLast(st.b, from, to) >= 0, remembering the stretch of
// b [st.noCardFrom, st.noCardTo) that earlier searches found to hold no
// start of a card number, so that the searches around codes close
// together ("cvv 123 " repeated) do not read the same bytes again:
// without it every code reads 384 bytes, with it each byte is read about
// once. It also remembers the last card a search found (st.cardSeen):
// the codes that follow one card ("cvv 123 4111111111111111 " repeated)
// are answered by it, not each by a search that parses a card. A search
// is true exactly when some position in [from, to) starts a card number
// (the test at a position depends only on the bytes around it), so it
// can be split at any position and its parts answered separately.
func (st *state) cardNear(from, to int) bool {
	b := st.b
	from, to = max(from, 0), min(to, len(b))
	if from >= to {
		return false
	}
	if c := st.cardSeen - 1; c >= from && c < to {
		return true
	}
	lo, hi := st.noCardFrom, st.noCardTo
	if lo < hi && from >= lo && to <= hi {
		return false
	}
	if lo < hi && (to < lo && lo-to <= cardGap || from > hi && from-hi <= cardGap) {
		// Near, not touching: the bytes between join the two if they
		// hold no card either.
		g0, g1 := hi, from
		if to < lo {
			g0, g1 = to, lo
		}
		if c := cardLast(b, g0, g1); c < 0 {
			lo, hi = min(lo, g0), max(hi, g1)
			st.noCardFrom, st.noCardTo = lo, hi
		} else {
			st.cardSeen = c + 1
		}
	}
	if lo < hi && from <= hi && to >= lo {
		// Overlapping or touching: only the parts outside are read.
		if from < lo {
			if c := cardLast(b, from, lo); c >= 0 {
				st.cardSeen = c + 1
				return true
			}
			lo = from
		}
		if to > hi {
			// Forwards, and on past to up to the first card: the searches
			// after the codes that follow are then answered from the
			// stretch, not by a search of a few new bytes each.
			end := min(to+cardAhead, len(b))
			hi = cardFirst(b, hi, end)
			if hi < end {
				st.cardSeen = hi + 1
			}
		}
		st.noCardFrom, st.noCardTo = lo, hi
		return hi < to
	}
	if c := cardLast(b, from, to); c >= 0 {
		st.cardSeen = c + 1
		return true
	}
	st.noCardFrom, st.noCardTo = from, to
	return false
}

// cardAhead is how far past the end of a search that extends the stretch
// known to hold no card (st.cardNear) the stretch is read on.
const cardAhead = 256

// cardLast returns the last position in [from, to) that starts a
// Luhn-valid card number of 13 to 19 digits, plain or grouped (cardAt),
// or -1 when none does. It looks from the end back: the card a security
// code goes with usually stands close before the keyword, and the runs
// of digits further back (dates, times, order numbers) then need not be
// parsed. cardNearRef (helpers_test.go) is the search forwards.
//
// Eight positions are sorted at a time: only the first digit of a run
// can start a card, or a digit after the last hex digit of a \uXXXX
// escape (which has a 'u' five bytes before the digit), so only those
// are looked at one by one.
func cardLast(b []byte, from, to int) int {
	from, to = max(from, 0), min(to, len(b))
	i := to - 1 // the highest position not yet looked at
	for ; i-7 >= from && i >= 12; i -= 8 {
		w := b[i-12 : i+1]
		x := binary.LittleEndian.Uint64(w[5:]) // positions i-7 to i
		d := digitMask(x)
		if d == 0 {
			continue
		}
		starts := d &^ digitMask(x<<8|uint64(w[4]))       // no digit before
		u := binary.LittleEndian.Uint64(w) ^ (ones * 'u') // the bytes five before
		starts |= d &^ ((u&lo7 + lo7) | u)                // a 'u' five before
		nd := ^d & hi
		for starts != 0 {
			k := 63 - bits.LeadingZeros64(starts)
			starts &^= 1 << k
			if r := nd >> (k &^ 7); r != 0 && r&0x8080808080 != 0x8000000000 {
				// The run ends in the word, shorter or longer than four:
				// too short for a card or its first group.
				continue
			}
			if p := i - 7 + k>>3; (!isDigit(b[p-1]) || escapedAt(b, p-1)) && cardAt(b, p) {
				return p
			}
		}
	}
	for ; i >= from; i-- {
		// Inside a run only its first digit is looked at (cardAt's first
		// test, without the call).
		if isDigit(b[i]) && (i == 0 || !isDigit(b[i-1]) || escapedAt(b, i-1)) && cardAt(b, i) {
			return i
		}
	}
	return -1
}

// cardFirst returns the first position in [from, to) that starts a card
// number (cardAt), or to when none does: cardLast forwards, eight
// positions at a time in the same way.
func cardFirst(b []byte, from, to int) int {
	from, to = max(from, 0), min(to, len(b))
	i := from
	for ; i < to && (i < 5 || i+8 > to); i++ {
		// Too near the start of b for the words below, or the last
		// positions.
		if isDigit(b[i]) && (i == 0 || !isDigit(b[i-1]) || escapedAt(b, i-1)) && cardAt(b, i) {
			return i
		}
	}
	// The digits of positions i to i+7, read in the round before as the
	// eight after its own.
	var dn uint64
	if i+8 <= to {
		dn = digitMask(binary.LittleEndian.Uint64(b[i : i+8]))
	}
	for ; i+8 <= to; i += 8 {
		d := dn
		if i+16 <= len(b) {
			// Every card starts with four digits: the positions four
			// digits start at, from the digits of sixteen bytes.
			dn = digitMask(binary.LittleEndian.Uint64(b[i+8 : i+16]))
			if d == 0 || d&(d>>8|dn<<56)&(d>>16|dn<<48)&(d>>24|dn<<40) == 0 {
				continue
			}
		} else if d == 0 {
			continue // the last round: no eight bytes after it to read
		}
		w := b[i-5 : i+8]
		x := binary.LittleEndian.Uint64(w[5:])            // positions i to i+7
		starts := d &^ digitMask(x<<8|uint64(w[4]))       // no digit before
		u := binary.LittleEndian.Uint64(w) ^ (ones * 'u') // the bytes five before
		starts |= d &^ ((u&lo7 + lo7) | u)                // a 'u' five before
		nd := ^d & hi
		for ; starts != 0; starts &= starts - 1 {
			k := bits.TrailingZeros64(starts)
			if r := nd >> (k &^ 7); r != 0 && r&0x8080808080 != 0x8000000000 {
				continue // a run shorter or longer than four ends in the word
			}
			if p := i + k>>3; (!isDigit(b[p-1]) || escapedAt(b, p-1)) && cardRun(b, p) && cardAt(b, p) {
				return p
			}
		}
	}
	for ; i < to; i++ {
		if isDigit(b[i]) && (!isDigit(b[i-1]) || escapedAt(b, i-1)) && cardAt(b, i) {
			return i
		}
	}
	return to
}

// cardRun reports whether the digit run at p is long enough to be a
// card number or the first group of one, as cardAt's first test: four
// digits, or eight or more (or it reaches the end of b), judged from the
// eight bytes at p. The searches ask it for the runs that go on past the
// word they look at, whose length the word does not tell.
func cardRun(b []byte, p int) bool {
	if p+8 > len(b) {
		return true
	}
	m := nonDigitMask(binary.LittleEndian.Uint64(b[p:]))
	return m == 0 || m&0x8080808080 == 0x8000000000
}

// cardAt reports whether a card number of 13 to 19 digits, plain or
// grouped, starts at i: the first digit of a run (not one glued to a
// digit before it) that is not a hex digit of a \uXXXX escape. The
// escape is looked for only once the run's length fits; a run of four
// is parsed as the first group only when the second has four or six
// digits and a third follows, as every grouped card has.
func cardAt(b []byte, i int) bool {
	if !isDigit(b[i]) || i > 0 && isDigit(b[i-1]) && !escapedAt(b, i-1) {
		return false
	}
	e := digitsEnd(b, i, maxDigits+1)
	if n := e - i; n >= 13 && n <= 19 {
		return escapeEnd(b, i) == 0 && luhn(b[i:e])
	} else if n != 4 || e+1 >= len(b) || b[e] != ' ' && b[e] != '-' {
		return false
	}
	m := digitsEnd(b, e+1, 12) - (e + 1)
	if g := e + 1 + m; m != 4 && m != 6 || g+1 >= len(b) || b[g] != b[e] || !isDigit(b[g+1]) {
		return false
	}
	if escapeEnd(b, i) > 0 {
		return false
	}
	var q seq
	parseSeq(&q, b, i, e)
	for k := q.ng; k >= 3; k-- {
		if shapeOf(q.gl[:k]) == shapeCard {
			nd := 0
			for _, g := range q.gl[:k] {
				nd += int(g)
			}
			if luhn(q.d[:nd]) {
				return true
			}
		}
	}
	return false
}
