package pii

import (
	"encoding/binary"
	"math/bits"
)

// E-mail and IP addresses: the '@' and ':' examinations, and IPv4 from a
// digit run followed by a dot.

const (
	maxLocal  = 64  // RFC 5321 local-part limit
	maxDomain = 253 // RFC 1035 name limit
)

// at examines an '@' at a: an e-mail address whose local part ends here.
func (st *state) at(a int) int {
	b := st.b
	floor := a - maxLocal
	if floor < st.lastEnd {
		floor = st.lastEnd
	}
	if floor < 0 {
		floor = 0
	}
	start := a
	for start > floor && ctype[b[start-1]]&ctLocal != 0 {
		start--
	}
	if start == a-maxLocal && start > 0 && ctype[b[start-1]]&ctLocal != 0 {
		return a + 1 // local part too long: not an address
	}
	// A JSON escape before the address is not part of it: "\u003cuser@",
	// "\nuser@".
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
	end, ok := domainEnd(b, a+1)
	if !ok {
		return a + 1
	}
	if st.report(Email, start, end, 0.95, ReasonSyntax, nil) {
		return end
	}
	return a + 1
}

// domainEnd parses a domain name at i: two or more labels of letters,
// digits and hyphens, the last all letters. It returns the end.
func domainEnd(b []byte, i int) (int, bool) {
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

// ipv4 examines a dotted quad whose first octet is b[s:e].
func (st *state) ipv4(s, e int) int {
	b := st.b
	if s > 0 {
		switch p := b[s-1]; {
		case joinedLeft(b, s), p == '.':
			return e
		case (p == '/' || p == '-') && s > 1 && isLetter(b[s-2]):
			return e // "Chrome/120.0.0.0", "openssl-1.1.1.1": a version
		}
	}
	end, ok := dottedQuad(b, s)
	if !ok || joinedRight(b, end) || (end < len(b) && b[end] == '.' && end+1 < len(b) && isWord(b[end+1])) {
		return e
	}
	ctx := keywordBefore(b, s)
	if ctx.kind() == kwVersion {
		return e
	}
	if st.report(IPv4, s, end, 0.9, ReasonSyntax, nil) {
		return end
	}
	return e
}

// dottedQuad parses four decimal octets (0–255, no leading zeros) at i.
// Each octet's length and digits come from one eight-byte load, away from
// the end of b.
func dottedQuad(b []byte, i int) (int, bool) {
	p := i
	for k := 0; k < 4; k++ {
		if k > 0 {
			if p >= len(b) || b[p] != '.' {
				return 0, false
			}
			p++
		}
		var n int
		var c0, c1, c2 byte
		if p >= 0 && p+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[p:])
			n = bits.TrailingZeros64(nonDigitMask(x)) >> 3 // 8: all digits
			c0, c1, c2 = byte(x), byte(x>>8), byte(x>>16)
		} else {
			n = digitsEnd(b, p, 4) - p
			if n >= 3 {
				c0, c1, c2 = b[p], b[p+1], b[p+2]
			} else if n >= 1 {
				c0 = b[p]
			}
		}
		switch {
		case n == 0 || n > 3:
			return 0, false
		case n > 1 && c0 == '0':
			return 0, false
		case n == 3 && int(c0-'0')*100+int(c1-'0')*10+int(c2-'0') > 255:
			return 0, false
		}
		p += n
	}
	return p, true
}

// colon examines a ':' at c: an IPv6 address in full or compressed form,
// possibly ending in a dotted quad.
func (st *state) colon(c int) int {
	b := st.b
	start := c
	switch {
	case c > 0 && isHex(b[c-1]):
		start = c - 1
		for start > c-4 && start > 0 && isHex(b[start-1]) {
			start--
		}
	case c+1 < len(b) && b[c+1] == ':':
		// "::1": the address starts with the colons.
	default:
		return c + 1
	}
	if start > 0 {
		if p := b[start-1]; p == ':' || p == '.' || joinedLeft(b, start) {
			return c + 1
		}
	}
	if start < st.lastEnd {
		return c + 1
	}
	end, ok := parseIPv6(b, start)
	if !ok {
		return c + 1
	}
	if st.report(IPv6, start, end, 0.9, ReasonSyntax, nil) {
		return end
	}
	return c + 1
}

// parseIPv6 parses an RFC 4291 text address at i. To keep C++ scopes
// ("Add::Bed"), slices ("a[1::2]") and MAC addresses out, it needs a
// decimal digit, and four hex digits unless it is the loopback "::1".
func parseIPv6(b []byte, i int) (int, bool) {
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
			end, ok := dottedQuad(b, p)
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
