package vault

import (
	"errors"
	"testing"
	"unicode/utf8"

	"custos.dev/custos"
)

// Normalize parses identifiers typed by people. It must not panic, must be idempotent (a stored
// token and a lookup token agree however many times a value was normalized), and must refuse
// with an error of kind invalid.
func FuzzNormalize(f *testing.F) {
	for _, seed := range []struct{ kind, value string }{
		{KindEmail, " Alice@Example.COM "},
		{KindEmail, "zhang.san@例子.中国"},
		{KindEmail, `"a@b"@c`},
		{KindMobile, "+86 138-0013-8000"},
		{KindMobile, "0086 13800138000"},
		{KindMobile, "8613800138000"},
		{KindMobile, "138\u30000013\u30008000"},
		{KindIDNumber, "11010519491231002x"},
		{KindIDNumber, "110101199003071233"},
		{"phone", "13800138000"},
	} {
		f.Add(seed.kind, seed.value)
	}
	f.Fuzz(func(t *testing.T, kind, value string) {
		got, err := Normalize(kind, value)
		if err != nil {
			if custos.KindOf(err) != custos.KindInvalid {
				t.Fatalf("error kind = %q, want invalid", custos.KindOf(err))
			}
			return
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Normalize(%q, %q) = %q, not UTF-8", kind, value, got)
		}
		again, err := Normalize(kind, got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", value, got, again, err)
		}
	})
}

// Unwrap and Open read blobs from storage, which an attacker with database access controls.
// Whatever the bytes, they fail with ErrDecrypt, never panic and never open.
func FuzzUnwrapOpen(f *testing.F) {
	k := mustKEK(f, mustKEKJSON(f))
	wrapped, dk := mustNewDataKey(f, k, "subject-a")
	ct := mustSeal(f, dk, []byte("alice@example.com"), nil)
	f.Add(wrapped)
	f.Add(ct)
	f.Add([]byte{})
	f.Add([]byte{wrapVersion, 0x01, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, blob []byte) {
		if _, err := k.Unwrap("subject-b", blob); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("Unwrap for another subject: error = %v, want ErrDecrypt", err)
		}
		if _, err := dk.Open(blob, []byte("other")); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("Open with other associated data: error = %v, want ErrDecrypt", err)
		}
	})
}
