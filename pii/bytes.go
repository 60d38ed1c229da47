package pii

import (
	"encoding/binary"
	"math/bits"
)

// Byte classes and the word-at-a-time skip loop. Only three kinds of byte
// can start an examination: an ASCII digit (numbers, IPv4, and the digit
// cores of USCC and passport numbers), ':' (IPv6) and '@' (e-mail).
// Everything else — letters, Chinese text, punctuation — is skipped eight
// bytes at a time.

const (
	clsNone  = 0
	clsDigit = 1
	clsColon = 2
	clsAt    = 3
)

// class is the dispatch table of the byte loop.
var class = func() (c [256]uint8) {
	for b := '0'; b <= '9'; b++ {
		c[b] = clsDigit
	}
	c[':'] = clsColon
	c['@'] = clsAt
	return c
}()

const (
	ones = 0x0101010101010101
	lo7  = 0x7f7f7f7f7f7f7f7f
	hi   = 0x8080808080808080
)

// The constants of the loop's masks, as variables: written as constants,
// the compiler would build each anew in every iteration. They are never
// written.
var (
	kZero  uint64 = ones * '0'
	kAt    uint64 = ones * '@'
	kLo7   uint64 = lo7
	kHi    uint64 = hi
	kTrig  uint64 = ones * (0x80 - 11) // y&lo7 + kTrig < 0x80 for y = byte^'0' <= 10: digits and ':'
	kDigit uint64 = ones * (0x80 - 10) // the same for y <= 9: digits
)

// digitMask sets the high bit of every byte of x that is an ASCII digit.
func digitMask(x uint64) uint64 {
	t := x & lo7
	return (ones*(127+0x3a) - t) & ^x & (t + ones*(127-0x2f)) & hi
}

// nonDigitMask sets the high bit of every byte of x that is not an ASCII
// digit: y = byte^'0' is below 10 exactly for digits.
func nonDigitMask(x uint64) uint64 {
	y := x ^ (ones * '0')
	return ((y&lo7 + ones*(0x80-10)) | y) & hi
}

// digitsEnd returns the end of the run of digits starting at i (at most
// len(b)), looking at no more than max bytes. It reads eight bytes at a
// time, so a run's length costs no branch per digit.
func digitsEnd(b []byte, i, max int) int {
	lim := min(len(b), i+max)
	for i >= 0 && i < lim && i < len(b)-7 {
		if nd := nonDigitMask(binary.LittleEndian.Uint64(b[i:])); nd != 0 {
			return min(i+bits.TrailingZeros64(nd)>>3, lim)
		}
		i += 8
	}
	for i < lim && isDigit(b[i]) {
		i++
	}
	return min(i, lim)
}

func isDigit(c byte) bool { return c-'0' < 10 }

// ctype bits for ASCII bytes.
const (
	ctWord     = 1 << iota // letter, digit, '_'
	ctHex                  // 0-9 a-f A-F
	ctLetter               // A-Z a-z
	ctUpper                // A-Z
	ctLocal                // allowed in an e-mail local part
	ctDomain               // allowed in a domain label
	ctAlnum                // letter or digit: may start and end a domain label
	ctLocalEnd             // may end an e-mail local part: ctLocal but '.'
)

var ctype = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		switch {
		case b >= '0' && b <= '9':
			t[c] = ctWord | ctHex | ctLocal | ctDomain | ctAlnum
		case b >= 'a' && b <= 'z':
			t[c] = ctWord | ctLetter | ctLocal | ctDomain | ctAlnum
			if b <= 'f' {
				t[c] |= ctHex
			}
		case b >= 'A' && b <= 'Z':
			t[c] = ctWord | ctLetter | ctUpper | ctLocal | ctDomain | ctAlnum
			if b <= 'F' {
				t[c] |= ctHex
			}
		}
	}
	t['_'] = ctWord | ctLocal
	for _, c := range []byte(".%+-") {
		t[c] |= ctLocal
	}
	t['-'] |= ctDomain
	for c := range t {
		if t[c]&ctLocal != 0 && c != '.' {
			t[c] |= ctLocalEnd
		}
	}
	return t
}()

func isWord(c byte) bool   { return ctype[c]&ctWord != 0 }
func isHex(c byte) bool    { return ctype[c]&ctHex != 0 }
func isLetter(c byte) bool { return ctype[c]&ctLetter != 0 }
func isUpper(c byte) bool  { return ctype[c]&ctUpper != 0 }

// escapedAt reports whether b[i] is the last byte of a JSON escape that
// stands for a separator or another character: \n \r \t \b \f or the
// fourth hex digit of \uXXXX. Escaped text must not glue a number to the
// letter of its escape ("\n13800138000", "\u53f713800138000").
func escapedAt(b []byte, i int) bool {
	c := b[i]
	if (c == 'n' || c == 'r' || c == 't' || c == 'b' || c == 'f') && i >= 1 && oddBackslashes(b, i-1) {
		return true
	}
	return isHex(c) && i >= 5 && b[i-4] == 'u' && isHex(b[i-3]) && isHex(b[i-2]) &&
		isHex(b[i-1]) && oddBackslashes(b, i-5)
}

// oddBackslashes reports whether b[j] is a backslash that is itself not
// escaped: an odd run of backslashes ends at j.
func oddBackslashes(b []byte, j int) bool {
	n := 0
	for j >= 0 && b[j] == '\\' && n < 16 {
		n++
		j--
	}
	return n%2 == 1
}

// joinedLeft reports whether the byte before i glues a token starting at i
// to a word (letter, digit, '_'), so the token is part of something
// longer. JSON escapes do not glue.
func joinedLeft(b []byte, i int) bool {
	return i > 0 && isWord(b[i-1]) && !escapedAt(b, i-1)
}

// joinedRight reports whether the byte at e glues a token ending at e to
// what follows: a word byte, or a decimal point followed by a digit.
func joinedRight(b []byte, e int) bool {
	if e >= len(b) {
		return false
	}
	c := b[e]
	if isWord(c) {
		return true
	}
	return c == '.' && e+1 < len(b) && isDigit(b[e+1])
}

// lowerTab folds ASCII capitals, by table.
var lowerTab = func() (t [256]byte) {
	for c := range t {
		t[c] = lower(byte(c))
	}
	return t
}()

// lower folds ASCII capitals.
func lower(c byte) byte {
	if c-'A' < 26 {
		return c + 'a' - 'A'
	}
	return c
}
