package pii

import (
	"encoding/binary"
	"fmt"
	mbits "math/bits"
	"sort"
	"unicode/utf8"
)

// Context keywords. A checksum alone lets one random number in ten (Luhn)
// or in eleven (GB 11643) through, so the scanner looks at the nearest
// keyword before a candidate: "卡号" makes a Luhn-valid number a card,
// "订单号" makes it an order number. Only the nearest keyword counts, and
// only if no other number stands between it and the candidate.

type kwKind uint8

const (
	kwNone kwKind = iota
	kwCard
	kwResident
	kwMobile
	kwPassport
	kwUSCC
	kwCVV
	kwOrder   // order, ticket, tracking, invoice numbers
	kwTrace   // trace, request, transaction, session ids
	kwTime    // timestamps
	kwVersion // versions and builds
)

// negative reports whether k names a kind of number that is not PI.
func (k kwKind) negative() bool { return k >= kwOrder }

// keywordList is data: ASCII words match case-insensitively; every
// non-ASCII word also matches in its JSON-escaped form (\uXXXX).
var keywordList = []struct {
	kind  kwKind
	words []string
}{
	{kwCard, []string{
		"card", "cardno", "pan", "bank account", "visa", "mastercard", "unionpay",
		"卡", "卡号", "银行卡", "信用卡", "借记卡", "储蓄卡", "银联", "银行账号",
		"银行帐号", "收款账号", "退款账户", "卡片",
	}},
	{kwResident, []string{
		"idcard", "id card", "id_card", "id-card", "id no", "id_no", "idno", "id number", "resident id",
		"national id", "identity", "身份证", "身份证号", "证件号", "证件号码",
		"公民身份号码", "身份号码",
	}},
	{kwMobile, []string{
		"mobile", "phone", "tel", "cell", "msisdn", "手机", "手机号", "电话",
		"联系电话", "联系方式", "号码",
	}},
	{kwPassport, []string{"passport", "护照", "护照号", "护照号码"}},
	{kwUSCC, []string{
		"uscc", "credit code", "tax id", "tax_id", "taxid", "taxno", "tax_no", "tax no",
		"tax number", "统一社会信用代码", "信用代码", "税号",
		"纳税人识别号", "营业执照",
	}},
	{kwCVV, []string{
		"cvv", "cvv2", "cvc", "cvc2", "cvn", "cvn2", "security code",
		"card verification", "安全码", "卡验证码",
	}},
	{kwOrder, []string{
		"order", "tracking", "invoice", "ticket", "serial", "sku", "orderid",
		"reference", "membership", "member", "订单", "单号", "订单号",
		"运单", "快递", "发票", "工单", "流水号", "交易号", "批次", "编号",
		"会员号", "参考号",
	}},
	{kwTrace, []string{
		"trace", "span", "request", "req", "txn", "transaction", "correlation",
		"msgid", "session", "nonce", "uuid", "hash", "签名",
	}},
	{kwTime, []string{"timestamp", "time", "ts", "epoch", "date", "时间", "日期"}},
	{kwVersion, []string{"version", "ver", "build", "release", "版本"}},
}

type keyword struct {
	text  string // lower-case match text
	name  string // reported keyword (the unescaped form)
	kind  kwKind
	alpha bool // starts with an ASCII letter: needs a word boundary before it
}

// kwEnd2 is a bit set of the last two (lower-case) bytes of every
// keyword: the filter that keeps the backward search cheap (see
// kwPairEnd).
var kwEnd2 [256 * 256 / 64]uint64

// The keywords are matched backwards from their last byte, in a trie of
// their reversed (lower-case) text: one step per byte, and the longest
// keyword ending at a byte wins.
type kwNode struct {
	edges []kwEdge
	kw    *keyword // the keyword whose reversed text ends at this node
}

type kwEdge struct {
	c    byte
	next uint32
}

var (
	kwTrie = []kwNode{{}} // node 0 is the root
	kwRoot [256]uint32    // the root's children, by byte
)

func init() {
	for _, g := range keywordList {
		for _, w := range g.words {
			addKeyword(keyword{text: w, name: w, kind: g.kind, alpha: isLetter(w[0])})
			if esc := jsonEscape(w); esc != w {
				addKeyword(keyword{text: esc, name: w, kind: g.kind})
			}
		}
	}
	buildKwBuckets()
	buildCVVCands()
}

func addKeyword(k keyword) {
	n := len(k.text)
	if n < 2 {
		panic("pii: keyword too short: " + k.text)
	}
	for i := 0; i < n; i++ {
		if c := k.text[i]; c-'A' < 26 {
			panic("pii: keyword must be lower case: " + k.text)
		}
	}
	i := int(k.text[n-2])<<8 | int(k.text[n-1])
	kwEnd2[i>>6] |= 1 << (i & 63)
	node := kwRoot[k.text[n-1]]
	if node == 0 {
		node = newKwNode()
		kwRoot[k.text[n-1]] = node
	}
	for j := n - 2; j >= 0; j-- {
		c := k.text[j]
		next := uint32(0)
		for _, e := range kwTrie[node].edges {
			if e.c == c {
				next = e.next
				break
			}
		}
		if next == 0 {
			next = newKwNode()
			kwTrie[node].edges = append(kwTrie[node].edges, kwEdge{c, next})
		}
		node = next
	}
	if kwTrie[node].kw == nil {
		kw := k
		kwTrie[node].kw = &kw
	}
}

func newKwNode() uint32 {
	kwTrie = append(kwTrie, kwNode{})
	return uint32(len(kwTrie) - 1)
}

// jsonEscape writes the non-ASCII runes of w as \uXXXX, the way JSON
// encoders that escape non-ASCII text do.
func jsonEscape(w string) string {
	out := make([]byte, 0, len(w)*2)
	for _, r := range w {
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
			continue
		}
		out = fmt.Appendf(out, `\u%04x`, r)
	}
	return string(out)
}

// matchEnding does not walk the trie: one step per byte is a chain of
// dependent loads, a dozen for a JSON-escaped Chinese keyword. The
// keywords are in buckets, longest first, and compared whole with the
// eight bytes that end at p (the loads do not depend on each other). The
// keywords of four bytes or more are in a bucket by a hash of their last
// four bytes, so a keyword that ends at p is mostly the first candidate
// of the one bucket looked at; those of three and of two bytes are in
// buckets of their own by a hash of all their bytes, looked at only when
// the last two bytes at p end such a keyword (kwShortEnd). The trie
// stays as the reference (helpers_test.go).
const (
	kwBucketBits = 12
	kwShortBits  = 8 // the buckets of three- and of two-byte keywords
	// The buckets of each length, one after the other: bucket h of the
	// keywords of four bytes or more, kwBucket3+h of three-byte ones,
	// kwBucket2+h of two-byte ones.
	kwBucket3 = 1 << kwBucketBits
	kwBucket2 = kwBucket3 + 1<<kwShortBits
	kwBuckets = kwBucket2 + 1<<kwShortBits
)

var (
	// Bucket h is kwCands[kwBucket[h]:kwBucket[h+1]]. The indexes are
	// bytes so that the reads of kwCands need no bounds checks.
	kwBucket [kwBuckets + 1]uint8
	kwCands  [256]kwCand
	// kwWords holds the words of the keywords longer than eight bytes,
	// besides their last eight (see kwCand.first).
	kwWords []kwWord
	// kwShortEnd is a bit set of the raw byte pairs that, with ASCII
	// capitals folded, are the last two bytes of a keyword of two or
	// three bytes; indexed by kwPair, as the top two bytes of a word.
	kwShortEnd [256 * 256 / 64]uint64
)

// kwCand is a keyword in its bucket, with the last (up to) eight bytes
// of its text as a little-endian word aligned to end in the top byte,
// and the mask of the bits the eight bytes that end at p must have as
// the keyword has them to match: all the bits of the bytes the text
// covers, but for the case bit (0x20) of its letters. A candidate is
// turned away by one exclusive or, and, and test; the bytes need not be
// case folded first.
type kwCand struct {
	tail, mask uint64
	k          *keyword
	n          uint8 // len(k.text)
	// words is how many more words a keyword longer than eight bytes
	// has to compare, kwWords[first:first+words]; zero for the others.
	words uint8
	first uint16
}

// kwWord is eight bytes of a keyword at off, with the mask of the bits
// to compare, as in kwCand.
type kwWord struct {
	off     int
	x, mask uint64
}

// kwMask returns the mask of the bits to compare for the eight bytes of
// text s ending in the top byte (s may be shorter): all the bits of its
// bytes but the case bit of its letters.
func kwMask(s string) uint64 {
	var m uint64
	for i := range min(len(s), 8) {
		c := uint64(0xff)
		if isLetter(s[len(s)-1-i]) {
			c = 0xff &^ 0x20
		}
		m |= c << (56 - 8*i)
	}
	return m
}

// The buckets are found from the last bytes with the case bit set in
// every byte, so that the same bytes in either case, which are one
// keyword, fall in one bucket. (It puts some other pairs of bytes
// together too; the candidates' compare tells them apart.)

// kwBucketOf4 is the bucket of the keywords of four bytes or more that
// may end where w ends.
func kwBucketOf4(w uint64) int {
	return int((uint32(w>>32) | 0x20202020) * 0x9e3779b1 >> (32 - kwBucketBits))
}

// kwBucketOf3 and kwBucketOf2 are those of the keywords of three and two
// bytes.
func kwBucketOf3(w uint64) int {
	return kwBucket3 + int((uint32(w>>40)|0x202020)*0x9e3779b1>>(32-kwShortBits))
}

func kwBucketOf2(w uint64) int {
	return kwBucket2 + int((uint32(w>>48)|0x2020)*0x9e3779b1>>(32-kwShortBits))
}

// kwWordsAt returns the offsets at which a text of n > 8 bytes is
// compared a word at a time, besides its last eight bytes: every eight
// bytes from the start, the last of them moved back to end at n-8 (and
// none before 0), so that the words cover the text and stay inside it.
func kwWordsAt(n int) []int {
	var at []int
	for off := 0; off < n-8; off += 8 {
		at = append(at, max(min(off, n-16), 0))
	}
	return at
}

// kwTail is the word of the last (up to) eight bytes of t, aligned to
// end in the top byte, zero below.
func kwTail(t string) uint64 {
	var w [8]byte
	copy(w[max(8-len(t), 0):], t[max(len(t)-8, 0):])
	return binary.LittleEndian.Uint64(w[:])
}

func newKwCand(k *keyword) kwCand {
	t := k.text
	n := len(t)
	if n > 255 || len(kwWords) > 65535-n/8 {
		panic("pii: keyword too long: " + t)
	}
	c := kwCand{k: k, tail: kwTail(t), mask: kwMask(t), n: uint8(n), first: uint16(len(kwWords))}
	if n > 8 {
		for _, o := range kwWordsAt(n) {
			s := t[o : o+8]
			kwWords = append(kwWords, kwWord{off: o, x: binary.LittleEndian.Uint64([]byte(s)), mask: kwMask(s)})
			c.words++
		}
	}
	return c
}

// buildKwBuckets fills the buckets with the keywords the trie holds:
// the first of those with the same text.
func buildKwBuckets() {
	var all []*keyword
	for i := range kwTrie {
		if k := kwTrie[i].kw; k != nil {
			all = append(all, k)
		}
	}
	if len(all) >= len(kwCands) {
		panic("pii: too many keywords for kwCands")
	}
	// Longest first; equal lengths in a fixed order.
	sort.SliceStable(all, func(i, j int) bool {
		if len(all[i].text) != len(all[j].text) {
			return len(all[i].text) > len(all[j].text)
		}
		return all[i].text < all[j].text
	})
	var buckets [kwBuckets][]*keyword
	for _, k := range all {
		w := kwTail(k.text)
		var h int
		switch len(k.text) {
		case 2:
			h = kwBucketOf2(w)
		case 3:
			h = kwBucketOf3(w)
		default:
			h = kwBucketOf4(w)
		}
		buckets[h] = append(buckets[h], k)
		if n := len(k.text); n <= 3 {
			for _, y := range caseForms(int(k.text[n-2])) {
				for _, z := range caseForms(int(k.text[n-1])) {
					i := kwPair(y, z)
					kwShortEnd[i>>6] |= 1 << (i & 63)
				}
			}
		}
	}
	n := 0
	for h := range buckets {
		kwBucket[h] = uint8(n)
		for _, k := range buckets[h] {
			kwCands[n] = newKwCand(k)
			n++
		}
	}
	kwBucket[len(buckets)] = uint8(n)
}

// caseForms returns the bytes that fold to lower-case byte c.
func caseForms(c int) []int {
	if c >= 'a' && c <= 'z' {
		return []int{c, c - 'a' + 'A'}
	}
	return []int{c}
}

// matchEnding returns the longest keyword whose last byte is b[p].
//
// The eight bytes ending at p are one word, zero before the start of b
// (no keyword holds a zero byte); each candidate of a bucket is compared
// with it whole, and the longer keywords then a word at a time. The
// loop does the common case only, so that it calls nothing and keeps its
// values in registers: a keyword longer than eight bytes and a p outside
// b or within eight bytes of the start of a short b go on in kwSearch,
// and the keywords of two and three bytes in matchShort.
func matchEnding(b []byte, p int) *keyword {
	var w uint64
	switch {
	case p >= 7 && p < len(b):
		w = binary.LittleEndian.Uint64(b[p-7 : p+1])
	case p >= 0 && p < len(b) && len(b) >= 8:
		w = binary.LittleEndian.Uint64(b) << (8 * (7 - p))
	default:
		return matchNearStart(b, p)
	}
	h := kwBucketOf4(w)
	for i := kwBucket[h]; i < kwBucket[h+1]; i++ {
		c := &kwCands[i]
		if (w^c.tail)&c.mask != 0 {
			continue
		}
		if c.words != 0 {
			return kwSearch(b, p, w, i, kwBucket[h+1])
		}
		if kwBoundary(b, c.k, p+1-int(c.n)) {
			return c.k
		}
	}
	if i := uint(w >> 48); kwShortEnd[i>>6]&(1<<(i&63)) != 0 {
		return matchShort(b, p, w)
	}
	return nil
}

// matchNearStart is matchEnding for a b of fewer than eight bytes, and
// for a p outside b.
func matchNearStart(b []byte, p int) *keyword {
	if p < 0 || p >= len(b) {
		return nil
	}
	var pad [8]byte
	copy(pad[7-p:], b[:p+1])
	w := binary.LittleEndian.Uint64(pad[:])
	h := kwBucketOf4(w)
	return kwSearch(b, p, w, kwBucket[h], kwBucket[h+1])
}

// kwSearch returns the first keyword that ends at p among the candidates
// kwCands[from:to], then among the short keywords; w holds the eight
// bytes that end at p.
func kwSearch(b []byte, p int, w uint64, from, to uint8) *keyword {
	for i := from; i < to; i++ {
		c := &kwCands[i]
		if (w^c.tail)&c.mask != 0 {
			continue
		}
		q := p + 1 - int(c.n)
		if c.words != 0 && !kwWordsEqual(b, q, c) {
			continue
		}
		if kwBoundary(b, c.k, q) {
			return c.k
		}
	}
	if i := uint(w >> 48); kwShortEnd[i>>6]&(1<<(i&63)) != 0 {
		return matchShort(b, p, w)
	}
	return nil
}

// cvvMatch is the CVV keyword that matchEnding finds at p, nil if it
// finds none or one of another kind; cvvKeywordBefore asks it after every
// connector. Only the CVV keywords that end in the byte at p are
// compared, longest first, and the matching ends there: no keyword of
// another kind ends in a CVV keyword (TestCVVKeywords), so where a CVV
// keyword ends at p, the longest keyword matchEnding finds there is that
// one or a longer CVV keyword.
func cvvMatch(b []byte, p int) *keyword {
	if p < 7 || p >= len(b) {
		if k := matchEnding(b, p); k != nil && k.kind == kwCVV {
			return k
		}
		return nil
	}
	w := binary.LittleEndian.Uint64(b[p-7 : p+1])
	last := lowerTab[b[p]]
	// The loop is kwSearch's, written out again: shared as a function,
	// which Go does not inline, it cost the 8 MB corpus 0.15% more
	// instructions and a card and its code every 25 bytes 1.5%.
	for i := cvvFirst[last]; i < cvvFirst[int(last)+1]; i++ {
		c := &cvvCands[i]
		if (w^c.tail)&c.mask != 0 {
			continue
		}
		q := p + 1 - int(c.n)
		if c.words != 0 && !kwWordsEqual(b, q, c) {
			continue
		}
		if kwBoundary(b, c.k, q) {
			return c.k
		}
	}
	return nil
}

// cvvCands are the CVV keywords as matchEnding's candidates, in buckets
// by their last byte: those that end in byte c are
// cvvCands[cvvFirst[c]:cvvFirst[c+1]], longest first.
var (
	cvvCands []kwCand
	cvvFirst [257]uint8
)

func buildCVVCands() {
	var by [256][]kwCand
	for _, c := range kwCands[:kwBucket[kwBuckets]] {
		if c.k.kind == kwCVV {
			last := c.k.text[c.n-1]
			by[last] = append(by[last], c)
		}
	}
	for last := range by {
		sort.SliceStable(by[last], func(i, j int) bool { return by[last][i].n > by[last][j].n })
		cvvFirst[last] = uint8(len(cvvCands))
		cvvCands = append(cvvCands, by[last]...)
	}
	cvvFirst[256] = uint8(len(cvvCands))
}

// kwWordsEqual reports whether the words of c's keyword besides its last
// eight bytes stand at b[q:].
func kwWordsEqual(b []byte, q int, c *kwCand) bool {
	if q < 0 {
		return false
	}
	for _, x := range kwWords[c.first : int(c.first)+int(c.words)] {
		if (binary.LittleEndian.Uint64(b[q+x.off:])^x.x)&x.mask != 0 {
			return false
		}
	}
	return true
}

// matchShort returns the keyword of three or else two bytes that ends at
// p, w being the eight bytes that end there.
func matchShort(b []byte, p int, w uint64) *keyword {
	h := kwBucketOf3(w)
	for i := kwBucket[h]; i < kwBucket[h+1]; i++ {
		if c := &kwCands[i]; (w^c.tail)&c.mask == 0 && kwBoundary(b, c.k, p-2) {
			return c.k
		}
	}
	h = kwBucketOf2(w)
	for i := kwBucket[h]; i < kwBucket[h+1]; i++ {
		if c := &kwCands[i]; (w^c.tail)&c.mask == 0 && kwBoundary(b, c.k, p-1) {
			return c.k
		}
	}
	return nil
}

// kwBoundary reports whether keyword k, found at b[q:], stands on its
// own: "discard" is not "card"; "creditCard" is.
func kwBoundary(b []byte, k *keyword, q int) bool {
	return !k.alpha || q == 0 || !isLetter(b[q-1]) || isUpper(b[q]) && !isUpper(b[q-1])
}

// kwWindow is how far before a candidate the keyword search looks: about
// twenty Chinese characters or sixty ASCII ones.
const kwWindow = 64

// context is the nearest keyword before a candidate.
type context struct {
	kw *keyword
	// sameLine is false when a line break stands between the keyword and
	// the candidate. Negative keywords count only on the same line: in a
	// chat, "please cancel the order" on one line says nothing about the
	// card number typed on the next.
	sameLine bool
}

func (c context) kind() kwKind {
	if c.kw == nil {
		return kwNone
	}
	if c.kw.kind.negative() && !c.sameLine {
		return kwNone
	}
	return c.kw.kind
}

// keywordBefore finds the nearest keyword ending before start, within
// kwWindow bytes, stopping at a digit (another number stands between).
//
// Most bytes are neither a stop nor the end of a keyword: one look-up of
// the byte pair ending at p (kwPairAny, raw bytes, case folded when the
// table was built) passes over them. A pair that ends a keyword
// (kwPairEnd) goes to matchEnding, whose bucket look-up is the next
// filter: a filter of its own here (the last three bytes, or the bucket
// looked up in this loop) cost more than the calls it saved, because
// every value this loop keeps is then spilled around the call.
func keywordBefore(b []byte, start int) context {
	c := context{sameLine: true}
	if start < 2 {
		if start == 1 && b[0] == '\n' {
			c.sameLine = false
		}
		return c
	}
	lim := max(start-kwWindow, 1)
	// w[k] is b[lim-1+k]: the pairs ending at lim to start-1, indexed so
	// that the compiler sees every read in bounds.
	w := b[lim-1 : start : start]
	k := len(w) - 1
	for ; k >= 1; k-- {
		i := uint(binary.LittleEndian.Uint16(w[k-1 : k+1]))
		if kwPairAny[i>>6]>>(i&63)&1 == 0 {
			continue
		}
		p := lim - 1 + k
		x := w[k]
		if kwPairEnd[i>>6]&(1<<(i&63)) != 0 {
			if kw := matchEnding(b, p); kw != nil {
				c.kw = kw
				return c
			}
		}
		if kwStop[x] {
			if x == '\n' {
				c.sameLine = false
			} else if k >= 4 && !kwHasU(binary.LittleEndian.Uint32(w[k-4:k])) || escapeEnd(b, p) == 0 {
				return c // a digit, not of a \uXXXX escape
			}
		}
	}
	if lim == 1 && start <= kwWindow && b[0] == '\n' {
		// No keyword ends at the first byte; a line break still counts.
		c.sameLine = false
	}
	return c
}

// kwPairEnd is kwEnd2 by raw bytes: bit kwPair(y, z) is set when y, z
// with ASCII capitals folded are the last two bytes of a keyword. kwPairAny
// adds every pair whose second byte is a stop byte (kwStop).
var kwPairEnd, kwPairAny [256 * 256 / 64]uint64

// kwPair is the index of the pair y, z in kwPairEnd and kwPairAny: the
// two bytes read as one little-endian word.
func kwPair(y, z int) int { return z<<8 | y }

func init() {
	set := func(t *[256 * 256 / 64]uint64, y, z int) { i := kwPair(y, z); t[i>>6] |= 1 << (i & 63) }
	// Every case of each pair of kwEnd2 (lower case there).
	for w, bits := range kwEnd2 {
		for ; bits != 0; bits &= bits - 1 {
			j := w<<6 | mbits.TrailingZeros64(bits)
			for _, y := range caseForms(j >> 8) {
				for _, z := range caseForms(j & 255) {
					set(&kwPairEnd, y, z)
					set(&kwPairAny, y, z)
				}
			}
		}
	}
	for z := range 256 {
		if kwStop[z] {
			for y := range 256 {
				set(&kwPairAny, y, z)
			}
		}
	}
}

// kwHasU reports whether one of the four bytes of x is 'u'. A digit is
// of a \uXXXX escape only if one of the four bytes before it is, so
// without one escapeEnd need not look.
func kwHasU(x uint32) bool {
	x ^= 0x75757575 // 'u' becomes zero
	return (x-0x01010101)&^x&0x80808080 != 0
}

// kwStop marks the bytes the backward keyword search stops to look at: a
// line break, and digits.
var kwStop = func() (t [256]bool) {
	t['\n'] = true
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	return t
}()
