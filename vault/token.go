package vault

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"sync"
)

// TokenKeySize is the size of a token key: 32 bytes, the output size of SHA-256.
const TokenKeySize = 32

// GenerateTokenKey returns a new random token key. Like a KEK it is secret and must be kept
// apart from the data: with it, anyone can test guesses against stored tokens.
func GenerateTokenKey() ([]byte, error) {
	key := make([]byte, TokenKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, internal("generate token key", err)
	}
	return key, nil
}

// Tokenizer makes lookup tokens: deterministic, keyed and irreversible, so that a subject can be
// found by an identifier without storing it. Identifiers have little entropy (there are about
// 10^10 mobile numbers), so a token is only as safe as the key: unkeyed hashes of them are
// reversed by enumeration. A Tokenizer is safe for concurrent use.
type Tokenizer struct {
	macs sync.Pool // of *tokenMAC
}

type tokenMAC struct {
	h   hash.Hash
	buf []byte
	sum [sha256.Size]byte
	out [tokenLen]byte
}

// tokenLen is the length of a token: 32 bytes in unpadded base64.
const tokenLen = 43

// NewTokenizer returns a tokenizer keyed with key, which must be at least [TokenKeySize] bytes.
// key is copied.
func NewTokenizer(key []byte) (*Tokenizer, error) {
	if len(key) < TokenKeySize {
		return nil, invalid("token key: must be at least 32 bytes")
	}
	key = append([]byte(nil), key...)
	t := new(Tokenizer)
	t.macs.New = func() any { return &tokenMAC{h: hmac.New(sha256.New, key)} }
	return t, nil
}

// Token returns base64url(HMAC-SHA256(key, kind || 0x00 || Normalize(kind, value))), without
// padding: 43 characters. The kind is part of the input, so the same digits as a mobile number
// and inside another kind give unrelated tokens. It fails if value does not normalize, with the
// error of [Normalize].
func (t *Tokenizer) Token(kind, value string) (string, error) {
	norm, err := Normalize(kind, value)
	if err != nil {
		return "", err
	}
	m := t.macs.Get().(*tokenMAC)
	defer t.macs.Put(m)
	m.buf = append(m.buf[:0], kind...)
	m.buf = append(m.buf, 0)
	m.buf = append(m.buf, norm...)
	m.h.Reset()
	m.h.Write(m.buf)
	clear(m.buf) // the normalized identifier does not linger in the pool
	base64.RawURLEncoding.Encode(m.out[:], m.h.Sum(m.sum[:0]))
	return string(m.out[:]), nil
}
