package httpapi

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"custos.dev/custos"
	"custos.dev/custos/policy"
)

// decodeDecisionRequest decodes the body of POST /v1/decisions into *dst, which it replaces.
// It exists because encoding/json's reflection was most of the server's time on batches of
// 10,000 questions; it knows the one shape a decision request has and reads it in a single
// pass over data without reflection.
//
// Contract: it accepts exactly the bodies DecodeStrict(data, &req) accepts for a
// decisionRequest and then fills *dst exactly as DecodeStrict fills a zero request. That
// includes encoding/json's less obvious habits, on purpose, so that switching decoders
// changes no answer:
//   - keys match field names exactly or else case-insensitively with Unicode simple folding
//     ("CATEGORY", "ſtate" with U+017F), after unescaping;
//   - a duplicate key is decoded into what the earlier one left: scalars are replaced,
//     objects merged key by key, arrays decoded element by element into the existing slice
//     (a shorter array truncates it; a longer one re-exposes elements an even earlier array
//     left in the backing array, as reflect's SetLen does);
//   - null sets the question pointer and the arrays to nil and leaves strings, booleans,
//     objects and array elements as they were; [] gives an empty, non-nil slice;
//   - invalid UTF-8 in strings becomes U+FFFD byte by byte, \u escapes are decoded with
//     surrogate pairs, and a lone or mismatched surrogate becomes U+FFFD.
//
// Errors are *custos.Error of kind KindInvalid, and *dst is left zero. Where a body has more
// than one problem, this reports the first in document order; encoding/json checks the
// whole syntax before looking at types, so on such bodies the two may give different
// messages, but never a different verdict. Messages name JSON paths
// ("questions[3].subject.consents[0].purpose") and keys, never values, which may be
// personal information.
//
// The strings it returns share a few larger allocations (see decoder.alloc), so one string
// kept after the request keeps at most one such chunk alive.
func decodeDecisionRequest(data []byte, dst *decisionRequest) error {
	*dst = decisionRequest{}
	if len(bytes.TrimSpace(data)) == 0 {
		return custos.Errorf(custos.KindInvalid, "empty body: want a JSON object")
	}
	d := decoder{data: data, known: knownStrings()}
	if d.request(dst) && d.end() {
		return nil
	}
	*dst = decisionRequest{}
	return d.err
}

// The field names of each object, in the order of the struct's fields.
var (
	requestFields = fieldSet{"question", "questions"}
	factsFields   = fieldSet{"actor", "subject", "category", "purpose"}
	actorFields   = fieldSet{"role", "tenant", "location", "grants"}
	grantFields   = fieldSet{"tenant", "category"}
	subjectFields = fieldSet{"tenant", "state", "minor", "under_14", "guardian_consent", "real_name_verified", "consents"}
	consentFields = fieldSet{"purpose", "category", "separate"}
)

// fieldSet is the JSON names of one struct's fields.
type fieldSet []string

// match finds the field a key names the way encoding/json does: an exact match first, then
// bytes.EqualFold, which folds exactly as encoding/json's foldName does. It returns -1 for
// an unknown key.
func (fs fieldSet) match(key []byte) int {
	for i, name := range fs {
		if string(key) == name {
			return i
		}
	}
	for i, name := range fs {
		if bytes.EqualFold(key, []byte(name)) {
			return i
		}
	}
	return -1
}

// plain marks the bytes a string can hold as they are: printable ASCII other than the quote
// and the backslash. Anything else sends a string to the careful path.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// special8 has the high bit of a byte of the result set for the first byte of x (little
// endian) that plain does not cover: a quote, a backslash, a control character or a byte of
// 0x80 or above; bytes after that one may be flagged falsely, which the caller ignores. The
// tests for a byte equal to zero or below 0x20 are the classic ones ("determine if a word
// has a byte less than n"): a borrow can only carry upwards, from a byte that really is
// special.
func special8(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	return ((q-ones)&^q | (b-ones)&^b | (x-ones*0x20)&^x | x) & highs
}

// segment is one step of the JSON path to the value being decoded: a key, or an index when
// index >= 0.
type segment struct {
	name  string
	index int
}

// decoder is the state of one decodeDecisionRequest call. Every method that can fail
// returns false after setting err, and the callers return at once: the first problem is the
// one reported.
type decoder struct {
	data  []byte
	pos   int
	err   *custos.Error
	known *internTable

	path  [8]segment // deepest: questions[i].subject.consents[j]
	depth int

	buf []byte // unescaped string contents, reused

	// Strings not known in advance are copied into arena, a chunk of up to 64 KiB, so that
	// a batch costs a few allocations rather than one per string.
	arena      strings.Builder
	arenaChunk int
	lastTenant string

	// Grants and consents are decoded into scratch and then copied into a slab shared by
	// all questions, for the same reason.
	grantScratch   []policy.GrantFacts
	grantSlab      []policy.GrantFacts
	consentScratch []policy.ConsentFacts
	consentSlab    []policy.ConsentFacts
}

// cur is the byte at pos, or 0 (never valid here) at the end of data, which the syntax
// error then reports as truncation.
func (d *decoder) cur() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// end checks that only whitespace follows the value, as DecodeStrict's trailing-data check
// does.
func (d *decoder) end() bool {
	d.ws()
	if d.pos < len(d.data) {
		d.err = custos.Errorf(custos.KindInvalid, "trailing data after the JSON value")
		return false
	}
	return true
}

// syntax reports bad input at byte i. The byte count is 1-based like encoding/json's
// SyntaxError.Offset, so both decoders point at the same byte.
func (d *decoder) syntax(i int) bool {
	if i >= len(d.data) {
		d.err = custos.Errorf(custos.KindInvalid, "truncated JSON at byte %d", len(d.data))
	} else {
		d.err = custos.Errorf(custos.KindInvalid, "malformed JSON at byte %d", i+1)
	}
	return false
}

func (d *decoder) push(name string) {
	d.path[d.depth] = segment{name: name, index: -1}
	d.depth++
}

func (d *decoder) pop() { d.depth-- }

// pathTo renders the path to leaf (a key; "" for the value at the current path itself).
// It is built only for errors, so decoding pays for the path no more than a few stores.
func (d *decoder) pathTo(leaf string) string {
	var b strings.Builder
	for _, s := range d.path[:d.depth] {
		if s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
	}
	if leaf != "" {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(leaf)
	}
	if b.Len() == 0 {
		return "(body)" // what DecodeStrict calls the top-level value
	}
	return b.String()
}

// wrongType reports a value of the wrong JSON type at leaf. The value's own syntax is
// checked first where that is cheap, so that a malformed token is called malformed; its
// content never reaches the message.
func (d *decoder) wrongType(leaf, want string) bool {
	var got string
	switch c := d.cur(); {
	case c == '{':
		got = "object"
	case c == '[':
		got = "array"
	case c == '"':
		if _, ok := d.stringBytes(); !ok {
			return false
		}
		got = "string"
	case c == 't':
		if !d.literal("true") {
			return false
		}
		got = "bool"
	case c == 'f':
		if !d.literal("false") {
			return false
		}
		got = "bool"
	case c == '-' || '0' <= c && c <= '9':
		if !d.number() {
			return false
		}
		got = "number"
	default:
		return d.syntax(d.pos)
	}
	// A scalar must end where a value may end: "01" or "truex" is malformed, not a number
	// or a boolean.
	if c := d.cur(); got != "object" && got != "array" && d.pos < len(d.data) &&
		c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' && c != '}' && c != ']' {
		return d.syntax(d.pos)
	}
	d.err = custos.FieldError(custos.KindInvalid, d.pathTo(leaf), "want "+want+", got JSON "+got)
	return false
}

func (d *decoder) unknown(key []byte) bool {
	d.err = custos.FieldError(custos.KindInvalid, d.pathTo(string(key)), "unknown field")
	return false
}

// literal consumes word (true, false or null).
func (d *decoder) literal(word string) bool {
	for i := 0; i < len(word); i++ {
		if d.pos+i >= len(d.data) || d.data[d.pos+i] != word[i] {
			return d.syntax(d.pos + i)
		}
	}
	d.pos += len(word)
	return true
}

// number consumes a JSON number. No field takes one, but a well-formed number is a type
// error and a malformed one a syntax error.
func (d *decoder) number() bool {
	data, i := d.data, d.pos
	digits := func() bool {
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return d.syntax(i)
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		return true
	}
	if data[i] == '-' {
		i++
	}
	if i < len(data) && data[i] == '0' {
		i++
	} else if !digits() {
		return false
	}
	if i < len(data) && data[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	d.pos = i
	return true
}

// stringBytes consumes the string at pos and returns its contents unescaped. The result
// aliases data or d.buf, so it is good until the next string is read.
func (d *decoder) stringBytes() ([]byte, bool) {
	data := d.data
	start := d.pos + 1
	i := start
	// Eight bytes at a time while none is special: most strings here are names a few
	// dozen bytes long, and this loop is where the decoder spends most of its time.
	for {
		if i+8 > len(data) {
			for i < len(data) && plain[data[i]] {
				i++
			}
			break
		}
		if m := special8(binary.LittleEndian.Uint64(data[i:])); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			break
		}
		i += 8
	}
	if i < len(data) && data[i] == '"' {
		d.pos = i + 1
		return data[start:i], true
	}
	return d.stringSlow(start, i)
}

// stringSlow finishes a string that has escapes, control characters or non-ASCII bytes from
// i on, doing what encoding/json's scanner and unquote do between them.
func (d *decoder) stringSlow(start, i int) ([]byte, bool) {
	data := d.data
	buf := append(d.buf[:0], data[start:i]...)
	for {
		if i >= len(data) {
			return nil, d.syntax(i)
		}
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.buf = buf
			return buf, true
		case c == '\\':
			if i+1 >= len(data) {
				return nil, d.syntax(i + 1)
			}
			switch e := data[i+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, bad := hex4(data, i+2)
				if bad >= 0 {
					return nil, d.syntax(bad)
				}
				i += 6
				if utf16.IsSurrogate(r) {
					// A pair only if a second well-formed escape follows; otherwise the
					// first half alone becomes U+FFFD and the next escape is read on its own.
					r2, bad := hex4(data, i+2)
					if bad >= 0 || i+1 >= len(data) || data[i] != '\\' || data[i+1] != 'u' {
						r2 = -1
					}
					if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
						r = dec
						i += 6
					} else {
						r = unicode.ReplacementChar
					}
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				return nil, d.syntax(i + 1)
			}
			i += 2
		case c < 0x20:
			return nil, d.syntax(i)
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			// A quote or backslash cannot continue a UTF-8 sequence, so decoding from i
			// never reads past the end of the string.
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				buf = utf8.AppendRune(buf, utf8.RuneError)
			} else {
				buf = append(buf, data[i:i+size]...)
			}
			i += size
		}
	}
}

// hex4 reads the four hex digits at data[i:]. bad is the position of the first byte that is
// not a hex digit (possibly the end of data), or -1.
func hex4(data []byte, i int) (r rune, bad int) {
	for j := i; j < i+4; j++ {
		if j >= len(data) {
			return 0, j
		}
		c := data[j]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, j
		}
		r = r<<4 | rune(c)
	}
	return r, -1
}

// nextKey reads the next key of an object and the colon after it. It returns false at the
// end of the object or on error (d.err says which). first is whether no key has been read
// yet, when '}' may come without a ','.
func (d *decoder) nextKey(first bool) ([]byte, bool) {
	d.ws()
	c := d.cur()
	switch {
	case c == '}':
		d.pos++
		return nil, false
	case first:
	case c == ',':
		d.pos++
		d.ws()
		c = d.cur()
	default:
		return nil, d.syntax(d.pos)
	}
	if c != '"' {
		return nil, d.syntax(d.pos)
	}
	key, ok := d.stringBytes()
	if !ok {
		return nil, false
	}
	d.ws()
	if d.cur() != ':' {
		return nil, d.syntax(d.pos)
	}
	d.pos++
	d.ws()
	return key, true
}

// objectValue starts a value that must be an object. At '{' it consumes the brace and
// reports open; null is consumed and leaves the destination as it was, like encoding/json;
// anything else is a type error at leaf.
func (d *decoder) objectValue(leaf string) (open, ok bool) {
	switch d.cur() {
	case '{':
		d.pos++
		return true, true
	case 'n':
		return false, d.literal("null")
	}
	return false, d.wrongType(leaf, "an object")
}

// arrayValue is objectValue for arrays, except that null is left for the caller to apply
// (it sets a slice to nil).
func (d *decoder) arrayValue(leaf string) (open, isNull, ok bool) {
	switch d.cur() {
	case '[':
		d.pos++
		return true, false, true
	case 'n':
		return false, true, d.literal("null")
	}
	return false, false, d.wrongType(leaf, "an array")
}

// elements calls each for every element of the array whose '[' was just consumed, with pos
// at the element. The path's last segment is the element's index.
func (d *decoder) elements(each func(i int) bool) bool {
	d.path[d.depth] = segment{index: 0}
	d.depth++
	for i := 0; ; i++ {
		d.ws()
		if i == 0 && d.cur() == ']' {
			d.pos++
			break
		}
		d.path[d.depth-1].index = i
		if !each(i) {
			return false
		}
		d.ws()
		if c := d.cur(); c == ']' {
			d.pos++
			break
		} else if c != ',' {
			return d.syntax(d.pos)
		}
		d.pos++
	}
	d.depth--
	return true
}

// mergeArray decodes an array into a slice that already has a backing array, which only a
// duplicate key can cause, exactly as encoding/json's array does: decode into existing
// elements, extend within the capacity (re-exposing old elements), grow by one, truncate at
// the end, and make [] a fresh empty slice.
func mergeArray[T any](d *decoder, s []T, elem func(*decoder, *T) bool) ([]T, bool) {
	i := 0
	ok := d.elements(func(int) bool {
		if i >= cap(s) {
			s = slices.Grow(s, 1)
		}
		if i >= len(s) {
			s = s[:i+1]
		}
		i++
		return elem(d, &s[i-1])
	})
	if !ok {
		return nil, false
	}
	if i < len(s) {
		s = s[:i]
	}
	if i == 0 {
		s = []T{}
	}
	return s, true
}

// carve copies src into the slab and returns the copy, with its capacity cut to its length
// so that an append by a later user cannot overwrite the next question's elements. Slabs
// double from 16 elements up to 1024, so small requests stay small.
func carve[T any](slab *[]T, src []T) []T {
	if len(src) == 0 {
		return []T{}
	}
	if cap(*slab)-len(*slab) < len(src) {
		size := min(max(2*cap(*slab), 16), 1024)
		*slab = make([]T, 0, max(size, len(src)))
	}
	n := len(*slab)
	*slab = append(*slab, src...)
	return (*slab)[n:len(*slab):len(*slab)]
}

func (d *decoder) request(r *decisionRequest) bool {
	d.ws()
	if open, ok := d.objectValue(""); !open {
		return ok // null decodes to the zero request, as encoding/json leaves it
	}
	for first := true; ; first = false {
		key, more := d.nextKey(first)
		if !more {
			return d.err == nil
		}
		var ok bool
		switch requestFields.match(key) {
		case 0:
			switch d.cur() {
			case '{':
				// A repeated "question" decodes into the same Facts, as encoding/json reuses
				// a non-nil pointer.
				if r.Question == nil {
					r.Question = new(policy.Facts)
				}
				d.pos++
				d.push("question")
				ok = d.facts(r.Question)
				d.pop()
			case 'n':
				ok = d.literal("null")
				r.Question = nil
			default:
				ok = d.wrongType("question", "an object")
			}
		case 1:
			ok = d.questions(&r.Questions)
		default:
			return d.unknown(key)
		}
		if !ok {
			return false
		}
	}
}

func (d *decoder) questions(dst *[]policy.Facts) bool {
	open, isNull, ok := d.arrayValue("questions")
	if !open {
		if isNull && ok {
			*dst = nil
		}
		return ok
	}
	d.push("questions")
	defer d.pop()
	if cap(*dst) > 0 {
		*dst, ok = mergeArray(d, *dst, (*decoder).factsElem)
		return ok
	}
	// The first array for the key: decode straight into a slice sized after the first
	// element(s). Questions of one batch are alike in size, so the body's length over theirs,
	// plus an eighth for questions a little shorter, is a count that costs no counting pass
	// and spares a large batch the copies of growing by doubling. MaxBatch bounds what a
	// body of tiny questions can make it reserve; beyond the estimate, append's growth.
	start := d.pos
	estimated := false
	var qs []policy.Facts
	ok = d.elements(func(i int) bool {
		if i == cap(qs) {
			n := 1
			if i > 0 && !estimated {
				estimated = true
				est := (len(d.data) - start) * i / max(d.pos-start, 1)
				n = max(min(est+est/8+1, MaxBatch)-i, 1)
			}
			qs = slices.Grow(qs, n)
		}
		qs = qs[:i+1]
		return d.factsElem(&qs[i])
	})
	if !ok {
		return false
	}
	if qs == nil {
		qs = []policy.Facts{}
	}
	*dst = qs
	return true
}

// factsElem decodes one element of questions: null leaves the element as it was.
func (d *decoder) factsElem(f *policy.Facts) bool {
	if open, ok := d.objectValue(""); !open {
		return ok
	}
	return d.facts(f)
}

// facts decodes the members of a question, its '{' consumed.
func (d *decoder) facts(f *policy.Facts) bool {
	for first := true; ; first = false {
		key, more := d.nextKey(first)
		if !more {
			return d.err == nil
		}
		var ok bool
		switch factsFields.match(key) {
		case 0:
			var open bool
			if open, ok = d.objectValue("actor"); open {
				d.push("actor")
				ok = d.actor(&f.Actor)
				d.pop()
			}
		case 1:
			var open bool
			if open, ok = d.objectValue("subject"); open {
				d.push("subject")
				ok = d.subject(&f.Subject)
				d.pop()
			}
		case 2:
			ok = d.str(&f.Category, "category", true)
		case 3:
			ok = d.str(&f.Purpose, "purpose", true)
		default:
			return d.unknown(key)
		}
		if !ok {
			return false
		}
	}
}

func (d *decoder) actor(a *policy.ActorFacts) bool {
	for first := true; ; first = false {
		key, more := d.nextKey(first)
		if !more {
			return d.err == nil
		}
		var ok bool
		switch actorFields.match(key) {
		case 0:
			ok = d.str(&a.Role, "role", true)
		case 1:
			ok = d.str(&a.Tenant, "tenant", false)
		case 2:
			ok = d.str(&a.Location, "location", true)
		case 3:
			ok = d.grants(&a.Grants)
		default:
			return d.unknown(key)
		}
		if !ok {
			return false
		}
	}
}

func (d *decoder) grants(dst *[]policy.GrantFacts) bool {
	open, isNull, ok := d.arrayValue("grants")
	if !open {
		if isNull && ok {
			*dst = nil
		}
		return ok
	}
	d.push("grants")
	defer d.pop()
	if cap(*dst) > 0 {
		*dst, ok = mergeArray(d, *dst, (*decoder).grantElem)
		return ok
	}
	sc := d.grantScratch[:0]
	ok = d.elements(func(int) bool {
		sc = append(sc, policy.GrantFacts{})
		return d.grantElem(&sc[len(sc)-1])
	})
	d.grantScratch = sc[:0]
	if ok {
		*dst = carve(&d.grantSlab, sc)
	}
	return ok
}

func (d *decoder) grantElem(g *policy.GrantFacts) bool {
	if open, ok := d.objectValue(""); !open {
		return ok
	}
	for first := true; ; first = false {
		key, more := d.nextKey(first)
		if !more {
			return d.err == nil
		}
		var ok bool
		switch grantFields.match(key) {
		case 0:
			ok = d.str(&g.Tenant, "tenant", false)
		case 1:
			ok = d.str(&g.Category, "category", true)
		default:
			return d.unknown(key)
		}
		if !ok {
			return false
		}
	}
}

func (d *decoder) subject(s *policy.SubjectFacts) bool {
	for first := true; ; first = false {
		key, more := d.nextKey(first)
		if !more {
			return d.err == nil
		}
		var ok bool
		switch subjectFields.match(key) {
		case 0:
			ok = d.str(&s.Tenant, "tenant", false)
		case 1:
			ok = d.str(&s.State, "state", true)
		case 2:
			ok = d.boolean(&s.Minor, "minor")
		case 3:
			ok = d.boolean(&s.Under14, "under_14")
		case 4:
			ok = d.boolean(&s.GuardianConsent, "guardian_consent")
		case 5:
			ok = d.boolean(&s.RealNameVerified, "real_name_verified")
		case 6:
			ok = d.consents(&s.Consents)
		default:
			return d.unknown(key)
		}
		if !ok {
			return false
		}
	}
}

func (d *decoder) consents(dst *[]policy.ConsentFacts) bool {
	open, isNull, ok := d.arrayValue("consents")
	if !open {
		if isNull && ok {
			*dst = nil
		}
		return ok
	}
	d.push("consents")
	defer d.pop()
	if cap(*dst) > 0 {
		*dst, ok = mergeArray(d, *dst, (*decoder).consentElem)
		return ok
	}
	sc := d.consentScratch[:0]
	ok = d.elements(func(int) bool {
		sc = append(sc, policy.ConsentFacts{})
		return d.consentElem(&sc[len(sc)-1])
	})
	d.consentScratch = sc[:0]
	if ok {
		*dst = carve(&d.consentSlab, sc)
	}
	return ok
}

func (d *decoder) consentElem(c *policy.ConsentFacts) bool {
	if open, ok := d.objectValue(""); !open {
		return ok
	}
	for first := true; ; first = false {
		key, more := d.nextKey(first)
		if !more {
			return d.err == nil
		}
		var ok bool
		switch consentFields.match(key) {
		case 0:
			ok = d.str(&c.Purpose, "purpose", true)
		case 1:
			ok = d.str(&c.Category, "category", true)
		case 2:
			ok = d.boolean(&c.Separate, "separate")
		default:
			return d.unknown(key)
		}
		if !ok {
			return false
		}
	}
}

// str decodes a string field; null leaves it as it was. names is for makeString.
func (d *decoder) str(dst *string, leaf string, names bool) bool {
	switch d.cur() {
	case '"':
		b, ok := d.stringBytes()
		if !ok {
			return false
		}
		*dst = d.makeString(b, names)
		return true
	case 'n':
		return d.literal("null")
	}
	return d.wrongType(leaf, "a string")
}

// boolean decodes a boolean field; null leaves it as it was.
func (d *decoder) boolean(dst *bool, leaf string) bool {
	switch d.cur() {
	case 't':
		*dst = true // on error the whole request is dropped, so setting early is harmless
		return d.literal("true")
	case 'f':
		*dst = false
		return d.literal("false")
	case 'n':
		return d.literal("null")
	}
	return d.wrongType(leaf, "a boolean")
}

// makeString returns b as a string. A field that holds names (names) takes a known name
// from the intern table; other fields hold tenants, which are nobody's to know in advance
// but repeat within a question (actor, grant, subject) and often across a batch, so the
// last one made is reused. Anything else is copied into the arena.
func (d *decoder) makeString(b []byte, names bool) string {
	switch {
	case len(b) == 0:
		return ""
	case names:
		if s, ok := d.known.lookup(b); ok {
			return s
		}
		return d.alloc(b)
	case string(b) == d.lastTenant:
		return d.lastTenant
	}
	d.lastTenant = d.alloc(b)
	return d.lastTenant
}

// alloc copies b into the arena. The arena is a strings.Builder because a Builder never
// rewrites bytes it has handed out through String, so substrings of one chunk stay valid
// while later strings are appended behind them; when a chunk is full a new one is started
// and the old one lives on in the strings that use it. Chunks double from 512 bytes to 64
// KiB, so a small request allocates little; a long string, which no known field expects,
// gets an allocation of its own rather than wasting the rest of a chunk.
func (d *decoder) alloc(b []byte) string {
	if len(b) > d.arena.Cap()-d.arena.Len() {
		if len(b) > 256 {
			return string(b)
		}
		d.arenaChunk = min(max(2*d.arenaChunk, 512), 64<<10)
		d.arena.Reset()
		d.arena.Grow(d.arenaChunk)
	}
	n := d.arena.Len()
	d.arena.Write(b)
	return d.arena.String()[n:]
}

// internTable is the names a decision request usually carries (roles, states, locations,
// and the default policy's categories and purposes) in an open-addressing hash table
// small enough to stay in cache. It is read-only once built, so concurrent requests share
// it.
type internTable struct {
	slots [internSlots]string
}

// internSlots is room for four times the default policy's fifty-odd names, so a lookup is
// mostly one comparison; knownStrings never fills more than half.
const internSlots = 256

// internHash mixes a name's length and three of its bytes: the known names differ in
// those, and hashing every byte would cost more than the comparison it saves.
func internHash(b []byte) uint32 {
	n := len(b)
	h := uint32(n) | uint32(b[0])<<8 | uint32(b[n/2])<<16 | uint32(b[n-1])<<24
	return (h * 0x9E3779B1) >> 24 // the top 8 bits: internSlots == 256
}

// lookup returns the known string equal to b, which must not be empty.
func (t *internTable) lookup(b []byte) (string, bool) {
	for h := internHash(b); ; h = (h + 1) % internSlots {
		s := t.slots[h]
		if s == "" {
			return "", false
		}
		if string(b) == s {
			return s, true
		}
	}
}

func (t *internTable) add(s string) {
	for h := internHash([]byte(s)); ; h = (h + 1) % internSlots {
		switch t.slots[h] {
		case s:
			return
		case "":
			t.slots[h] = s
			return
		}
	}
}

// knownStrings is built on first use rather than at init, so that programs importing this
// package without serving decisions do not compile the default policy for it.
var knownStrings = sync.OnceValue(func() *internTable {
	names := []string{"cn", "abroad"} // the locations policy.Resolve accepts
	for r := policy.Role(1); r.String() != policy.RoleUnknown.String(); r++ {
		names = append(names, r.String())
	}
	for s := policy.State(1); s.String() != policy.StateUnknown.String(); s++ {
		names = append(names, s.String())
	}
	e := policy.Default()
	for _, c := range e.Categories() {
		names = append(names, c.Name)
	}
	for _, p := range e.Purposes() {
		names = append(names, p.Name)
	}
	t := &internTable{}
	for i, s := range names {
		// A lookup stops at an empty slot, so the table must never fill; a policy with
		// more names than that just has some of them allocated.
		if i == internSlots/2 {
			break
		}
		if s != "" {
			t.add(s)
		}
	}
	return t
})
