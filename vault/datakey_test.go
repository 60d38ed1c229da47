package vault

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// R-SEC-1: records round-trip through Seal and Open, whatever their size.
func TestSealOpenRoundTrip(t *testing.T) {
	k := mustKEK(t, mustKEKJSON(t))
	_, dk := mustNewDataKey(t, k, "subject-a")
	ad := RecordAssociatedData("subject-a", "contact", "email")
	for name, pt := range map[string][]byte{
		"Empty":   {},
		"OneByte": {0},
		"Text":    []byte("张三 alice@example.com"),
		"1KB":     bytes.Repeat([]byte{0xa5}, 1024),
		"1MB":     bytes.Repeat([]byte("x"), 1<<20),
	} {
		t.Run(name, func(t *testing.T) {
			ct := mustSeal(t, dk, pt, ad)
			if got, want := len(ct), len(pt)+33; got != want {
				t.Errorf("len(ciphertext) = %d, want %d", got, want)
			}
			got, err := dk.Open(ct, ad)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(got, pt) {
				t.Error("Open returned other bytes than were sealed")
			}
		})
	}
}

// Each Seal uses a fresh nonce: sealing the same value twice gives unrelated ciphertexts, so
// equal values cannot be spotted in storage (lookups use tokens instead).
func TestSealIsRandomized(t *testing.T) {
	_, dk := mustNewDataKey(t, mustKEK(t, mustKEKJSON(t)), "subject-a")
	a := mustSeal(t, dk, []byte("13800138000"), nil)
	b := mustSeal(t, dk, []byte("13800138000"), nil)
	if bytes.Equal(a, b) {
		t.Error("two seals of one value are equal")
	}
}

// R-SEC-1: associated data binds a ciphertext to its subject, category and field; moved to
// another row it does not open.
func TestOpenWrongAssociatedDataFails(t *testing.T) {
	_, dk := mustNewDataKey(t, mustKEK(t, mustKEKJSON(t)), "subject-a")
	ad := RecordAssociatedData("subject-a", "contact", "email")
	ct := mustSeal(t, dk, []byte("alice@example.com"), ad)
	for name, wrong := range map[string][]byte{
		"OtherSubject":  RecordAssociatedData("subject-b", "contact", "email"),
		"OtherCategory": RecordAssociatedData("subject-a", "identity", "email"),
		"OtherField":    RecordAssociatedData("subject-a", "contact", "mobile"),
		"NoField":       RecordAssociatedData("subject-a", "contact", ""),
		"Nil":           nil,
		"Raw":           []byte("subject-a/contact/email"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := dk.Open(ct, wrong); !errors.Is(err, ErrDecrypt) {
				t.Errorf("Open error = %v, want ErrDecrypt", err)
			}
		})
	}
}

// R-SEC-1: a ciphertext sealed for subject A does not open with subject B's key, even with A's
// associated data.
func TestOpenWithOtherSubjectsKeyFails(t *testing.T) {
	k := mustKEK(t, mustKEKJSON(t))
	_, dkA := mustNewDataKey(t, k, "subject-a")
	_, dkB := mustNewDataKey(t, k, "subject-b")
	ad := RecordAssociatedData("subject-a", "contact", "email")
	ct := mustSeal(t, dkA, []byte("alice@example.com"), ad)
	if _, err := dkB.Open(ct, ad); !errors.Is(err, ErrDecrypt) {
		t.Errorf("Open with B's key: error = %v, want ErrDecrypt", err)
	}
}

// R-SEC-1: every byte of a ciphertext is authenticated.
func TestOpenTamperedFails(t *testing.T) {
	_, dk := mustNewDataKey(t, mustKEK(t, mustKEKJSON(t)), "subject-a")
	ad := RecordAssociatedData("subject-a", "contact", "email")
	ct := mustSeal(t, dk, []byte("alice@example.com"), ad)
	flipEach(ct, func(i int, tampered []byte) {
		if _, err := dk.Open(tampered, ad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("byte %d flipped: Open error = %v, want ErrDecrypt", i, err)
		}
	})
	for _, n := range []int{0, 4, 5, 17, len(ct) - 1} {
		if _, err := dk.Open(ct[:n], ad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("truncated to %d bytes: Open error = %v, want ErrDecrypt", n, err)
		}
	}
}

// R-SEC-1: the plaintext never appears in what is stored: not in the ciphertext, not in the
// wrapped key, and not in an error.
func TestPlaintextNeverInOutput(t *testing.T) {
	k := mustKEK(t, mustKEKJSON(t))
	wrapped, dk := mustNewDataKey(t, k, "subject-a")
	ct := mustSeal(t, dk, marker, RecordAssociatedData("subject-a", "contact", "note"))
	for name, out := range map[string][]byte{"Ciphertext": ct, "WrappedKey": wrapped} {
		for _, part := range [][]byte{marker, marker[:8], marker[12:20]} {
			if bytes.Contains(out, part) {
				t.Errorf("%s contains %q of the plaintext", name, part)
			}
		}
	}
	_, err := dk.Open(ct, []byte("wrong"))
	if err == nil || strings.Contains(err.Error(), "MARKER") {
		t.Errorf("Open error = %v, want one that does not echo the plaintext", err)
	}
}

// R-RET-3: a destroyed key neither seals nor opens, for every holder of it.
func TestDestroyedKeyRefuses(t *testing.T) {
	_, dk := mustNewDataKey(t, mustKEK(t, mustKEKJSON(t)), "subject-a")
	ct := mustSeal(t, dk, []byte("x"), nil)
	holder := dk
	dk.Destroy()
	dk.Destroy() // idempotent
	if _, err := holder.Open(ct, nil); !errors.Is(err, ErrKeyDestroyed) {
		t.Errorf("Open after Destroy: error = %v, want ErrKeyDestroyed", err)
	}
	if _, err := holder.Seal([]byte("x"), nil); !errors.Is(err, ErrKeyDestroyed) {
		t.Errorf("Seal after Destroy: error = %v, want ErrKeyDestroyed", err)
	}
	if got := holder.String(); got != "vault.DataKey(destroyed)" {
		t.Errorf("String = %q", got)
	}
}

// The record associated data is unambiguous: shifting bytes between parts changes it.
func TestRecordAssociatedDataUnambiguous(t *testing.T) {
	seen := map[string][3]string{}
	for _, parts := range [][3]string{
		{"ab", "c", ""}, {"a", "bc", ""}, {"a", "b", "c"}, {"", "abc", ""}, {"abc", "", ""},
		{"a\x00", "b", ""}, {"a", "\x00b", ""}, {"", "", ""},
	} {
		ad := string(RecordAssociatedData(parts[0], parts[1], parts[2]))
		if other, ok := seen[ad]; ok {
			t.Errorf("RecordAssociatedData%q == RecordAssociatedData%q", parts, other)
		}
		seen[ad] = parts
	}
}
