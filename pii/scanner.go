package pii

import (
	"encoding/binary"
	"math/bits"
	"sync"
)

// Options configure a Scanner. The zero value scans for every type with
// one goroutine.
type Options struct {
	// Types limits the scan to these types; empty means all.
	Types []Type
	// MinConfidence drops findings below it (0 keeps all).
	MinConfidence float32
	// Workers is how many goroutines Scan and ScanReader split a buffer
	// between; 0 or 1 scans on the calling goroutine. Split or not, the
	// findings are the same.
	Workers int
	// ChunkSize is how many bytes ScanReader reads at a time; 0 means
	// 4 MiB. It is raised to at least 64 KiB.
	ChunkSize int
}

// Scanner finds PI in bytes. It is immutable after NewScanner and safe for
// concurrent use.
type Scanner struct {
	enabled   [numTypes]bool
	minConf   float32
	workers   int
	chunkSize int
	// bufs keeps ScanReader's buffers (tailRoom+chunkSize bytes) between
	// calls: allocating and zeroing them for each of many small files
	// cost far more than scanning the files.
	bufs sync.Pool
}

// NewScanner returns a scanner configured by opts.
func NewScanner(opts Options) *Scanner {
	s := &Scanner{minConf: opts.MinConfidence, workers: opts.Workers, chunkSize: opts.ChunkSize}
	if len(opts.Types) == 0 {
		for t := Type(1); t < numTypes; t++ {
			s.enabled[t] = true
		}
	}
	for _, t := range opts.Types {
		if t > 0 && t < numTypes {
			s.enabled[t] = true
		}
	}
	if s.workers < 1 {
		s.workers = 1
	}
	if s.chunkSize == 0 {
		s.chunkSize = 4 << 20
	}
	if s.chunkSize < minChunk {
		s.chunkSize = minChunk
	}
	return s
}

// minChunk is the smallest ScanReader chunk (a variable for tests).
var minChunk = 64 << 10

var defaultScanner = NewScanner(Options{})

// Scan calls fn for every finding in b, in order of offset, on the calling
// goroutine. Findings never overlap.
func (s *Scanner) Scan(b []byte, fn func(Finding)) {
	s.scanRange(b, 0, 0, len(b), 0, fn)
}

// FindAll returns every finding in b, in order of offset.
func (s *Scanner) FindAll(b []byte) []Finding {
	var fs []Finding
	s.Scan(b, func(f Finding) { fs = append(fs, f) })
	return fs
}

// Scan returns every finding in b with the default scanner (all types).
func Scan(b []byte) []Finding { return defaultScanner.FindAll(b) }

// state is one scan over one buffer. Examinations may read around the
// position they start at, but never further than ctxBefore bytes back or
// ctxAfter bytes ahead; that is what lets ScanReader cut a stream anywhere
// and still report exactly what a whole-buffer scan reports.
type state struct {
	b    []byte
	base int64 // offset of b[0] in the stream
	s    *Scanner
	emit func(Finding)
	// lastEnd is where the last finding ended: nothing may start before it.
	lastEnd int
	// [noCardFrom, noCardTo) holds no start of a card number, and
	// cardSeen-1, if cardSeen > 0, starts one (cardNear).
	noCardFrom, noCardTo int
	cardSeen             int
	// grp holds the groups grouped parsed last: a call at the start of
	// their second group takes them on (parseSeq) instead of parsing
	// them again.
	grp seq
	// to is the end of the range the loop examines (set by run): walk
	// goes on to the next group start only before it. The reference loop
	// leaves it 0, and so examines each group start on its own.
	to int
}

const (
	ctxBefore = 1024
	ctxAfter  = 1024
)

// run examines every trigger at positions [i, to) and returns the position
// the loop stopped at (to or just past the last examined token). Where the
// processor can classify bytes in SIMD registers (AVX2 on amd64) it runs
// the block loop (blocks.go), elsewhere the word loop. Both visit what the
// reference loop (fastpath_test.go) would examine, in the same order, and
// step over exactly what it would find nothing in.
func (st *state) run(i, to int) int {
	st.to = to
	if haveSIMD {
		return st.runBlocks(i, to, true)
	}
	return st.runWords(i, to)
}

// runWords is the portable loop. It reads the input eight bytes at a
// time; a word without a digit, ':' or '@' is skipped at once. Most
// triggers in real text are the short digit runs and colons of dates,
// times and counters: these are recognised from the word already in a
// register and passed over without a call; only the rest go to an
// examination. (Classifying all bytes of a word in parallel instead was
// measured slower on the benchmark corpus.)
//
// The loop runs about once for every eight bytes of input, so its
// instructions are counted: the masks' constants are held in registers,
// shifts are by multiples of eight known to be below 64, the loop
// condition proves the loads in bounds, and the loop over a word's events
// (the first digit of each run, ':' and '@') carries nothing from one
// event to the next but the set of those left.
func (st *state) runWords(i, to int) int {
	full := st.b
	b := full[:to]
	zero, at, lo, h := kZero, kAt, kLo7, kHi
	trig, dig := kTrig, kDigit
	for i >= 0 && i < len(b)-7 {
		x := binary.LittleEndian.Uint64(b[i:])
		y, z := x^zero, x^at
		// The high bit of each byte that is a digit, ':' or '@'.
		m := h &^ ((y&lo + trig | y) & (z&lo + lo | z))
		if m == 0 {
			i += 8
			continue
		}
		nd := (y&lo + dig | y) & h // bytes that are not digits
		d := h &^ nd               // digits
		// The events: the first digit of each run, ':' and '@'.
		ev := m &^ (d & (d << 8))
		next := i + 8
		for ; ev != 0; ev &= ev - 1 {
			sh := bits.TrailingZeros64(ev) & 56 // 8 × the event's index in x
			p := i + sh>>3
			c := byte(x >> sh)
			if c-'0' < 10 {
				// The run's length and the byte after it, from the word
				// when the run ends inside it.
				var n int
				var after byte
				if r := nd >> sh; r != 0 {
					e := bits.TrailingZeros64(r) & 56
					n, after = e>>3, byte(x>>((sh+e)&63))
				} else if e := digitsEnd(full, p, 11); e < len(full) {
					n, after = e-p, full[e]
				} else {
					n = e - p
				}
				if n <= 10 {
					var prev, prev2 byte
					if p > 1 {
						prev, prev2 = full[p-1], full[p-2]
					} else if p == 1 {
						prev = full[0]
					}
					// A run before ' ' or '-' is never quiet (it may be the first
					// group of a number, or a date).
					quiet := false
					if after == '-' {
						if n == 4 {
							if e := dateEnd(full, p); e > 0 {
								next = e // "2024-05-19": a date is not PI
								break
							}
						}
					} else if after != ' ' {
						quiet = quietFlat(n, prev, prev2, after)&1 != 0
					}
					if quiet || n <= 4 && skipShortRun(full, p, n) {
						// On to the next event, or to the run's end if it
						// runs past the word.
						next = max(next, p+n)
						continue
					}
				}
				next = st.digits(p)
				break
			}
			if c == ':' {
				if quietColon(full, p) {
					continue
				}
				if e := timeEnd(full, p); e > 0 {
					next = e // "12:34:56": a time is not an address
					break
				}
				next = st.colon(p)
				break
			}
			next = st.at(p)
			break
		}
		i = next
	}
	for i < len(b) {
		switch class[b[i]] {
		case clsDigit:
			if e := dateEnd(full, i); e > 0 {
				i = e
				continue
			}
			i = st.digits(i)
		case clsColon:
			if e := timeEnd(full, i); e > 0 {
				i = e
				continue
			}
			i = st.colon(i)
		case clsAt:
			i = st.at(i)
		default:
			i++
		}
	}
	return i
}

// quietColon reports that no address runs through the colon at p or
// starts at it: JSON's "key":value, "ERROR: ...". It is not before another
// colon, and a hex digit is missing on one side. (The bit rules of the
// block loop strike out the same colons a block at a time.)
func quietColon(b []byte, p int) bool {
	var prev, after byte
	if p > 0 {
		prev = b[p-1]
	}
	if p+1 < len(b) {
		after = b[p+1]
	}
	return after != ':' && (!isHex(after) || !isHex(prev))
}

// afterClass sorts the byte after a short digit run.
const (
	afterDot   = 1 // an IPv4 octet may follow
	afterSep   = 2 // ' ' or '-': a grouped number may follow
	afterColon = 3 // the colon examination decides
)

var afterClass = [256]uint8{'.': afterDot, ' ': afterSep, '-': afterSep, ':': afterColon}

// quietRun reports that a run of n (at most ten) digits, between the
// bytes prev2 prev and after, can start nothing: what digits would
// conclude, without the call. The cases are the common ones of real text:
// counters, the numbers of versions ("Chrome/120.0.0.0") and the hex
// digits of JSON escapes ("\u6211\u624b").
func quietRun(n int, prev, prev2, after byte) bool {
	switch afterClass[after] {
	case afterColon:
		return true // the colon examination decides
	case afterDot:
		// Not an IPv4 address when the run continues a dotted one or
		// follows "Product/" or "name-".
		return n <= 3 && (prev == '.' || (prev == '/' || prev == '-') && isLetter(prev2))
	case afterSep:
		return false // may be the first group of a grouped number
	}
	switch {
	case n <= 2:
		return true
	case n <= 4:
		// A security code needs a keyword or connector before it; inside a
		// word (an escape, an identifier) it needs a boundary after it.
		return quietBefore[prev] || isWord(prev) && (isWord(after) || prev == 'u')
	}
	// Five to ten digits are something only with letters around them
	// (passports, USCC); mobiles and longer numbers have eleven or more.
	return !isWord(prev) && !isWord(after)
}

// quietBefore marks bytes before a three- or four-digit run that rule out
// everything: not part of a word (escapes, letter prefixes), not a
// connector a security-code keyword could stand behind, not the end of
// such a keyword.
var quietBefore = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = !isWord(byte(c)) && !cvvBefore[c]
	}
	return t
}()

// dateEnd returns the end of a date "YYYY-MM-DD" starting at p (the first
// digit of a run), or 0. Nothing in a date is PI, and dates lead every log
// line and chat message, so the loop steps over them whole. The date must
// not run on into more digits or a dotted quad.
//
// A time after the date ("2024-05-19 09:12:31.889", "...T09:12:31Z")
// goes too, fractions included, so a log line's stamp costs one
// examination. With 25 bytes to read, the date and the time are checked
// three words at a time; near the ends of the buffer, byte by byte.
//
// Two thirds of the calls are the common stamp with three digits of
// fraction ("09:12:31.889]"), which the rest of this function would end
// 23 bytes on; the conditions of that answer are folded into one word,
// so that it costs one branch. Most other calls are no date at all.
func dateEnd(b []byte, p int) int {
	if p+25 > len(b) || p < 1 {
		return dateEndShort(b, p)
	}
	x := b[p-1 : p+25]
	x0 := binary.LittleEndian.Uint64(x[1:])
	x1 := binary.LittleEndian.Uint64(x[9:])
	x2 := binary.LittleEndian.Uint64(x[17:])
	nd1, nd2 := nonDigitMask(x1), nonDigitMask(x2)
	// "DDDD-DD-" after a byte that is not a digit.
	const dashes = 0x2d00002d00000000 // bytes 4 and 7
	date := (nonDigitMask(x0) ^ 0x8000008000000000) | (x0&0xff0000ff00000000 ^ dashes) | uint64(digitBit[x[0]])
	// The common stamp: the date, then "DD?HH:MM:SS" (? one of ' ' and
	// 'T', the colon after the hours not looked at), '.' or ',', three
	// digits, and a byte that is not a digit, '.' or ':', nor ' ' or '-'
	// before a digit.
	// ('.' and ',' differ only in bit 1.)
	stamp := date | nd1&0x8080008080008080 | uint64(stampT[byte(x1>>16)]) | ((x2|2<<24)&0xff0000ff ^ ('.'<<24 | ':')) |
		nd2&0x0080808000808000 | uint64(stampEnd[(int(x2>>56)|int(digitBit[x[25]]))&511])
	if stamp == 0 {
		return p + 23
	}
	if date != 0 {
		return 0
	}
	return dateTime(b, p)
}

// dateTime is dateEnd after a date "YYYY-MM-DD" at p, for the stamps
// that are not the common one; p+25 <= len(b). (A function of its own, so
// that dateEnd keeps nothing but its answer across its one branch.)
func dateTime(b []byte, p int) int {
	x := b[p : p+25]
	x1 := binary.LittleEndian.Uint64(x[8:])
	x2 := binary.LittleEndian.Uint64(x[16:])
	nd1, nd2 := nonDigitMask(x1), nonDigitMask(x2)
	// "DD" and a byte that is neither a digit nor '.'.
	if nd1&0x808080 != 0x800000 || byte(x1>>16) == '.' {
		return 0
	}
	e := p + 10
	if c := byte(x1 >> 16); c != ' ' && c != 'T' {
		return e
	}
	// The time as timeEnd(b, e+3) checks it: "DD?DD:DD" from p+11 (the
	// byte at p+13 is not looked at), then what follows at p+19.
	if nd1&0x8080008080000000 != 0 || byte(x2) != ':' || nd2&0x808000 != 0 {
		return e
	}
	t := p + 19
	c := byte(x2 >> 24)
	if (c == '.' || c == ',') && nd2&0x0080808000000000 == 0 && nd2>>63 != 0 {
		// Three digits of fraction and a byte that is not a digit, as
		// dateEnd checks them; what fractionAfter and the checks below
		// would decide otherwise ('.', ':', or ' ' or '-' before a digit)
		// takes the long way.
		switch byte(x2 >> 56) {
		case '.', ':':
		case ' ', '-':
			if !isDigit(x[24]) {
				return p + 23
			}
		default:
			return p + 23
		}
	}
	switch c {
	case ':':
		return e
	case '.':
		if q := digitsEnd(b, t+1, 4); q < len(b) && b[q] == '.' {
			return e
		}
	case ' ', '-':
		if byte(x2>>8) == '8' && byte(x2>>16) == '6' {
			return e
		}
	default:
		if isDigit(c) {
			return e
		}
	}
	return fractionAfter(b, t)
}

// stampT is 0 for the bytes that may stand between a date and its time
// (' ' and 'T'), 1 for others.
var stampT = func() (t [256]uint8) {
	for c := range t {
		if c != ' ' && c != 'T' {
			t[c] = 1
		}
	}
	return t
}()

// stampEnd is 0 where the byte after the three digits of a common
// stamp's fraction ends the stamp, at index c for a byte c (c | 256 when
// a digit follows it): not a digit, '.' or ':', nor ' ' or '-' before a
// digit.
var stampEnd = func() (t [512]uint8) {
	for i := range t {
		c, digit := i&255, i > 255
		if isDigit(byte(c)) || c == '.' || c == ':' || (c == ' ' || c == '-') && digit {
			t[i] = 1
		}
	}
	return t
}()

// dateEndShort is dateEnd byte by byte.
func dateEndShort(b []byte, p int) int {
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
	if b[e] != ' ' && b[e] != 'T' {
		return e
	}
	t := timeEnd(b, e+3)
	if t == 0 {
		return e
	}
	return fractionAfter(b, t)
}

// fractionAfter returns the end of the fraction of seconds after a time
// that ends at t, or t if none follows.
func fractionAfter(b []byte, t int) int {
	if t < len(b) && (b[t] == '.' || b[t] == ',') {
		q := digitsEnd(b, t+1, 10)
		if n := q - (t + 1); n >= 1 && n <= 9 && q < len(b) && fractionEnds(b, q) {
			return q
		}
	}
	return t
}

// fractionEnds reports whether the byte at q can end the fraction of a
// time: not a digit, dot or colon, and not a separator before more digits
// (which could make the fraction the first group of a number).
func fractionEnds(b []byte, q int) bool {
	switch c := b[q]; c {
	case '.', ':':
		return false
	case ' ', '-':
		return q+1 >= len(b) || !isDigit(b[q+1])
	default:
		return !isDigit(c)
	}
}

// timeEnd returns the end of a time "HH:MM:SS" whose first colon is at c,
// or 0. No IPv6 address can be written so (three groups and no "::"); the
// time must not run on into another colon, a dotted quad, or a "86" that
// could prefix a grouped mobile number.
//
// Most calls are at the colons of addresses and ids, not times: the eight
// bytes from c-2 are checked as one word, with one branch, and so is what
// follows the time (the byte after it sorted by timeAfter).
func timeEnd(b []byte, c int) int {
	if c < 2 || c+7 > len(b) {
		return 0
	}
	x := b[c-2 : c+7]
	w := binary.LittleEndian.Uint64(x)
	// Digits at c-2, c-1, c+1, c+2, c+4, c+5 (bytes 0, 1, 3, 4, 6, 7 of
	// w; the byte at c itself is not looked at) and ':' at c+3.
	if nonDigitMask(w)&0x8080008080008080|(w>>40&0xff^':') != 0 {
		return 0
	}
	switch timeAfter[x[8]] {
	case timeOn:
		return 0
	case timeDot:
		if q := digitsEnd(b, c+7, 4); q < len(b) && b[q] == '.' {
			return 0
		}
	case timeSep:
		if w>>48 == '8'|'6'<<8 {
			return 0
		}
	}
	return c + 6
}

// timeAfter sorts the byte after a time for timeEnd.
var timeAfter = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == ':' || isDigit(byte(c)):
			t[c] = timeOn
		case c == '.':
			t[c] = timeDot
		case c == ' ' || c == '-':
			t[c] = timeSep
		}
	}
	return t
}()

const (
	timeEnds = 0 // the time ends here
	timeOn   = 1 // ':' or a digit: not a time
	timeDot  = 2 // '.': a time unless a dotted quad follows
	timeSep  = 3 // ' ' or '-': a time unless "86" ends it (a mobile's prefix)
)

// skipShortRun reports whether the run of n (at most four) digits at p
// can start nothing, judged the way digits would judge it: not an IPv4
// octet, not the first group of a grouped number, and without a
// security-code keyword or connector before it. A run followed by ':' is
// left to the colon.
//
// It is called for about one digit run in ten, with inputs no branch
// predictor can learn, so it decides with as few branches as it can: the
// byte after the run and whether a digit follows that are sorted by one
// table look-up (shortAct), and the security-code test (cvvPossible)
// skips up to two connectors without a loop: each connector shifts the
// eight bytes before the run by one, and the two bytes then on top index
// cvvPair. Near the ends of the buffer, and for runs longer than six
// (which the loops never ask about), it is skipShortRunPlain, and
// TestHelpers holds it to that at every position, for runs of every
// length up to eleven.
func skipShortRun(b []byte, p, n int) bool {
	if p < 8 || p+8 > len(b) || uint(n) > 6 {
		return skipShortRunPlain(b, p, n)
	}
	// The eight bytes before the run, and eight from its start: the byte
	// after the run and the one after that are bytes n and n+1 of v.
	x := b[p-8 : p+8]
	w := binary.LittleEndian.Uint64(x)
	v := binary.LittleEndian.Uint64(x[8:]) >> (8 * n & 63)
	act := shortAct[n][(int(v&255)|int(digitBit[v>>8&255]))&511]
	if act != shortCode {
		if act != shortGroup {
			return act == shortYes
		}
		// A digit follows ' ' or '-': the first group of a number?
		if n == 2 {
			if b[p] == '8' && b[p+1] == '6' {
				return false
			}
		} else if secondGroupFits(n, digitsEnd(b, p+n+1, 12)-(p+n+1)) {
			return false
		}
		if n <= 2 {
			return true
		}
	}
	k := cvvSkip[w>>56]
	if k&cvvWord != 0 {
		return false // a word byte right before the run
	}
	w <<= k & 8
	w <<= cvvSkip[w>>56] & 8
	if cvvSkip[w>>56]&8 != 0 {
		return !cvvPossible(b, p) // three connectors or more
	}
	i := w >> 48
	return cvvPair[i>>6]&(1<<(i&63)) == 0
}

// The answers of shortAct: what skipShortRun answers for a run of a given
// length followed by a given byte and then a digit or not.
const (
	shortCode  = 0 // the byte before and the security-code test decide
	shortYes   = 1 // nothing can start here
	shortNo    = 2 // something may start here (digits decides)
	shortGroup = 3 // ' ' or '-' and a digit: a grouped number may follow
)

// shortAct holds, for a run of length n (0 to 6), at index c for a byte
// c after the run (c | 256 when a digit follows it), the answer.
var shortAct = func() (t [7][512]uint8) {
	for n := range t {
		for i := range t[n] {
			c, digit := i&255, i > 255
			switch {
			case c == ':':
				t[n][i] = shortYes
			case c == '.' && n <= 3:
				t[n][i] = shortNo
			case (c == ' ' || c == '-') && digit:
				t[n][i] = shortGroup
			case n <= 2:
				t[n][i] = shortYes
			default:
				t[n][i] = shortCode
			}
		}
	}
	return t
}()

// digitBit is 256 for digits, 0 for other bytes: the high bit of
// shortAct's index, and a digit test without a branch for dateEnd.
var digitBit = func() (t [256]uint16) {
	for c := '0'; c <= '9'; c++ {
		t[c] = 256
	}
	return t
}()

// skipShortRunPlain is skipShortRun as first written, without tables,
// for every position.
func skipShortRunPlain(b []byte, p, n int) bool {
	var after byte
	if p+n < len(b) {
		after = b[p+n]
	}
	switch after {
	case '.':
		if n <= 3 {
			return false
		}
	case ':':
		return true
	case ' ', '-':
		if q := p + n + 1; q < len(b) && isDigit(b[q]) {
			if n == 2 {
				if b[p] == '8' && b[p+1] == '6' {
					return false
				}
			} else if secondGroupFits(n, digitsEnd(b, q, 12)-q) {
				return false
			}
		}
	}
	if n <= 2 {
		return true
	}
	return p == 0 || !isWord(b[p-1]) && !cvvPossible(b, p)
}

// report emits a finding of b[start:end] if its type is enabled.
func (st *state) report(t Type, start, end int, conf float32, r Reason, kw *keyword) bool {
	if !st.s.enabled[t] || conf < st.s.minConf || start < st.lastEnd {
		return false
	}
	f := Finding{Type: t, Offset: st.base + int64(start), Length: end - start, Confidence: conf, Reason: r}
	if kw != nil && r&ReasonKeyword != 0 {
		f.Keyword = kw.name
	}
	st.lastEnd = end
	st.emit(f)
	return true
}
