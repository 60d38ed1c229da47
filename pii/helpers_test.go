package pii

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"custos.dev/custos/bench/pii/gen"
)

// Reference versions of helpers that were rewritten for speed: the
// straightforward code they replace. checkHelpers holds the two to the
// same answers at every position of an input; FuzzFastPath calls it.

// dateEnd returns the end of a date "YYYY-MM-DD" starting at p (the first
// digit of a run), or 0. Nothing in a date is PI, and dates lead every log
// line and chat message, so the loop steps over them whole. The date must
// not run on into more digits or a dotted quad.
func dateEndRef(b []byte, p int) int {
	if p+11 > len(b) || p > 0 && isDigit(b[p-1]) {
		return 0
	}
	x := binary.LittleEndian.Uint64(b[p:])
	const dashes = 0x2d00002d00000000 // bytes 4 and 7
	const digitBits = 0x0080800080808080
	if digitMask(x) != digitBits || x&0xff0000ff00000000 != dashes {
		return 0
	}
	if !isDigit(b[p+8]) || !isDigit(b[p+9]) || isDigit(b[p+10]) || b[p+10] == '.' {
		return 0
	}
	e := p + 10
	// A time after the date ("2024-05-19 09:12:31.889", "...T09:12:31Z")
	// goes too, fractions included, so a log line's stamp costs one
	// examination.
	if b[e] != ' ' && b[e] != 'T' {
		return e
	}
	t := timeEnd(b, e+3)
	if t == 0 {
		return e
	}
	if t < len(b) && (b[t] == '.' || b[t] == ',') {
		q := digitsEnd(b, t+1, 10)
		if n := q - (t + 1); n >= 1 && n <= 9 && q < len(b) && fractionEnds(b, q) {
			return q
		}
	}
	return t
}

// keywordBeforeRef is keywordBefore with the two-byte filter only.
func keywordBeforeRef(b []byte, start int) context {
	lim := start - kwWindow
	if lim < 0 {
		lim = 0
	}
	c := context{sameLine: true}
	for p := start - 1; p >= lim; p-- {
		x := b[p]
		if p > 0 {
			i := int(lower(b[p-1]))<<8 | int(lower(x))
			if kwEnd2[i>>6]&(1<<(i&63)) != 0 {
				if k := matchEnding(b, p); k != nil {
					c.kw = k
					return c
				}
			}
		}
		switch {
		case x == '\n':
			c.sameLine = false
		case isDigit(x) && escapeEnd(b, p) == 0:
			return c
		}
	}
	return c
}

// matchEndingRef is matchEnding on the trie's edge lists.
func matchEndingRef(b []byte, p int) *keyword {
	node := kwRoot[lowerTab[b[p]]]
	var best *keyword
	for q := p; node != 0; {
		nd := &kwTrie[node]
		if k := nd.kw; k != nil {
			if !k.alpha || q == 0 || !isLetter(b[q-1]) || isUpper(b[q]) && !isUpper(b[q-1]) {
				best = k
			}
		}
		q--
		if q < 0 {
			break
		}
		c := lowerTab[b[q]]
		node = 0
		for _, e := range nd.edges {
			if e.c == c {
				node = e.next
				break
			}
		}
	}
	return best
}

// dottedQuadRef is dottedQuad byte by byte.
func dottedQuadRef(b []byte, i int) (int, bool) {
	p := i
	for k := 0; k < 4; k++ {
		if k > 0 {
			if p >= len(b) || b[p] != '.' {
				return 0, false
			}
			p++
		}
		q := digitsEnd(b, p, 4)
		switch n := q - p; {
		case n == 0 || n > 3:
			return 0, false
		case n > 1 && b[p] == '0':
			return 0, false
		case n == 3 && (b[p] > '2' || b[p] == '2' && (b[p+1] > '5' || b[p+1] == '5' && b[p+2] > '5')):
			return 0, false
		}
		p = q
	}
	return p, true
}

// parseIPv6Ref is parseIPv6 byte by byte: it parses an RFC 4291 text
// address at i. To keep C++ scopes
// ("Add::Bed"), slices ("a[1::2]") and MAC addresses out, it needs a
// decimal digit, and four hex digits unless it is the loopback "::1".
func parseIPv6Ref(b []byte, i int) (int, bool) {
	lim := i + 46
	if lim > len(b) {
		lim = len(b)
	}
	p := i
	groups, hexDigits := 0, 0
	dc, dec := false, false
	if p+1 < lim && b[p] == ':' && b[p+1] == ':' {
		dc = true
		p += 2
	}
	for groups < 8 {
		q := p
		for q < lim && q-p <= 4 && isHex(b[q]) {
			q++
		}
		if q == p {
			break
		}
		if q-p > 4 {
			return 0, false
		}
		if q < lim && b[q] == '.' {
			// Embedded IPv4 in the last 32 bits.
			end, ok := dottedQuadRef(b, p)
			if !ok || groups > 6 {
				return 0, false
			}
			groups += 2
			hexDigits += 4
			dec = true
			p = end
			break
		}
		for _, x := range b[p:q] {
			dec = dec || isDigit(x)
		}
		hexDigits += q - p
		groups++
		p = q
		if p+1 < lim && b[p] == ':' {
			if b[p+1] == ':' {
				if dc {
					return 0, false
				}
				dc = true
				p += 2
				continue
			}
			if isHex(b[p+1]) {
				p++
				continue
			}
		}
		break
	}
	if dc && groups > 7 || !dc && groups != 8 || !dec {
		return 0, false
	}
	if hexDigits < 4 && !(p-i == 3 && b[i+2] == '1') {
		return 0, false
	}
	if p < len(b) && (isWord(b[p]) || b[p] == ':' && p+1 < len(b) && isHex(b[p+1]) || b[p] == '.' && p+1 < len(b) && isDigit(b[p+1])) {
		return 0, false
	}
	return p, true
}

// domainEndRef is domainEnd byte by byte: it parses a domain name at i: two or more labels of letters,
// digits and hyphens, the last all letters. It returns the end.
func domainEndRef(b []byte, i int) (int, bool) {
	lim := i + maxDomain
	if lim > len(b) {
		lim = len(b)
	}
	labels, end := 0, 0
	lastAlpha := false
	p := i
	for p < lim {
		q := p
		alpha := true
		for q < lim && ctype[b[q]]&ctDomain != 0 {
			alpha = alpha && isLetter(b[q])
			q++
		}
		if q == p || q-p > 63 || b[p] == '-' || b[q-1] == '-' {
			break
		}
		labels++
		end, lastAlpha = q, alpha && q-p >= 2
		if q+1 < lim && b[q] == '.' && ctype[b[q+1]]&ctDomain != 0 {
			p = q + 1
			continue
		}
		break
	}
	if labels < 2 || !lastAlpha || (end < len(b) && (b[end] == '_' || b[end] == '@')) {
		return 0, false
	}
	return end, true
}

// atRef is at as first written: the local part looked for first, then
// the domain parsed.
func (st *state) atRef(a int) int {
	b := st.b
	floor := max(a-maxLocal, st.lastEnd, 0)
	start := a
	for start > floor && ctype[b[start-1]]&ctLocal != 0 {
		start--
	}
	if start == a-maxLocal && start > 0 && ctype[b[start-1]]&ctLocal != 0 {
		return a + 1
	}
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
	if start == a || b[a-1] == '.' {
		return a + 1
	}
	end, ok := domainEndRef(b, a+1)
	if !ok {
		return a + 1
	}
	if st.report(Email, start, end, 0.95, ReasonSyntax, nil) {
		return end
	}
	return a + 1
}

// checkAt holds at to atRef at every '@' of b, after findings that end
// at several places before it.
func checkAt(t *testing.T, b []byte) {
	t.Helper()
	for a := range b {
		if b[a] != '@' {
			continue
		}
		for _, last := range []int{0, a - 70, a - 64, a - 3, a - 1, a, a + 1} {
			if last < 0 {
				continue
			}
			var got, want []Finding
			st := state{b: b, s: defaultScanner, lastEnd: last, emit: func(f Finding) { got = append(got, f) }}
			ref := state{b: b, s: defaultScanner, lastEnd: last, emit: func(f Finding) { want = append(want, f) }}
			if e, wantE := st.at(a), ref.atRef(a); e != wantE || !slices.Equal(got, want) {
				t.Fatalf("at(%q, %d) after %d = %d, %v, reference %d, %v", b, a, last, e, got, wantE, want)
			}
		}
	}
}

// checkAtInBlock holds atInBlock to atRef at every '@' of b, padded with
// spaces to whole blocks and classified a batch at a time, after findings
// that end at several places before it.
func checkAtInBlock(t *testing.T, b []byte) {
	t.Helper()
	if len(b)%64 != 0 {
		b = append(b[:len(b):len(b)], bytes.Repeat([]byte(" "), 64-len(b)%64)...)
	}
	var bb batchBits
	for base := 0; base < len(b); base += 64 * batchBlocks {
		nb := min(batchBlocks, (len(b)-base)/64)
		classifyGeneric(b[base:base+64*nb], &bb, nb)
		for a := base; a < base+64*nb; a++ {
			if b[a] != '@' {
				continue
			}
			k, bit := uint(a-base)/64, uint(a-base)%64
			for _, last := range []int{0, a - 70, a - 64, a - 3, a - 1, a, a + 1} {
				if last < 0 {
					continue
				}
				var got, want []Finding
				st := state{b: b, s: defaultScanner, lastEnd: last, emit: func(f Finding) { got = append(got, f) }}
				ref := state{b: b, s: defaultScanner, lastEnd: last, emit: func(f Finding) { want = append(want, f) }}
				if e, wantE := st.atInBlock(a, &bb, k, bit), ref.atRef(a); e != wantE || !slices.Equal(got, want) {
					t.Fatalf("atInBlock(%q, %d) after %d = %d, %v, reference %d, %v", b, a, last, e, got, wantE, want)
				}
			}
		}
	}
}

// digitsEndRef is digitsEnd byte by byte.
func digitsEndRef(b []byte, i, max int) int {
	lim := len(b)
	if i+max < lim {
		lim = i + max
	}
	for i < lim && isDigit(b[i]) {
		i++
	}
	return i
}

// timeEndRef is timeEnd byte by byte.
func timeEndRef(b []byte, c int) int {
	if c < 2 || c+7 > len(b) {
		return 0
	}
	if !isDigit(b[c-2]) || !isDigit(b[c-1]) || !isDigit(b[c+1]) || !isDigit(b[c+2]) ||
		b[c+3] != ':' || !isDigit(b[c+4]) || !isDigit(b[c+5]) {
		return 0
	}
	switch b[c+6] {
	case ':':
		return 0
	case '.':
		q := digitsEnd(b, c+7, 4)
		if q < len(b) && b[q] == '.' {
			return 0
		}
	case ' ', '-':
		if b[c+4] == '8' && b[c+5] == '6' {
			return 0
		}
	}
	if isDigit(b[c+6]) {
		return 0
	}
	return c + 6
}

// timeAfterHexRef is timeAfterHex testing the last byte in full.
func timeAfterHexRef(b []byte, c int) bool {
	if c+10 > len(b) {
		return false
	}
	x := binary.LittleEndian.Uint64(b[c : c+8])
	const colons, colonBytes = 0x003a00003a00003a, 0x00ff0000ff0000ff // bytes 0, 3 and 6
	if x&colonBytes != colons || nonDigitMask(x) != 0x0080000080000080 {
		return false
	}
	e := b[c+9]
	return isDigit(b[c+8]) && !isHex(e) && e != ':' && e != '.'
}

// checkHelpers compares the rewritten helpers with their references at
// every position of b.
func checkHelpers(t *testing.T, b []byte) {
	t.Helper()
	for p := 0; p <= len(b); p++ {
		for _, max := range []int{1, 4, 10, 11, 12, 24, 25} {
			if got, want := digitsEnd(b, p, max), digitsEndRef(b, p, max); got != want {
				t.Fatalf("digitsEnd(%q, %d, %d) = %d, reference %d", b, p, max, got, want)
			}
		}
	}
	for p := range b {
		for n := 0; n <= 11 && p+n <= len(b); n++ {
			if got, want := skipShortRun(b, p, n), skipShortRunPlain(b, p, n); got != want {
				t.Fatalf("skipShortRun(%q, %d, %d) = %v, reference %v", b, p, n, got, want)
			}
		}
	}
	for p := range b {
		if got, want := timeEnd(b, p), timeEndRef(b, p); got != want {
			t.Fatalf("timeEnd(%q, %d) = %d, reference %d", b, p, got, want)
		}
	}
	for p := range b {
		if got, want := dateEnd(b, p), dateEndRef(b, p); got != want {
			t.Fatalf("dateEnd(%q, %d) = %d, reference %d", b, p, got, want)
		}
	}
	for p := range b {
		e, ok := dottedQuad(b, p)
		if wantE, wantOK := dottedQuadRef(b, p); e != wantE || ok != wantOK {
			t.Fatalf("dottedQuad(%q, %d) = %d, %v, reference %d, %v", b, p, e, ok, wantE, wantOK)
		}
	}
	for p := range b {
		e, ok := domainEnd(b, p)
		if wantE, wantOK := domainEndRef(b, p); e != wantE || ok != wantOK {
			t.Fatalf("domainEnd(%q, %d) = %d, %v, reference %d, %v", b, p, e, ok, wantE, wantOK)
		}
	}
	checkAt(t, b)
	checkAtInBlock(t, b)
	for p := 1; p <= len(b); p++ {
		if got, want := joinedAfter(b, p, b[p-1]), joinedLeft(b, p); got != want {
			t.Fatalf("joinedAfter(%q, %d) = %v, joinedLeft %v", b, p, got, want)
		}
	}
	for p := range b {
		e, ok := parseIPv6(b, p)
		if wantE, wantOK := parseIPv6Ref(b, p); e != wantE || ok != wantOK {
			t.Fatalf("parseIPv6(%q, %d) = %d, %v, reference %d, %v", b, p, e, ok, wantE, wantOK)
		}
	}
	st := state{b: b, s: defaultScanner, emit: func(f Finding) {}}
	for c := range b {
		if colonPassed(b, c) && st.colon(c) != c+1 {
			t.Fatalf("colonPassed(%q, %d), but colon returns %d", b, c, st.colon(c))
		}
	}
	for c := range b {
		if got, want := timeAfterHex(b, c), timeAfterHexRef(b, c); got != want {
			t.Fatalf("timeAfterHex(%q, %d) = %v, reference %v", b, c, got, want)
		}
		if !timeAfterHex(b, c) {
			continue
		}
		for p := max(c-4, 0); p < c; p++ {
			if _, ok := parseIPv6Ref(b, p); ok {
				t.Fatalf("timeAfterHex(%q, %d), but an address starts at %d", b, c, p)
			}
		}
	}
	for p := range b {
		if got, want := matchEnding(b, p), matchEndingRef(b, p); got != want {
			t.Fatalf("matchEnding(%q, %d) = %v, reference %v", b, p, got, want)
		}
	}
	for p := 0; p <= len(b); p++ {
		if got, want := keywordBefore(b, p), keywordBeforeRef(b, p); got != want {
			t.Fatalf("keywordBefore(%q, %d) = %+v, reference %+v", b, p, got, want)
		}
	}
	for p := 0; p <= len(b); p++ {
		if !versionMayEndBefore(b, p) && keywordBefore(b, p).kind() == kwVersion {
			t.Fatalf("versionMayEndBefore(%q, %d) = false before a version keyword", b, p)
		}
	}
	checkKeywords(t, b)
	for p := 0; p+18 <= len(b); p++ {
		if got, want := allDigits18(b[p:p+18]), allDigits(b[p:p+18]); got != want {
			t.Fatalf("allDigits18(%q) = %v, allDigits %v", b[p:p+18], got, want)
		}
	}
	checkCardNear(t, b)
	checkSecurityCodes(t, b)
	checkNumberHelpers(t, b)
}

// cvvKeywordBeforeRef is cvvKeywordBefore at its plainest: the
// connectors skipped by their text, the keyword found in the trie.
func cvvKeywordBeforeRef(b []byte, s int) (*keyword, int) {
	lim := max(s-cvvGap, 0)
	p := s - 1
skip:
	for p >= lim {
		t := string(b[max(p-3, 0) : p+1]) // enough for the longest connector
		switch {
		case strings.IndexByte(" \t:=\"'\\(#-", b[p]) >= 0:
			p--
		case strings.HasSuffix(t, "："), strings.HasSuffix(t, "是"), strings.HasSuffix(t, "为"):
			p -= 3
		case strings.HasSuffix(t, " is"):
			p -= 2
		case p >= 5 && escapedAt(b, p) &&
			(strings.HasSuffix(t, "ff1a") || strings.HasSuffix(t, "662f") || strings.HasSuffix(t, "4e3a")):
			p -= 6 // \uff1a \u662f \u4e3a
		default:
			break skip
		}
	}
	if p < lim {
		return nil, 0
	}
	k := matchEndingRef(b, p)
	if k == nil || k.kind != kwCVV {
		return nil, 0
	}
	return k, p + 1 - len(k.text)
}

// securityCodeRef is the keyword securityCode reports a code at b[s:e]
// with, nil if it reports none: the keyword before it, and a card in the
// 256 bytes before the keyword or the 128 after the code, searched for
// in full.
func securityCodeRef(b []byte, s, e int) *keyword {
	k, kwStart := cvvKeywordBeforeRef(b, s)
	if k != nil && (cardNearRef(b, kwStart-256, kwStart) || cardNearRef(b, e, e+128)) {
		return k
	}
	return nil
}

// checkSecurityCodes holds cvvKeywordBefore to cvvKeywordBeforeRef at
// every position of b, and securityCode, which remembers what its
// searches for cards found, to securityCodeRef at every run of three or
// four digits: in order, as the scan asks, and in reverse order.
func checkSecurityCodes(t *testing.T, b []byte) {
	t.Helper()
	var codes [][2]int
	for s := 0; s <= len(b); s++ {
		k, ks := cvvKeywordBefore(b, s)
		if wk, wks := cvvKeywordBeforeRef(b, s); k != wk || ks != wks {
			t.Fatalf("cvvKeywordBefore(%q, %d) = %v, %d, reference %v, %d", b, s, k, ks, wk, wks)
		}
		if s < len(b) && isDigit(b[s]) && (s == 0 || !isDigit(b[s-1])) {
			if e := digitsEnd(b, s, 5); e-s >= 3 && e-s <= 4 {
				codes = append(codes, [2]int{s, e})
			}
		}
	}
	for range 2 {
		var got []Finding
		st := state{b: b, s: defaultScanner, emit: func(f Finding) { got = append(got, f) }}
		for _, c := range codes {
			got, st.lastEnd = got[:0], 0
			st.securityCode(c[0], c[1])
			want := securityCodeRef(b, c[0], c[1])
			if (len(got) > 0) != (want != nil) || want != nil && got[0].Keyword != want.name {
				t.Fatalf("securityCode(%q, %d, %d) reports %v, reference %v", b, c[0], c[1], got, want)
			}
		}
		slices.Reverse(codes)
	}
}

// TestSecurityCodes runs checkSecurityCodes on codes close together, with
// cards among them at various distances, so that the stretch without a
// card and the card last found are used, extended and left behind.
func TestSecurityCodes(t *testing.T) {
	units := []string{"cvv 123 ", "CVV: 1234 ", "安全码是 123 ", `\u5b89\u5168\u7801\uff1a123 `, "cvc2 is 321 ", "x 123 "}
	cards := []string{"4111111111111111 ", "6222 0212 3456 7890 128 ", "卡号 6222021234567890128 "}
	pads := []string{"", strings.Repeat("x", 70), strings.Repeat("y ", 150)}
	for _, u := range units {
		checkSecurityCodes(t, []byte(strings.Repeat(u, 120)))
		for _, c := range cards {
			for _, every := range []int{1, 2, 5, 11, 20, 45} {
				for _, pad := range pads {
					var in strings.Builder
					for i := range 150 {
						in.WriteString(u)
						if i%every == every-1 {
							in.WriteString(pad + c)
						}
					}
					checkSecurityCodes(t, []byte(in.String()))
				}
			}
		}
	}
	// Random mixes of keywords long and short, connectors, codes, cards
	// and filler: searches that start far before or just after where
	// earlier ones did.
	parts := []string{"cvv", "card verification", `\u5361\u9a8c\u8bc1\u7801`, "安全码", " ", ": ", strings.Repeat(" ", 20),
		"123", "4567", "4111111111111111", "6222 0212 3456 7890 128", "x", strings.Repeat("z", 60), strings.Repeat("w", 200)}
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var in []byte
		for len(in) < 1500 {
			in = append(in, parts[r.IntN(len(parts))]...)
		}
		checkSecurityCodes(t, in)
	}
}

// cardNearRef is cardNear as it was first written: forwards, a run at a
// time, stepping over the hex digits of escapes and the rest of each run.
func cardNearRef(b []byte, from, to int) bool {
	if from < 0 {
		from = 0
	}
	if to > len(b) {
		to = len(b)
	}
	for i := from; i < to; i++ {
		if !isDigit(b[i]) {
			continue
		}
		if esc := escapeEndRef(b, i); esc > 0 {
			i = esc - 1 // the hex digits of a \uXXXX escape
			continue
		}
		if i > 0 && isDigit(b[i-1]) && !escapedAt(b, i-1) {
			continue
		}
		e := digitsEnd(b, i, maxDigits+1)
		if n := e - i; n >= 13 && n <= 19 {
			if luhnRef(string(b[i:e])) {
				return true
			}
		} else if n == 4 && e+1 < len(b) && (b[e] == ' ' || b[e] == '-') {
			var q seq
			parseSeq(&q, b, i, e)
			for k := q.ng; k >= 3; k-- {
				if shapeOf(q.gl[:k]) == shapeCard {
					nd := 0
					for _, g := range q.gl[:k] {
						nd += int(g)
					}
					if luhnRef(string(q.d[:nd])) {
						return true
					}
				}
			}
		}
		i = e
	}
	return false
}

// cardAtRef is cardAt as first written: every run of four before a
// separator is parsed as a grouped number.
func cardAtRef(b []byte, i int) bool {
	if !isDigit(b[i]) || i > 0 && isDigit(b[i-1]) && !escapedAt(b, i-1) || escapeEnd(b, i) > 0 {
		return false
	}
	e := digitsEnd(b, i, maxDigits+1)
	if n := e - i; n >= 13 && n <= 19 {
		return luhn(b[i:e])
	} else if n == 4 && e+1 < len(b) && (b[e] == ' ' || b[e] == '-') {
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
	}
	return false
}

// checkCardNear holds cardLast, cardFirst and the remembering
// (*state).cardNear to cardNearRef and cardAtRef on the searches of codes
// at every position, as securityCode makes them (the stretch before a
// keyword, then the one after the code), and on windows of other sizes
// and steps that overlap, touch, or leave gaps.
func checkCardNear(t *testing.T, b []byte) {
	t.Helper()
	// next[p] is the first position from p on that starts a card, prev[p]
	// the last one up to p (-1 for none).
	next := make([]int, len(b)+1)
	next[len(b)] = len(b)
	for p := len(b) - 1; p >= 0; p-- {
		want := cardAtRef(b, p)
		if got := cardAt(b, p); got != want {
			t.Fatalf("cardAt(%q, %d) = %v, reference %v", b, p, got, want)
		}
		next[p] = next[p+1]
		if want {
			next[p] = p
		}
	}
	prev := make([]int, len(b))
	for p := range b {
		prev[p] = -1
		if p > 0 {
			prev[p] = prev[p-1]
		}
		if next[p] == p {
			prev[p] = p
		}
	}
	type query struct{ from, to int }
	var plans [][]query
	var codes []query
	for p := 0; p < len(b); p++ {
		codes = append(codes, query{p - 256, p}, query{p + 7, p + 135})
	}
	plans = append(plans, codes)
	for _, w := range []int{1, 5, 30, 100} {
		for _, step := range []int{1, 3, 40, 70, 130} {
			var qs []query
			for p := -w; p < len(b)+w; p += step {
				qs = append(qs, query{p, p + w})
			}
			plans = append(plans, qs)
			var back []query
			for i := len(qs) - 1; i >= 0; i-- {
				back = append(back, qs[i])
			}
			plans = append(plans, back)
		}
	}
	for _, qs := range plans {
		st := state{b: b}
		for _, q := range qs {
			want := cardNearRef(b, q.from, q.to)
			last := -1
			if from, to := max(q.from, 0), min(q.to, len(b)); from < to && prev[to-1] >= from {
				last = prev[to-1]
			}
			if got := cardLast(b, q.from, q.to); got != last || (last >= 0) != want {
				t.Fatalf("cardLast(%q, %d, %d) = %d, reference %d (cardNearRef %v)", b, q.from, q.to, got, last, want)
			}
			if from, to := max(q.from, 0), min(q.to, len(b)); from < to {
				if got, want := cardFirst(b, q.from, q.to), min(next[from], to); got != want {
					t.Fatalf("cardFirst(%q, %d, %d) = %d, reference %d", b, q.from, q.to, got, want)
				}
			}
			if got := st.cardNear(q.from, q.to); got != want {
				t.Fatalf("cardNear(%q, %d, %d) = %v after earlier searches, reference %v", b, q.from, q.to, got, want)
			}
		}
	}
}

// TestHelpers runs checkHelpers on generated support data and on stamps
// cut short at every length.
func TestHelpers(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 1<<20, 5); err != nil {
		t.Fatal(err)
	}
	checkHelpers(t, buf.Bytes())
	for _, s := range []string{
		"2024-05-19 09:12:31.889 x", "2024-05-19T09:12:31Z", "2024-05-19 09:12:31,5 ", "2024-05-19 09:12:31.1.2.3",
		"2024-05-19 09:12:31 86 138", "2024-05-19 09:12:86 138", "2024-05-19 09:12:31:00", "2024-05-19 09x12:31 ",
		"2024-05-19 09:12:311", "2024-05-19 09:12:31.1234567890 ", "2024-05-19.1", "2024-05-1912", "12024-05-19 09:12:31 ",
		"2024-05-19 09:12:31.88-5", "2024-05-19 09:12:31.88 5", "2024-05-19 09:12:31.88 -", "2024-05-19x09:12:31 ",
		"2024-05-19 09:12:31.889-5", "2024-05-19 09:12:31.889 5", "2024-05-19 09:12:31.889 -", "2024-05-19 09:12:31.889.1",
		"2024-05-19 09:12:31,889:1", "2024-05-19T09:12:31,889Z", "2024-05-19 09:12:31.889\"", "2024-05-19 09:12:31.8891 ",
		"\n" + strings.Repeat("x", kwWindow+2) + "1", "\ncard" + strings.Repeat("x", kwWindow-2) + "1",
		`{"m":"\u53f76222021234567890128 \u4e3a 6222-0212-3456-7890-128"}`, "card 6222 0212 3456 7890 cvv 123",
		"3782 822463 10005 cvv: 1234", "4111 1111 1111 1111 1 x", "6222 0212 3456 78 90", "x\\u00316222021234567890128",
		`x "cvv": "123" `, "CVV  -  1234.", "安全码是 123 ", `"\u5b89\u5168\u7801\uff1a123"`, "cvv is 123", "uid=316&x", "a.b 12. 86 138",
		"09:12:31 ", "09:12:31.1.2.3", "09:12:31.5 ", "09:12:86 138", "09:12:86-1", "09:12:31:00", "09:12:310", "09:12:31-5",
		"255.255.255.255", "256.1.1.1", "1.2.3.249", "01.2.3.4", "1.2.3.04", "0.0.0.0", "199.255.260.1", "1.2.3.2555",
		"2001:db8::1", "::1", "::ffff:1.2.3.4", "fe80::1%eth0", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "abcde::1",
		"a:b:c:d:e:f:0:1", "aa:bb:cc:dd:ee:ff", "Add::Bed", "::", "1::2::3", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
		"ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", "1:2:3:4:5:6:7:8:9",
		"0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000", "::ffff:ffff:ffff:ffff:ffff:255.255.255.255.1",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff:1", "1:2::3:4.5.6.7", "1.2.3.4:80", "[::1]:8080", "gG:fF::1", "1::a:",
		"abcd:ef0a:abcd:efab:abcd:ef0a:abcd:efab", "abcd:efab:abcd:efab:abcd:efab:abcd:efab", "fe80::abcd", "fe80::abcd:1",
		"version 1.2.3.4", "Version:1.2.3.4", "VER 1.2.3.4", "版本 1.2.3.4", `\u7248\u672C 1.2.3.4`, "ver\n1.2.3.4",
		"server 1.2.3.4", "build1 1.2.3.4", `release\u00201.2.3.4`, "buildId 1.2.3.4", "x.build: 1.2.3.4",
		"a:b::a:b::", "x:12:34::1", "ab.1:2::3", "g1:2::3", "_12:34:56:1::2", "abcde:1::2", `\nab:1::2`, `\\nab:1::2`,
		"a@b.a@b.a@b.", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@b.co", "x.@b.co", ".@b.co", "..x@b.co",
		`\u003cuser@x.org`, `\nuser@x.org`, `\\nuser@x.org`, `\n@x.org`, `\u003c@x.org`, "%+_-@a.bc", "a@b.cd@e.fg", "@b.co", "a@",
		`\u0041ab:1::2`, `\u00411234:5::6`, "'ab:1::2", "1234:5::6", "a-1:2::3", "a@b.co", "x@EXAMPLE.COM", "u@a-b.c-d.org", "u@-a.com", "u@a-.com", "u@a.b", "u@a.b1", "u@a..com", "u@mail.example.com_",
		"u@" + strings.Repeat("a", 63) + ".com", "u@" + strings.Repeat("a", 64) + ".com", "u@a." + strings.Repeat("b", 250),
		"u@a.bc@", "u@x.y.z.wwwwwwwwwwwwwwwwww.", "u@a.\xe4\xbd\xa0", "u@abcdefgh.ijklmnop-qrstuvwx.yz", "u@abcdefg.hi",
		"u@abcdef.g", "u@abcdefg.-h", "u@abcdefgh.-h", "u@abcdefg.h-", "u@a.bcdefgh-.i", "u@a1.b2", "u@a.bc-", "u@a.b-c",
		`version\u0031 1.2.3.4`, `ver\u00a0\u00a01.2.3.4`, `build\\u0031 1.2.3.4`, "版本\n1.2.3.4", "1u2u3 1.2.3.4",
	} {
		for n := 0; n <= len(s); n++ {
			checkHelpers(t, []byte(s[:n]))
			checkHelpers(t, []byte("ab "+s[:n]+"                        "))
		}
	}
}

// TestKeywordPairTables checks the raw-byte pair tables of keywordBefore
// against kwEnd2 (case folded) and kwStop on every pair of bytes.
func TestKeywordPairTables(t *testing.T) {
	for y := 0; y < 256; y++ {
		for z := 0; z < 256; z++ {
			i := kwPair(y, z)
			j := int(lowerTab[y])<<8 | int(lowerTab[z])
			end := kwEnd2[j>>6]&(1<<(j&63)) != 0
			stop := end || kwStop[z]
			if (kwPairEnd[i>>6]>>(i&63)&1 != 0) != end || (kwPairAny[i>>6]>>(i&63)&1 != 0) != stop {
				t.Fatalf("pair %#x %#x: kwPairEnd or kwPairAny wrong", y, z)
			}
		}
	}
}

// TestVersionFilter checks that versionMayEndBefore lets keywordBefore
// off at most of the dotted quads of generated support data, and that
// the version keywords there are found (checkHelpers proves it never
// hides one).
func TestVersionFilter(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 1<<20, 5); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	quads, spared, versions := 0, 0, 0
	for p := 1; p < len(b); p++ {
		if !isDigit(b[p]) || isDigit(b[p-1]) {
			continue
		}
		if _, ok := dottedQuad(b, p); !ok {
			continue
		}
		quads++
		if !versionMayEndBefore(b, p) {
			spared++
		} else if keywordBefore(b, p).kind() == kwVersion {
			versions++
		}
	}
	if quads < 1000 || versions == 0 || spared < quads/2 {
		t.Fatalf("%d dotted quads: %d spared the keyword search, %d after a version keyword", quads, spared, versions)
	}
	t.Logf("%d dotted quads: %d spared the keyword search, %d after a version keyword", quads, spared, versions)
}

// TestGlueTable checks joinedAfter's table on every byte, after each
// kind of JSON escape it could end.
func TestGlueTable(t *testing.T) {
	for c := range 256 {
		for _, pre := range []string{"", "x", `\`, `\u`, `\u0`, `\u00`, `\u000`, `\\u000`} {
			b := append([]byte(pre), byte(c), 'a')
			if got, want := joinedAfter(b, len(b)-1, byte(c)), joinedLeft(b, len(b)-1); got != want {
				t.Fatalf("joinedAfter(%q) = %v, joinedLeft %v", b, got, want)
			}
		}
	}
}

// TestDomainEndShapes holds domainEnd to domainEndRef on random names:
// labels of one to nine bytes and, now and then, of about 63, of letters
// (either case), digits and '-', between dots and the bytes that end a
// name, long enough to cross the words domainEnd reads and to run past
// its limits; at every position of every cut of them.
func TestDomainEndShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const inLabel, between = "aaaaZZ11-", "......-@_ \xe4"
	for range 4000 {
		var b []byte
		// One in four names is mostly letters and dots, to run past
		// maxDomain.
		dots := r.IntN(4) == 0
		for len(b) < 300 && (dots || r.IntN(12) != 0) {
			n := 1 + r.IntN(9)
			if r.IntN(6) == 0 {
				n = 60 + r.IntN(6)
			}
			for range n {
				if dots && r.IntN(30) != 0 {
					b = append(b, 'a')
				} else {
					b = append(b, inLabel[r.IntN(len(inLabel))])
				}
			}
			if dots && r.IntN(30) != 0 {
				b = append(b, '.')
			} else {
				b = append(b, between[r.IntN(len(between))])
			}
		}
		for end := 0; end <= len(b); end++ {
			for p := 0; p <= end && p < 12; p++ {
				e, ok := domainEnd(b[:end], p)
				if wantE, wantOK := domainEndRef(b[:end], p); e != wantE || ok != wantOK {
					t.Fatalf("domainEnd(%q, %d) = %d, %v, reference %d, %v", b[:end], p, e, ok, wantE, wantOK)
				}
			}
		}
	}
}

// TestAtInBlockShapes holds atInBlock to atRef on random addresses and
// near misses placed at offsets all across a block, so that their names end
// before, at and after the block's last byte.
func TestAtInBlockShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const inLabel, between = "aaaaZZ1-", "....-@_ \xe4"
	for range 3000 {
		// Labels of one to four bytes, mostly letters, between dots and
		// the bytes that end a name.
		var name []byte
		for n := 1 + r.IntN(6); n > 0; n-- {
			for range 1 + r.IntN(4) {
				name = append(name, inLabel[r.IntN(len(inLabel))])
			}
			name = append(name, between[r.IntN(len(between))])
		}
		for o := 0; o < 64; o += 1 + r.IntN(3) {
			b := append(bytes.Repeat([]byte("x"), o), '@')
			b = append(b, name...)
			checkAtInBlock(t, append(b, bytes.Repeat([]byte("a.b "), 20)...))
		}
	}
}
