package pii

import "encoding/binary"

// Numbers: resident IDs, mobiles, cards, and the digit cores of USCC and
// passport numbers. The byte loop calls digits at the first digit of a
// run; everything here reads a bounded window around it.

// maxDigits is the most digits a numeric type has (19 for a card, 15 for
// 0086 and a mobile number); a longer run is part of something else.
const maxDigits = 24

// maxGroups bounds a grouped number ("6222 0212 3456 7890 128").
const maxGroups = 6

// longRunSkip bounds how far one examination skips through a digit run
// too long to be anything; the loop comes back for the rest.
const longRunSkip = 512

// digits examines the digit run starting at s and returns where the loop
// resumes. Short runs (dates, times, counters) dominate real text, so they
// are turned away first, with the fewest reads.
func (st *state) digits(s int) int {
	return st.digitsTo(s, digitsEnd(st.b, s+1, maxDigits))
}

// digitsTo is digits for a caller that knows e, the end of the run at s
// or, for a run longer than maxDigits, s+maxDigits+1.
func (st *state) digitsTo(s, e int) int {
	b := st.b
	n := e - s
	if n > maxDigits {
		// Nothing inside a long run can start a token.
		return digitsEnd(b, e, longRunSkip)
	}
	var next byte
	if e < len(b) {
		next = b[e]
	}
	// A dotted quad and a colon are the commonest cases, and they are
	// decided here, before the values the other cases keep across their
	// calls are saved on the stack (a switch would save them first).
	if next == '.' && n <= 3 {
		return st.ipv4(s, e)
	}
	if next == ':' {
		return e // the colon examination decides (IPv6)
	}
	if next == ' ' || next == '-' {
		if (n <= 4 || n == 6) && e+1 < len(b) && isDigit(b[e+1]) {
			if end := st.grouped(s, e); end > 0 {
				return end
			}
			// Read b and next again rather than keep them across the
			// call: kept, they would be saved on the stack on every path.
			b = st.b
			next = b[e]
		}
	}
	if n < 3 {
		return e
	}
	if s > 0 && isWord(b[s-1]) {
		if s >= 8 && !backslashBefore(b, s) {
			// No escape can end at b[s-1] nor hold b[s]: the run is glued
			// to the word before it.
			return st.lettered(s, e)
		}
		if !escapedAt(b, s-1) {
			if esc := escapeEnd(b, s); esc > 0 {
				// The run starts inside a \uXXXX escape: the number proper
				// starts after it ("\u53f713800138000").
				if esc < e {
					return st.digits(esc)
				}
				return esc
			}
			return st.lettered(s, e)
		}
	}
	if isWord(next) || next == '.' && e+1 < len(b) && isDigit(b[e+1]) {
		if n == 17 && (next == 'X' || next == 'x') && !joinedRight(b, e+1) {
			if end := st.resident17X(s, e); end > e {
				return end
			}
		}
		if n >= 8 && isUpper(next) {
			return st.usccAt(s, e)
		}
		return e
	}
	if n <= 4 {
		if s > 0 && !cvvBefore[b[s-1]] {
			return e
		}
		return st.securityCode(s, e)
	}
	if n < 11 || st.partOfEmail(e) {
		return e
	}
	st.classify(b[s:e], s, e, false)
	return e
}

// classify decides what the digits d, written at b[start:end], are. grouped
// tells whether they were written in groups; the caller has checked the
// grouping fits the type.
func (st *state) classify(d []byte, start, end int, grouped bool) bool {
	switch n := len(d); n {
	case 11:
		return validSegment(d) && st.mobile(start, end, grouped)
	case 13:
		if d[0] == '8' && d[1] == '6' && validSegment(d[2:]) {
			return st.mobile(st.plusBefore(start), end, grouped)
		}
	case 15:
		if d[0] == '0' && d[1] == '0' && d[2] == '8' && d[3] == '6' && validSegment(d[4:]) {
			return st.mobile(st.plusBefore(start), end, grouped)
		}
		if validLegacyID(d) {
			if ctx := keywordBefore(st.b, start); ctx.kind() == kwResident {
				return st.report(ResidentID, start, end, 0.9, ReasonDate|ReasonRegion|ReasonKeyword, ctx.kw)
			}
		}
	case 18:
		// Eighteen digits: a USCC of digits only if a keyword says so;
		// else an ID if it validates — region, date and check together
		// are far more specific than a Luhn digit, so the ID wins even
		// after a card keyword; else perhaps a card. Each of the three
		// needs its validator, so a number none of them passes is turned
		// away before the look-back for a keyword.
		id := residentIDDigits(d[:17], d[17]) == residentOK
		if !id && !luhn(d) && !validUSCC(d) {
			return false
		}
		ctx := keywordBefore(st.b, start)
		if ctx.kind() == kwUSCC && validUSCC(d) {
			return st.report(USCC, start, end, 0.95, ReasonChecksum|ReasonRegion|ReasonKeyword, ctx.kw)
		}
		if id {
			return st.resident(start, end, ctx)
		}
		return luhn(d) && st.cardAfter(d, start, end, grouped, ctx)
	}
	return st.card(d, start, end, grouped)
}

// backslashBefore reports whether one of b[s-6:s-1] is a backslash: the
// bytes where a JSON escape that ends at b[s-1] (escapedAt) or holds b[s]
// (escapeEnd) starts. The caller makes sure s >= 8.
func backslashBefore(b []byte, s int) bool {
	x := binary.LittleEndian.Uint64(b[s-8:s]) ^ (ones * '\\')
	// A byte of x is zero where b has a backslash; the test below sets
	// the high bit of exactly those bytes (no carry crosses a byte, as
	// the shorter x-ones test's borrow would, marking the byte above a
	// backslash at b[s-7]).
	const places = 0x00ffffffffff0000 // bytes 2 to 6: b[s-6] to b[s-2]
	return ^((x&lo7+lo7)|x)&hi&places != 0
}

// escapeEnd returns the end of the JSON \uXXXX escape whose hex digits
// include b[s], or 0 when b[s] is not inside one.
func escapeEnd(b []byte, s int) int {
	if s >= 5 && s <= len(b)+1 {
		// The escape starts with a backslash at one of b[s-5:s-1]; a
		// byte of x is zero where there is one.
		x := binary.LittleEndian.Uint32(b[s-5:s-1]) ^ 0x5c5c5c5c
		if (x-0x01010101)&^x&0x80808080 == 0 {
			return 0
		}
	}
	for j := s - 2; j >= s-5 && j >= 0; j-- {
		if b[j] == '\\' && b[j+1] == 'u' && j+6 <= len(b) && oddBackslashes(b, j) &&
			isHex(b[j+2]) && isHex(b[j+3]) && isHex(b[j+4]) && isHex(b[j+5]) {
			return j + 6
		}
	}
	return 0
}

// plusBefore widens a number with a country prefix to the '+' before it.
func (st *state) plusBefore(start int) int {
	if start > 0 && st.b[start-1] == '+' && !joinedLeft(st.b, start-1) {
		return start - 1
	}
	return start
}

// mobile reports a mobile number unless the words before it say it is an
// order number, a trace id or a timestamp.
func (st *state) mobile(start, end int, grouped bool) bool {
	ctx := keywordBefore(st.b, start)
	k := ctx.kind()
	if k.negative() {
		return false
	}
	r, conf := ReasonSegment, float32(0.9)
	if k == kwMobile {
		r, conf = r|ReasonKeyword, 0.98
	}
	if grouped {
		r |= ReasonGrouped
	}
	return st.report(Mobile, start, end, conf, r, ctx.kw)
}

// resident reports a resident ID whose characters are valid.
func (st *state) resident(start, end int, ctx context) bool {
	k := ctx.kind()
	if k == kwOrder || k == kwTrace {
		return false
	}
	r, conf := ReasonChecksum|ReasonDate|ReasonRegion, float32(0.95)
	if k == kwResident {
		r, conf = r|ReasonKeyword, 0.99
	}
	return st.report(ResidentID, start, end, conf, r, ctx.kw)
}

// resident17X handles 17 digits followed by the check character X.
func (st *state) resident17X(s, e int) int {
	b := st.b
	if residentIDDigits(b[s:e], b[e]) == residentOK && !st.partOfEmail(e+1) {
		if st.resident(s, e+1, keywordBefore(b, s)) {
			return e + 1
		}
	}
	return e
}

// card reports a payment card number. A Luhn digit lets one random number
// in ten through, so it also needs a card keyword, or an issuer prefix of a
// card scheme with a length that scheme issues, and no order, trace or
// time keyword. R-PAY-1.
func (st *state) card(d []byte, start, end int, grouped bool) bool {
	n := len(d)
	if n < 13 || n > 19 || !luhn(d) {
		return false
	}
	return st.cardAfter(d, start, end, grouped, keywordBefore(st.b, start))
}

// cardAfter is card once d has passed its length and Luhn tests, with
// the words before the number.
func (st *state) cardAfter(d []byte, start, end int, grouped bool, ctx context) bool {
	n := len(d)
	k := ctx.kind()
	if k.negative() {
		return false
	}
	if n == 18 && k != kwCard && residentIDDigits(d[:17], d[17]) == residentBadCheck {
		// A real region and birth date with a wrong check digit: a
		// mistyped ID number, not a card.
		return false
	}
	r := ReasonChecksum
	iin := knownIIN(d)
	if iin {
		r |= ReasonIIN
	}
	if grouped {
		r |= ReasonGrouped
	}
	var conf float32
	switch {
	case k == kwCard || k == kwCVV:
		r |= ReasonKeyword
		conf = 0.97
	case iin && grouped:
		conf = 0.95
	case iin:
		conf = 0.85
	case grouped:
		conf = 0.8
	default:
		return false
	}
	if !grouped && (start == 0 || !isWord(st.b[start-1])) {
		// A plain run not glued to a word before it (and so in no
		// escape) starts a card as cardAt sees one: the security codes
		// after it are answered by it (st.cardNear), not by a search.
		st.cardSeen = start + 1
	}
	return st.report(BankCard, start, end, conf, r, ctx.kw)
}

// knownIIN reports whether d starts with the issuer prefix of a card
// scheme that issues numbers of len(d) digits (4 to 31). The schemes'
// prefixes do not overlap, so the first two digits find the one scheme
// that may apply (iinByPrefix): a table look-up where a chain of tests
// branched on every scheme. knownIINRef (number_helpers_test.go) is the
// chain.
func knownIIN(d []byte) bool {
	r := &iinByPrefix[num2(d)]
	lengths := r.lengths
	if r.lo != 0 {
		if p4 := num4(d); p4 < int(r.lo) || p4 > int(r.hi) {
			lengths = 0
		}
	}
	return lengths>>(len(d)&31)&1 != 0
}

// iinRange is what iinByPrefix holds for two first digits: the card
// lengths (bit n for n digits) of the scheme they start and, when that
// scheme is known by four digits, the range [lo, hi] those must be in.
type iinRange struct {
	lengths uint32
	lo, hi  uint16
}

// iinByPrefix holds, by the first two digits, the card scheme they may
// start.
var iinByPrefix = func() (t [100]iinRange) {
	lengths := func(ns ...int) (m uint32) {
		for _, n := range ns {
			m |= 1 << n
		}
		return m
	}
	atLeast := func(lo int) (m uint32) {
		for n := lo; n <= 31; n++ {
			m |= 1 << n
		}
		return m
	}
	for p := 40; p <= 49; p++ {
		t[p].lengths = lengths(13, 16, 19) // Visa
	}
	t[62].lengths, t[81].lengths = atLeast(16), atLeast(16) // UnionPay
	for p := 51; p <= 55; p++ {
		t[p].lengths = lengths(16) // Mastercard
	}
	for p := 22; p <= 27; p++ {
		t[p] = iinRange{lengths(16), 2221, 2720} // Mastercard
	}
	t[34].lengths, t[37].lengths = lengths(15), lengths(15) // American Express
	t[35] = iinRange{atLeast(16), 3528, 3589}               // JCB
	t[60] = iinRange{atLeast(16), 6011, 6011}               // Discover
	t[64] = iinRange{atLeast(16), 6440, 6499}
	t[65].lengths = atLeast(16)
	t[36].lengths = atLeast(14) // Diners Club
	t[30] = iinRange{atLeast(14), 3000, 3059}
	return t
}()

// partOfEmail reports whether the number ending at e continues into the
// local part of an e-mail address ("13800138000@qq.com"); the '@'
// examination reports the whole address instead.
func (st *state) partOfEmail(e int) bool {
	b := st.b
	lim := e + 64
	if lim > len(b) {
		lim = len(b)
	}
	for j := e; j < lim; j++ {
		c := b[j]
		if c == '@' {
			return true
		}
		if ctype[c]&ctLocal == 0 {
			return false
		}
	}
	return false
}
