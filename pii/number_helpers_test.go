package pii

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// References for the number helpers rewritten for speed: the code they
// replace. checkHelpers calls checkNumberHelpers at every position of its
// input.

// escapeEndRef is escapeEnd without the word test in front.
func escapeEndRef(b []byte, s int) int {
	for j := s - 2; j >= s-5 && j >= 0; j-- {
		if b[j] == '\\' && b[j+1] == 'u' && j+6 <= len(b) && oddBackslashes(b, j) &&
			isHex(b[j+2]) && isHex(b[j+3]) && isHex(b[j+4]) && isHex(b[j+5]) {
			return j + 6
		}
	}
	return 0
}

// parseSeqRef is parseSeq copying a group at a time, byte by byte.
func parseSeqRef(q *seq, b []byte, s, e int) {
	q.n = copy(q.d[:maxDigits], b[s:e])
	q.gl[0], q.ge[0], q.ng = uint8(e-s), e, 1
	sep := b[e]
	p := e
	for q.ng < maxGroups && p+1 < len(b) && b[p] == sep && isDigit(b[p+1]) {
		g := digitsEndRef(b, p+1, 12) - (p + 1)
		if g > 11 || q.n+g > maxDigits {
			break
		}
		q.n += copy(q.d[q.n:], b[p+1:p+1+g])
		p += 1 + g
		q.gl[q.ng], q.ge[q.ng] = uint8(g), p
		q.ng++
	}
}

// groupedRef is grouped as first written: one group start, its groups
// parsed afresh (parseSeq), the shapes tried from the most groups down
// (shapeOfRef), and card's own tests. It returns 0 when no grouped form
// starts at b[s:e].
func (st *state) groupedRef(s, e int) int {
	b := st.b
	if s > 0 && isWord(b[s-1]) && !escapedAt(b, s-1) {
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
	var q seq
	parseSeq(&q, b, s, e)
	if q.ng < 2 || !secondGroupFits(e-s, int(q.gl[1])) {
		return 0
	}
	for k := min(q.ng, maxShapeGroups); k >= 2; k-- {
		sh := shapeOfRef(q.gl[:k])
		if sh == shapeNone {
			continue
		}
		end, nd := q.ge[k-1], 0
		for _, g := range q.gl[:k] {
			nd += int(g)
		}
		d := q.d[:nd]
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
				start = st.plusBefore(s)
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

// checkGrouped holds grouped at one group start (st.to 0: it goes on to
// no other) to groupedRef, at every start of b that digitsTo sends to
// grouped, after findings that end at several places before it.
func checkGrouped(t *testing.T, b []byte) {
	t.Helper()
	for s := range b {
		if !isDigit(b[s]) || s > 0 && isDigit(b[s-1]) {
			continue
		}
		e := digitsEndRef(b, s, maxDigits+1)
		if n := e - s; n > 4 && n != 6 || e+1 >= len(b) || b[e] != ' ' && b[e] != '-' || !isDigit(b[e+1]) {
			continue
		}
		for _, last := range []int{0, s - 1, s, s + 1, e + 2} {
			if last < 0 {
				continue
			}
			var got, want []Finding
			st := state{b: b, s: defaultScanner, lastEnd: last, emit: func(f Finding) { got = append(got, f) }}
			ref := state{b: b, s: defaultScanner, lastEnd: last, emit: func(f Finding) { want = append(want, f) }}
			if r, wantR := st.grouped(s, e), ref.groupedRef(s, e); r != wantR || !slices.Equal(got, want) {
				t.Fatalf("grouped(%q, %d, %d) after %d = %d, %v, reference %d, %v", b, s, e, last, r, got, wantR, want)
			}
		}
	}
}

// knownIINRef is knownIIN as a chain of tests: whether d starts with the issuer prefix of a card
// scheme that issues numbers of len(d) digits.
func knownIINRef(d []byte) bool {
	n := len(d)
	p2 := num2(d)
	p4 := num4(d)
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case p2 == 62, p2 == 81: // UnionPay
		return n >= 16
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34, p2 == 37: // American Express
		return n == 15
	case p4 >= 3528 && p4 <= 3589: // JCB
		return n >= 16
	case p4 == 6011, p2 == 65, p4 >= 6440 && p4 <= 6499: // Discover
		return n >= 16
	case p2 == 36, p4 >= 3000 && p4 <= 3059: // Diners Club
		return n >= 14
	}
	return false
}

// shapeOfRef is shapeOf comparing with each shape in turn.
func shapeOfRef(gl []uint8) shape {
	eq := func(want ...uint8) bool {
		return slices.Equal(gl, want)
	}
	switch {
	case eq(3, 4, 4), eq(2, 3, 4, 4), eq(4, 3, 4, 4), eq(2, 11), eq(4, 11):
		return shapeMobile
	case eq(4, 6, 5), eq(4, 6, 4):
		return shapeCard
	case eq(6, 8, 4):
		return shapeResident
	case eq(6, 8, 3):
		return shapeResident3X
	}
	// Fours, with a last group of one to four: 13 to 19 digits.
	if len(gl) >= 4 && len(gl) <= 5 {
		for _, g := range gl[:len(gl)-1] {
			if g != 4 {
				return shapeNone
			}
		}
		if last := gl[len(gl)-1]; last >= 1 && last <= 4 && (len(gl) == 4 || last < 4) {
			return shapeCard
		}
	}
	return shapeNone
}

// checkNumberHelpers holds escapeEnd, backslashBefore, parseSeq (with
// the groups' digit counts and shape key it adds) and grouped to their
// references at every position of b.
func checkNumberHelpers(t *testing.T, b []byte) {
	t.Helper()
	for s := 0; s <= len(b); s++ {
		if got, want := escapeEnd(b, s), escapeEndRef(b, s); got != want {
			t.Fatalf("escapeEnd(%q, %d) = %d, reference %d", b, s, got, want)
		}
		if s >= 8 {
			want := false
			for _, c := range b[s-6 : s-1] {
				want = want || c == '\\'
			}
			if got := backslashBefore(b, s); got != want {
				t.Fatalf("backslashBefore(%q, %d) = %v, reference %v", b, s, got, want)
			}
		}
	}
	for s := 0; s < len(b); s++ {
		if !isDigit(b[s]) || s > 0 && isDigit(b[s-1]) {
			continue
		}
		e := digitsEndRef(b, s, 9)
		if e-s > 8 || e+1 >= len(b) || (b[e] != ' ' && b[e] != '-') {
			continue
		}
		var q, r seq
		parseSeq(&q, b, s, e)
		parseSeqRef(&r, b, s, e)
		if q.n != r.n || q.ng != r.ng || string(q.d[:q.n]) != string(r.d[:r.n]) || q.gl != r.gl || q.ge != r.ge {
			t.Fatalf("parseSeq(%q, %d, %d) = %+v, reference %+v", b, s, e, q, r)
		}
		if q.ng >= 2 && q.ge[1]+1 < len(b) {
			// The groups from the second group on, parsed afresh and
			// taken on from q (which leaves what lies past q.ng as it was).
			s2, e2 := q.ge[0]+1, q.ge[1]
			var f seq
			parseSeq(&f, b, s2, e2)
			parseSeq(&q, b, s2, e2)
			ng := f.ng
			if q.n != f.n || q.ng != ng || string(q.d[:q.n]) != string(f.d[:f.n]) || string(q.gl[:ng]) != string(f.gl[:ng]) ||
				!slices.Equal(q.ge[:ng], f.ge[:ng]) || string(q.gn[:ng]) != string(f.gn[:ng]) || q.key != f.key {
				t.Fatalf("parseSeq(%q, %d, %d) after the group before = %+v, afresh %+v", b, s2, e2, q, f)
			}
			parseSeq(&q, b, s, e)
		}
		n := 0
		for k := range q.ng {
			n += int(q.gl[k])
			if int(q.gn[k]) != n {
				t.Fatalf("parseSeq(%q, %d, %d): gn %v, lengths %v", b, s, e, q.gn, q.gl)
			}
			if got, want := shapeKey(q.key>>(4*(q.ng-1-k))), shapeOfRef(q.gl[:k+1]); got != want {
				t.Fatalf("parseSeq(%q, %d, %d): key %#x gives shape %d for %v, reference %d", b, s, e, q.key, got, q.gl[:k+1], want)
			}
		}
	}
	checkGrouped(t, b)
}

// TestShapeOf holds shapeOf to shapeOfRef on every list of up to four
// group lengths from 0 to 17 (and 255), and on random longer ones near
// the shapes.
func TestShapeOf(t *testing.T) {
	vals := []uint8{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 255}
	var rec func(gl []uint8)
	rec = func(gl []uint8) {
		if got, want := shapeOf(gl), shapeOfRef(gl); got != want {
			t.Fatalf("shapeOf(%v) = %d, reference %d", gl, got, want)
		}
		if len(gl) == 4 {
			return
		}
		for _, v := range vals {
			rec(append(gl, v))
		}
	}
	rec(nil)
	r := rand.New(rand.NewPCG(5, 6))
	near := []uint8{0, 1, 2, 3, 4, 5, 6, 8, 11, 15, 16, 20}
	for k := 0; k < 1000000; k++ {
		gl := make([]uint8, 5+r.IntN(4))
		for i := range gl {
			gl[i] = near[r.IntN(len(near))]
		}
		if got, want := shapeOf(gl), shapeOfRef(gl); got != want {
			t.Fatalf("shapeOf(%v) = %d, reference %d", gl, got, want)
		}
	}
}

// TestShapesOf holds shapesOf to shapeOfRef for every list of one to
// maxShapeGroups group lengths from 1 to 15.
func TestShapesOf(t *testing.T) {
	var rec func(gl []uint8)
	rec = func(gl []uint8) {
		key := uint32(0)
		for _, g := range gl {
			key = key<<4 | uint32(g)
		}
		fits := len(gl) >= 2 && secondGroupFits(int(gl[0]), int(gl[1]))
		m := shapesOf(key)
		for k := 2; k <= len(gl); k++ {
			want := shapeNone
			if fits {
				want = shapeOfRef(gl[:k])
			}
			if got := shape(m >> (4 * k) & 15); got != want {
				t.Fatalf("shapesOf(%#x) = %#x: %d groups %d, reference %d", key, m, k, got, want)
			}
		}
		if m>>(4*(len(gl)+1)) != 0 || m&0xff != 0 {
			t.Fatalf("shapesOf(%#x) = %#x: shapes of no window", key, m)
		}
		if len(gl) == maxShapeGroups {
			return
		}
		for g := uint8(1); g <= 15; g++ {
			rec(append(gl, g))
		}
	}
	rec(nil)
}

// runReach is how many bytes back from its end every keyword of the
// kinds keep admits, as the trie holds it (plain and JSON-escaped),
// holds a byte that is neither a digit nor a separator (' ' or '-'), as
// cvvRunReach and kwRunReach are for the CVV keywords and all keywords.
func runReach(keep func(kwKind) bool) int {
	reach := 0
	for _, g := range keywordList {
		if !keep(g.kind) {
			continue
		}
		for _, w := range g.words {
			for _, t := range []string{w, jsonEscape(w)} {
				n := len(t)
				for n > 0 && (isDigit(t[n-1]) || t[n-1] == ' ' || t[n-1] == '-') {
					n--
				}
				if n == 0 {
					return math.MaxInt // all of it could lie in a run
				}
				reach = max(reach, len(t)-n+1)
			}
		}
	}
	return reach
}

// TestRunReach checks cvvRunReach and kwRunReach against runReach, and
// that no keyword is found before a group of a run once the run holds
// cvvRunReach bytes (by cvvKeywordBefore: maybeCode leaves out
// securityCode there) or kwRunReach bytes (by keywordBefore:
// groupRun.keywordBefore answers at once) before the separator before
// it, for every keyword the trie holds, in each case: the run starting
// at each byte of the keyword's end that a run may hold (digits and
// separators), then going on in groups.
func TestRunReach(t *testing.T) {
	if got := runReach(func(k kwKind) bool { return k == kwCVV }); cvvRunReach != got {
		t.Fatalf("cvvRunReach = %d, the CVV keywords %d", cvvRunReach, got)
	}
	if got := runReach(func(kwKind) bool { return true }); kwRunReach != got {
		t.Fatalf("kwRunReach = %d, the keywords %d", kwRunReach, got)
	}
	for _, c := range []byte(" -") {
		if !cvvBefore[c] || isWord(c) {
			t.Fatalf("%q: maybeCode takes separators for connectors before a code", c)
		}
	}
	if cvvRunReach > 8 || kwRunReach > 8 {
		t.Fatalf("cvvRunReach = %d, kwRunReach = %d: a keyword ends in many digits", cvvRunReach, kwRunReach)
	}
	var texts []string
	for _, nd := range kwTrie {
		if nd.kw != nil {
			texts = append(texts, nd.kw.text, strings.ToUpper(nd.kw.text))
		}
	}
	if len(texts) == 0 {
		t.Fatal("no keyword in the trie")
	}
	inRun := func(c byte) bool { return isDigit(c) || c == ' ' || c == '-' }
	for _, kw := range texts {
		for _, sep := range []string{" ", "-"} {
			b := []byte(kw + sep + "12" + sep + "345" + sep + "6789 x")
			for from := len(kw); from >= 0 && (from == len(kw) || inRun(kw[from])); from-- {
				for s := len(kw) + 1; s < len(b)-2; s++ {
					if b[s-1] != sep[0] {
						continue
					}
					if s-1-from >= cvvRunReach {
						if k, _ := cvvKeywordBefore(b, s); k != nil {
							t.Fatalf("cvvKeywordBefore(%q, %d) = %q, %d bytes into a run from %d", b, s, k.text, s-1-from, from)
						}
					}
					r := groupRun{from: from}
					if got, want := r.keywordBefore(b, s), keywordBefore(b, s); got != want {
						t.Fatalf("keywordBefore(%q, %d) in a run from %d = %+v, keywordBefore %+v", b, s, from, got, want)
					}
				}
			}
		}
	}
}

// TestNumberHelpersShort runs checkNumberHelpers on grouped numbers and
// escapes cut short at every length, alone and between other bytes.
func TestNumberHelpersShort(t *testing.T) {
	for _, s := range []string{
		"+86 138 0013 8000", "0086-138-0013-8000 x", "86 13800138000", "138 0013 8000 1", "6222 0212 3456 7890 128",
		"6222-0212-3456-7890-1", "4111 1111 1111 1111 1111 1111", "110105 19900307 002X", "110105 19900307 0021",
		"6222 021234 56789", "1 2 3 4 5 6 7 8 9", "12345678 123456789012 1", "\\u53f713800138000", "\\\\u53f7138",
		"ab\\n13800138000", "\\u00a0\\u53f7 6222 0212", "x\\\\\\u1234 5678",
		"6222 0212 3456 7890 1280 6222 0212 3456 7890 128", "86 138 0013 8000 0086 138 0013 8000", "+86-138-0013-8000-1",
		"110105 19900307 002X 110105 19900307 0021", "4111 111111 11111 4111 1111 1111 1111", "12 34 56 78 90 12 34",
		"2024-05-19 1234-2024-05-19", "cvv 1234 5678 9012 3456 123", "3782 822463 10005 3782 822463 1000",
		"6222 0212 3456 7890 128@x.cn", "6222 0212 3456 7890x", "6222 0212 3456 7890.1",
		// Three digits before a second group of every length from four
		// to twelve: seven digits or more start nothing.
		"cvv 123 4111111111111111 ", "138 0013 8000 138 00138 138 001380 138 0013800 138 00138000 1",
		"138 001380001 138 0013800013 138 00138000138 138 001380001380 138 1234 5678 1 138-1234567-1",
	} {
		for n := 0; n <= len(s); n++ {
			checkNumberHelpers(t, []byte(s[:n]))
			checkNumberHelpers(t, []byte("ab "+s[:n]+"                        "))
			checkNumberHelpers(t, []byte("abcdefgh\\"+s[:n]+" 1234"))
		}
	}
}

// TestKnownIIN holds knownIIN to knownIINRef for every four first digits
// and every length a caller may ask about (up to maxDigits).
func TestKnownIIN(t *testing.T) {
	d := make([]byte, maxDigits)
	for p := range 10000 {
		d[0], d[1], d[2], d[3] = byte('0'+p/1000), byte('0'+p/100%10), byte('0'+p/10%10), byte('0'+p%10)
		for n := 4; n <= maxDigits; n++ {
			if got, want := knownIIN(d[:n]), knownIINRef(d[:n]); got != want {
				t.Fatalf("knownIIN(%s) = %v, reference %v", d[:n], got, want)
			}
		}
	}
}
