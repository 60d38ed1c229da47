package vault

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The kinds of identifier a [Tokenizer] accepts.
const (
	KindEmail    = "email"
	KindMobile   = "mobile"
	KindIDNumber = "id_number"
)

// maxEmailLen is the longest address SMTP carries (RFC 5321, a 254-octet path).
const maxEmailLen = 254

// Normalize returns the canonical form of an identifier, so that the ways people write the same
// one give the same token:
//
//   - email: surrounding space trimmed, ASCII letters lower-cased. Other letters are kept as
//     written: Unicode case mapping is not stable across languages (Turkish dotted i, German ß),
//     and a wrong merge would find the wrong subject. The value must contain an @ with text on
//     both sides.
//   - mobile: spaces and hyphens removed, then one +86, 0086 or 86 country prefix; what remains
//     must be a mainland China mobile number, 11 digits starting with 1.
//   - id_number: surrounding space trimmed, a final x upper-cased; the result must be an 18-digit
//     resident ID number (17 digits and a check digit or X) whose check digit is right.
//
// Errors name the rule that failed and never the value: it is personal information.
func Normalize(kind, value string) (string, error) {
	switch kind {
	case KindEmail:
		return normalizeEmail(value)
	case KindMobile:
		return normalizeMobile(value)
	case KindIDNumber:
		return normalizeIDNumber(value)
	default:
		return "", invalid(`identifier kind must be "email", "mobile" or "id_number"`)
	}
}

func normalizeEmail(value string) (string, error) {
	v := strings.TrimSpace(value)
	if !utf8.ValidString(v) {
		return "", invalid("email: not valid UTF-8")
	}
	if len(v) > maxEmailLen {
		return "", invalid("email: longer than 254 bytes")
	}
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || at == len(v)-1 {
		return "", invalid("email: must have text on both sides of an @")
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f {
			return "", invalid("email: contains a control character")
		}
	}
	return asciiLower(v), nil
}

// asciiLower lower-cases ASCII letters only, and allocates only if there is one to change.
func asciiLower(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return 'A' <= r && r <= 'Z' })
	if i < 0 {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

func normalizeMobile(value string) (string, error) {
	// A number with its longest prefix and separators is well under 64 bytes; anything longer is
	// refused before it is copied.
	if len(value) > 64 {
		return "", invalid("mobile: too long")
	}
	var buf [64]byte
	b := buf[:0]
	for _, r := range value {
		switch {
		case r == '-' || unicode.IsSpace(r):
			continue
		case r == '+' || '0' <= r && r <= '9':
			b = append(b, byte(r))
		default:
			return "", invalid("mobile: only digits, spaces, hyphens and a leading + are allowed")
		}
	}
	switch {
	case len(b) == 14 && string(b[:3]) == "+86":
		b = b[3:]
	case len(b) == 15 && string(b[:4]) == "0086":
		b = b[4:]
	case len(b) == 13 && string(b[:2]) == "86":
		b = b[2:]
	}
	if len(b) != 11 {
		return "", invalid("mobile: must be 11 digits after an optional +86, 0086 or 86")
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return "", invalid("mobile: + is allowed only before 86")
		}
	}
	if b[0] != '1' {
		return "", invalid("mobile: a mainland China mobile number starts with 1")
	}
	return string(b), nil
}

// idWeights are the GB 11643-1999 weights of the first 17 digits (2^(17-i) mod 11).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheck maps the weighted sum mod 11 to the check character (ISO 7064 MOD 11-2).
const idCheck = "10X98765432"

func normalizeIDNumber(value string) (string, error) {
	v := strings.TrimSpace(value)
	if len(v) != 18 {
		return "", invalid("id_number: must be 18 characters")
	}
	sum := 0
	for i := range 17 {
		c := v[i]
		if c < '0' || c > '9' {
			return "", invalid("id_number: the first 17 characters must be digits")
		}
		sum += int(c-'0') * idWeights[i]
	}
	last := v[17]
	if last == 'x' {
		last = 'X'
		v = v[:17] + "X"
	}
	if last != 'X' && (last < '0' || last > '9') {
		return "", invalid("id_number: the last character must be a digit or X")
	}
	if last != idCheck[sum%11] {
		return "", invalid("id_number: wrong check digit")
	}
	return v, nil
}
