package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Lookups by identifier (R-SEC-1: no plaintext stored) need tokens that are stable.
func TestTokenDeterministic(t *testing.T) {
	key, err := GenerateTokenKey()
	if err != nil {
		t.Fatal(err)
	}
	tok1, err := NewTokenizer(key)
	if err != nil {
		t.Fatal(err)
	}
	tok2, err := NewTokenizer(key)
	if err != nil {
		t.Fatal(err)
	}
	a, err := tok1.Token(KindEmail, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if b, err := tok1.Token(KindEmail, "alice@example.com"); err != nil || b != a {
			t.Errorf("second Token = %q, %v; want %q", b, err, a)
		}
	}
	if b, _ := tok2.Token(KindEmail, "alice@example.com"); b != a {
		t.Errorf("Token by another tokenizer with the same key = %q, want %q", b, a)
	}
	if len(a) != 43 {
		t.Errorf("len(token) = %d, want 43", len(a))
	}
}

// The token is exactly the documented construction, so that another implementation (a SQL
// migration, a batch job) can compute it.
func TestTokenConstruction(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	tok, err := NewTokenizer(key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tok.Token(KindMobile, "+86 138-0013-8000")
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("mobile\x0013800138000"))
	if want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil)); got != want {
		t.Errorf("Token = %q, want %q", got, want)
	}
}

func TestTokenNormalizes(t *testing.T) {
	tok := mustTokenizer(t)
	for _, tc := range []struct{ kind, a, b string }{
		{KindMobile, "+86 138-0013-8000", "13800138000"},
		{KindMobile, "0086 138 0013 8000", "13800138000"},
		{KindEmail, " Alice@Example.com", "alice@example.com"},
		{KindIDNumber, "11010519491231002x", "11010519491231002X"},
	} {
		a, errA := tok.Token(tc.kind, tc.a)
		b, errB := tok.Token(tc.kind, tc.b)
		if errA != nil || errB != nil || a != b {
			t.Errorf("Token(%s, %q) = %q, %v; Token(%s, %q) = %q, %v; want equal",
				tc.kind, tc.a, a, errA, tc.kind, tc.b, b, errB)
		}
	}
}

// The kind is hashed in: the same digits as another kind give another token. And a token
// depends on the key.
func TestTokenDiffersAcrossKindsAndKeys(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	tok, err := NewTokenizer(key)
	if err != nil {
		t.Fatal(err)
	}
	// Normalize never lets one string through under two kinds, so the kind separation is
	// checked on the construction itself (TestTokenConstruction pins Token to it).
	raw := func(kind, v string) string {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(kind + "\x00" + v))
		return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	}
	if raw(KindMobile, "13800138000") == raw(KindIDNumber, "13800138000") {
		t.Error("same value under two kinds gives one token")
	}
	if raw("email", "x") == raw("emai", "l\x00x") {
		t.Error("kind separator is ambiguous")
	}
	a, _ := tok.Token(KindEmail, "13800138000@example.com")
	b, _ := tok.Token(KindMobile, "13800138000")
	if a == b {
		t.Error("email and mobile tokens are equal")
	}
	c, _ := mustTokenizer(t).Token(KindMobile, "13800138000")
	if b == c {
		t.Error("two keys give one token")
	}
}

func TestNewTokenizerKey(t *testing.T) {
	if _, err := NewTokenizer(make([]byte, 31)); err == nil {
		t.Error("NewTokenizer accepted a 31-byte key")
	}
	if _, err := NewTokenizer(nil); err == nil {
		t.Error("NewTokenizer accepted no key")
	}
	key := []byte(strings.Repeat("k", 32))
	tok, err := NewTokenizer(key)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := tok.Token(KindMobile, "13800138000")
	key[0] = 'x' // the caller reuses its buffer
	if after, _ := tok.Token(KindMobile, "13800138000"); after != before {
		t.Error("Tokenizer did not copy its key")
	}
	k1, _ := GenerateTokenKey()
	k2, _ := GenerateTokenKey()
	if len(k1) != 32 || string(k1) == string(k2) {
		t.Errorf("GenerateTokenKey: len %d, repeated %v", len(k1), string(k1) == string(k2))
	}
}

func TestTokenRefusesWithoutEcho(t *testing.T) {
	tok := mustTokenizer(t)
	_, err := tok.Token(KindMobile, "MARKER-13800138000")
	if err == nil || strings.Contains(err.Error(), "MARKER") {
		t.Errorf("Token error = %v, want an error without the value", err)
	}
}

// Run with -race: one Tokenizer serves many goroutines.
func TestTokenConcurrent(t *testing.T) {
	tok := mustTokenizer(t)
	want := make([]string, 50)
	for i := range want {
		want[i], _ = tok.Token(KindMobile, fmt.Sprintf("138%08d", i))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range 500 {
				i := (n + g) % len(want)
				if got, err := tok.Token(KindMobile, fmt.Sprintf("138%08d", i)); err != nil || got != want[i] {
					t.Errorf("concurrent Token = %q, %v; want %q", got, err, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
