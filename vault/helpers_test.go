package vault

import (
	"bytes"
	"testing"
)

// marker is a 32-byte value that must never appear in anything the vault hands out for storage.
var marker = []byte("MARKER-4f1d9c2b-PLAINTEXT-MARKER")

func mustKEKJSON(tb testing.TB) []byte {
	tb.Helper()
	j, err := GenerateKEK()
	if err != nil {
		tb.Fatalf("GenerateKEK: %v", err)
	}
	return j
}

func mustKEK(tb testing.TB, keysetJSON []byte) *KEK {
	tb.Helper()
	k, err := NewKEK(keysetJSON)
	if err != nil {
		tb.Fatalf("NewKEK: %v", err)
	}
	return k
}

func mustNewDataKey(tb testing.TB, k *KEK, subjectID string) ([]byte, *DataKey) {
	tb.Helper()
	wrapped, dk, err := k.NewDataKey(subjectID)
	if err != nil {
		tb.Fatalf("NewDataKey: %v", err)
	}
	return wrapped, dk
}

func mustSeal(tb testing.TB, dk *DataKey, plaintext, ad []byte) []byte {
	tb.Helper()
	ct, err := dk.Seal(plaintext, ad)
	if err != nil {
		tb.Fatalf("Seal: %v", err)
	}
	return ct
}

func mustTokenizer(tb testing.TB) *Tokenizer {
	tb.Helper()
	key, err := GenerateTokenKey()
	if err != nil {
		tb.Fatalf("GenerateTokenKey: %v", err)
	}
	tok, err := NewTokenizer(key)
	if err != nil {
		tb.Fatalf("NewTokenizer: %v", err)
	}
	return tok
}

// flipEach calls f with a copy of b in which one bit of byte i is flipped, for every i.
func flipEach(b []byte, f func(i int, tampered []byte)) {
	for i := range b {
		t := bytes.Clone(b)
		t[i] ^= 0x01
		f(i, t)
	}
}
