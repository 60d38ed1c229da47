package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
)

// Redaction replaces each finding in a text. R-SUP-4, R-AGENT-1: tickets
// and transcripts are stored and shown redacted.

// Mode says what a finding is replaced with: Mask, Tag or a Token mode.
type Mode interface {
	replace(dst []byte, t Type, v []byte) []byte
}

// Mask keeps the value's shape: "138****8000", "622202******1234".
var Mask Mode = maskMode{}

// Tag writes the type: "[cn_mobile]".
var Tag Mode = tagMode{}

type maskMode struct{}

func (maskMode) replace(dst []byte, t Type, v []byte) []byte { return maskValue(dst, t, v) }

type tagMode struct{}

func (tagMode) replace(dst []byte, t Type, _ []byte) []byte {
	dst = append(dst, '[')
	dst = append(dst, t.String()...)
	return append(dst, ']')
}

// MinTokenKey is the shortest key Token accepts.
const MinTokenKey = 16

// Token returns a mode that writes a keyed token, "[cn_mobile:1f0c…]": an
// HMAC-SHA-256 of the type and the value's canonical form (digits without
// separators or country prefix, upper-case check letters, lower-case
// e-mail, canonical IPv6). The same value gives the same token however it
// was written, so redacted records can still be joined; without the key
// nobody can reverse or test a token. The key must be kept secret.
func Token(key []byte) (Mode, error) {
	if len(key) < MinTokenKey {
		return nil, errors.New("pii: token key must be at least 16 bytes")
	}
	return tokenMode{key: append([]byte(nil), key...)}, nil
}

type tokenMode struct{ key []byte }

// tokenHexLen is 80 bits of HMAC: collisions stay negligible for any
// realistic number of distinct values.
const tokenHexLen = 20

func (m tokenMode) replace(dst []byte, t Type, v []byte) []byte {
	mac := hmac.New(sha256.New, m.key)
	mac.Write([]byte(t.String()))
	mac.Write([]byte{0})
	var canon [64]byte
	mac.Write(canonical(canon[:0], t, v))
	var sum [sha256.Size]byte
	dst = append(dst, '[')
	dst = append(dst, t.String()...)
	dst = append(dst, ':')
	dst = hex.AppendEncode(dst, mac.Sum(sum[:0])[:tokenHexLen/2])
	return append(dst, ']')
}

// canonical appends the form of v that tokens are computed from.
func canonical(dst []byte, t Type, v []byte) []byte {
	switch t {
	case Email:
		return append(dst, strings.ToLower(string(v))...)
	case IPv6:
		if a, err := netip.ParseAddr(string(v)); err == nil {
			return a.AppendTo(dst)
		}
		return append(dst, strings.ToLower(string(v))...)
	case IPv4:
		return append(dst, v...)
	}
	start := len(dst)
	for _, c := range v {
		if isWord(c) {
			dst = append(dst, c)
		}
	}
	// Upper-case letters (the check character X, USCC and passport letters).
	for i := start; i < len(dst); i++ {
		if c := dst[i]; c >= 'a' && c <= 'z' {
			dst[i] = c - ('a' - 'A')
		}
	}
	if t == Mobile {
		switch d := dst[start:]; len(d) {
		case 13:
			dst = append(dst[:start], d[2:]...)
		case 15:
			dst = append(dst[:start], d[4:]...)
		}
	}
	return dst
}

// Redact appends src to dst with each finding replaced as mode says, and
// returns the extended buffer. findings must be in order of offset (as
// Scan reports them); any that overlap an earlier one or fall outside src
// are skipped.
func Redact(dst, src []byte, mode Mode, findings []Finding) []byte {
	prev := 0
	for _, f := range findings {
		start, end := f.Offset, f.End()
		if start < int64(prev) || end > int64(len(src)) || f.Length <= 0 {
			continue
		}
		dst = append(dst, src[prev:start]...)
		dst = mode.replace(dst, f.Type, src[start:end])
		prev = int(end)
	}
	return append(dst, src[prev:]...)
}
