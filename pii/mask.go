package pii

import (
	"strings"
	"unicode/utf8"
)

// Masking keeps the shape of a value and enough of it for a person to
// recognise their own (R-SUP-4: agents see masked values): the first and
// last characters stay, the rest become '*', separators stay put.

// MaskMobile masks all but the first three and last four digits of a
// mobile number: "13812345678" → "138****5678". A country prefix and
// separators are kept: "+86 138 1234 5678" → "+86 138 **** 5678".
func MaskMobile(s string) string { return string(maskValue(nil, Mobile, []byte(s))) }

// MaskResidentID keeps the region code and the last four characters:
// "11010519900307002X" → "110105********002X".
func MaskResidentID(s string) string { return string(maskValue(nil, ResidentID, []byte(s))) }

// MaskCard keeps the first six and last four digits (PCI DSS):
// "6222021234561234" → "622202******1234".
func MaskCard(s string) string { return string(maskValue(nil, BankCard, []byte(s))) }

// MaskEmail keeps the first character of the local part and the domain:
// "alice@example.com" → "a***@example.com".
func MaskEmail(s string) string { return string(maskValue(nil, Email, []byte(s))) }

// MaskName keeps the first character of a name: "张三" → "张*",
// "欧阳娜娜" → "欧***". A one-character name becomes "*".
func MaskName(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 1 {
		return strings.Repeat("*", n)
	}
	_, size := utf8.DecodeRuneInString(s)
	return s[:size] + strings.Repeat("*", n-1)
}

// maskValue appends the masked form of v, a value of type t, to dst.
func maskValue(dst []byte, t Type, v []byte) []byte {
	n := 0 // significant characters (letters and digits)
	for _, c := range v {
		if isWord(c) {
			n++
		}
	}
	switch t {
	case Mobile:
		prefix := 0
		switch n {
		case 13:
			prefix = 2
		case 15:
			prefix = 4
		}
		return keepEnds(dst, v, prefix+3, 4)
	case ResidentID:
		if n == 15 {
			return keepEnds(dst, v, 6, 3)
		}
		return keepEnds(dst, v, 6, 4)
	case BankCard:
		return keepEnds(dst, v, 6, 4)
	case USCC:
		return keepEnds(dst, v, 2, 2)
	case Passport:
		return keepEnds(dst, v, 1, 2)
	case CardSecurityCode:
		return keepEnds(dst, v, 0, 0)
	case Email:
		at := strings.LastIndexByte(string(v), '@')
		if at < 1 {
			return keepEnds(dst, v, 0, 0)
		}
		_, size := utf8.DecodeRune(v)
		dst = append(dst, v[:size]...)
		dst = append(dst, "***"...)
		return append(dst, v[at:]...)
	case IPv4:
		return maskAfterFields(dst, v, '.', 2)
	case IPv6:
		return maskAfterFields(dst, v, ':', 2)
	}
	return keepEnds(dst, v, 0, 0)
}

// keepEnds keeps the first and last significant characters of v and masks
// the others; separators are copied.
func keepEnds(dst, v []byte, first, last int) []byte {
	n := 0
	for _, c := range v {
		if isWord(c) {
			n++
		}
	}
	if first+last >= n {
		first, last = 0, 0 // too short to show anything safely
	}
	i := 0
	for _, c := range v {
		if !isWord(c) {
			dst = append(dst, c)
			continue
		}
		if i < first || i >= n-last {
			dst = append(dst, c)
		} else {
			dst = append(dst, '*')
		}
		i++
	}
	return dst
}

// maskAfterFields keeps the first k fields of an address separated by sep
// and masks the letters and digits after them.
func maskAfterFields(dst, v []byte, sep byte, k int) []byte {
	seen := 0
	for _, c := range v {
		if c == sep {
			seen++
		}
		if seen >= k && isWord(c) {
			c = '*'
		}
		dst = append(dst, c)
	}
	return dst
}
