package pii

import (
	"bytes"
	"strings"
	"testing"

	"custos.dev/custos/bench/pii/gen"
)

// keywordBeforeStraight is keywordBefore at its plainest: every byte from
// start back, the trie at each (matchEndingRef), with no filter, no
// bucket and no word at a time.
func keywordBeforeStraight(b []byte, start int) context {
	c := context{sameLine: true}
	for p := start - 1; p >= max(start-kwWindow, 0); p-- {
		if k := matchEndingRef(b, p); k != nil {
			c.kw = k
			return c
		}
		if b[p] == '\n' {
			c.sameLine = false
		} else if isDigit(b[p]) && escapeEnd(b, p) == 0 {
			return c
		}
	}
	return c
}

// checkKeywords holds matchEnding to the trie and keywordBefore to
// keywordBeforeStraight at every position of b.
func checkKeywords(t *testing.T, b []byte) {
	t.Helper()
	for p := -1; p <= len(b); p++ {
		var want *keyword
		if p >= 0 && p < len(b) {
			want = matchEndingRef(b, p)
		}
		if got := matchEnding(b, p); got != want {
			t.Fatalf("matchEnding(%q, %d) = %v, trie %v", b, p, got, want)
		}
		if want != nil && want.kind != kwCVV {
			want = nil
		}
		if got := cvvMatch(b, p); got != want {
			t.Fatalf("cvvMatch(%q, %d) = %v, trie %v", b, p, got, want)
		}
	}
	for p := 0; p <= len(b); p++ {
		if got, want := keywordBefore(b, p), keywordBeforeStraight(b, p); got != want {
			t.Fatalf("keywordBefore(%q, %d) = %+v, straightforward %+v", b, p, got, want)
		}
	}
}

// keywordTexts returns the text of every keyword the trie holds, escaped
// forms included.
func keywordTexts() []string {
	var texts []string
	for i := range kwTrie {
		if k := kwTrie[i].kw; k != nil {
			texts = append(texts, k.text)
		}
	}
	return texts
}

// caseVariants returns s as written, in capitals, with its first letter
// a capital, with every other letter a capital, and with the case bit
// (0x20) of one byte flipped for each byte that is not a letter: the
// words that must match, and near misses the masks must turn away (the
// buckets set that bit in every byte before hashing).
func caseVariants(s string) []string {
	out := []string{s, strings.ToUpper(s)}
	b := []byte(s)
	if isLetter(b[0]) {
		out = append(out, string(b[0]-'a'+'A')+s[1:])
	}
	alt := []byte(s)
	for i := range alt {
		if i%2 == 1 && alt[i] >= 'a' && alt[i] <= 'z' {
			alt[i] -= 'a' - 'A'
		}
	}
	out = append(out, string(alt))
	for i := range b {
		if !isLetter(b[i]) {
			flip := []byte(s)
			flip[i] ^= 0x20
			out = append(out, string(flip))
		}
	}
	return out
}

// keywordCorpus is every keyword in every case variant, after and before
// the bytes that decide a word boundary, a stop or an escape.
func keywordCorpus() []string {
	before := []string{"", " ", "x", "X", "_", "\x7f", "@", "`", "\n", "7", "\\u53f7", "\\\\u53f7", "credit", "My", "卡"}
	after := []string{": 13800138000 ", "=6222021234567890123", "\\u003a 1", "\n2"}
	var out []string
	for _, text := range keywordTexts() {
		for _, v := range caseVariants(text) {
			for i, pre := range before {
				out = append(out, pre+v+after[i%len(after)])
			}
		}
	}
	return out
}

// TestKeywordsStraight holds matchEnding and keywordBefore to their
// plainest versions at every position: of generated support data, of
// every keyword in every case variant and setting (together, so that the
// eight bytes before each are some other keyword's, and each on its own,
// so that it stands at the start of a short input), and of the keywords
// cut short.
func TestKeywordsStraight(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 1<<20, 5); err != nil {
		t.Fatal(err)
	}
	checkKeywords(t, buf.Bytes())
	snippets := keywordCorpus()
	checkKeywords(t, []byte(strings.Join(snippets, "")))
	checkKeywords(t, []byte(strings.Join(snippets, "\\u4e2d")))
	for _, s := range snippets {
		checkKeywords(t, []byte(s))
	}
	for _, text := range keywordTexts() {
		for n := 1; n <= len(text); n++ {
			checkKeywords(t, []byte(text[len(text)-n:]))
			checkKeywords(t, []byte(text[:n]))
		}
	}
}

// TestKeywordTables checks the tables matchEnding reads: every keyword
// is in the bucket of its length and last bytes, each bucket holds its
// keywords longest first, and kwShortEnd holds exactly the raw pairs
// that end a keyword of two or three bytes.
func TestKeywordTables(t *testing.T) {
	found := map[*keyword]bool{}
	for h := range kwBuckets {
		for i := kwBucket[h]; i < kwBucket[h+1]; i++ {
			c := &kwCands[i]
			if int(c.n) != len(c.k.text) {
				t.Fatalf("candidate %q: length %d", c.k.text, c.n)
			}
			if i > kwBucket[h] && kwCands[i-1].n < c.n {
				t.Fatalf("bucket %d: %q after the shorter %q", h, c.k.text, kwCands[i-1].k.text)
			}
			w := kwTail(c.k.text)
			want := kwBucketOf4(w)
			switch c.n {
			case 2:
				want = kwBucketOf2(w)
			case 3:
				want = kwBucketOf3(w)
			}
			if h != want {
				t.Fatalf("%q in bucket %d, not %d", c.k.text, h, want)
			}
			found[c.k] = true
		}
	}
	for _, text := range keywordTexts() {
		k := matchEndingRef([]byte(text), len(text)-1)
		if k == nil || k.text != text || !found[k] {
			t.Fatalf("keyword %q not in a bucket", text)
		}
	}
	shortEnds := map[string]bool{}
	for _, text := range keywordTexts() {
		if n := len(text); n <= 3 {
			shortEnds[text[n-2:]] = true
		}
	}
	for y := range 256 {
		for z := range 256 {
			want := shortEnds[string([]byte{lowerTab[y], lowerTab[z]})]
			i := kwPair(y, z)
			if got := kwShortEnd[i>>6]&(1<<(i&63)) != 0; got != want {
				t.Fatalf("kwShortEnd(%#x, %#x) = %v", y, z, got)
			}
		}
	}
}

// TestCVVKeywords checks what cvvMatch and securityCode rely on: no
// keyword of another kind ends in a CVV keyword, none is longer than
// cvvKeywordMax, and cvvCands holds every CVV keyword in the bucket of its
// last byte, longest first.
func TestCVVKeywords(t *testing.T) {
	var cvv []*keyword
	for i := range kwTrie {
		if k := kwTrie[i].kw; k != nil && k.kind == kwCVV {
			cvv = append(cvv, k)
		}
	}
	for _, c := range cvv {
		if len(c.text) > cvvKeywordMax {
			t.Fatalf("CVV keyword %q longer than cvvKeywordMax", c.text)
		}
		for i := range kwTrie {
			if k := kwTrie[i].kw; k != nil && k.kind != kwCVV && strings.HasSuffix(k.text, c.text) {
				t.Fatalf("keyword %q ends in the CVV keyword %q", k.text, c.text)
			}
		}
		last := int(c.text[len(c.text)-1])
		found := false
		for i := cvvFirst[last]; i < cvvFirst[last+1]; i++ {
			found = found || cvvCands[i].k == c
			if i > cvvFirst[last] && cvvCands[i-1].n < cvvCands[i].n {
				t.Fatalf("cvvCands: %q after the shorter %q", cvvCands[i].k.text, cvvCands[i-1].k.text)
			}
		}
		if !found {
			t.Fatalf("CVV keyword %q not in its bucket", c.text)
		}
	}
	if len(cvvCands) != len(cvv) || len(cvv) < 10 {
		t.Fatalf("%d CVV keywords, %d in cvvCands", len(cvv), len(cvvCands))
	}
}
