package vault

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tink-crypto/tink-go/v2/aead/aesgcm"
	"github.com/tink-crypto/tink-go/v2/insecuresecretdataaccess"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/secretdata"

	"custos.dev/custos"
)

// R-SEC-1: a data key is stored only wrapped, and unwraps to a key that opens what it sealed.
func TestWrapUnwrapRoundTrip(t *testing.T) {
	k := mustKEK(t, mustKEKJSON(t))
	wrapped, dk := mustNewDataKey(t, k, "subject-a")
	ad := RecordAssociatedData("subject-a", "contact", "email")
	ct := mustSeal(t, dk, []byte("alice@example.com"), ad)

	got, err := k.Unwrap("subject-a", wrapped)
	if err != nil {
		t.Fatalf("Unwrap: %v", err)
	}
	pt, err := got.Open(ct, ad)
	if err != nil {
		t.Fatalf("Open with the unwrapped key: %v", err)
	}
	if string(pt) != "alice@example.com" {
		t.Errorf("Open = %q, want the sealed value", pt)
	}
}

// R-SEC-1: the subject id is bound to the wrapped key, so a wrapped key copied to another
// subject's row does not unwrap.
func TestUnwrapOtherSubjectFails(t *testing.T) {
	k := mustKEK(t, mustKEKJSON(t))
	wrapped, _ := mustNewDataKey(t, k, "subject-a")
	for _, id := range []string{"subject-b", "subject-a ", "Subject-a", "subject-"} {
		if _, err := k.Unwrap(id, wrapped); !errors.Is(err, ErrDecrypt) {
			t.Errorf("Unwrap(%q) error = %v, want ErrDecrypt", id, err)
		}
	}
}

// R-SEC-1: every byte of a wrapped key is authenticated, the version byte and tink's key prefix
// included; a truncated or empty blob fails the same way.
func TestUnwrapTamperedFails(t *testing.T) {
	k := mustKEK(t, mustKEKJSON(t))
	wrapped, _ := mustNewDataKey(t, k, "subject-a")
	flipEach(wrapped, func(i int, tampered []byte) {
		if _, err := k.Unwrap("subject-a", tampered); !errors.Is(err, ErrDecrypt) {
			t.Errorf("byte %d flipped: Unwrap error = %v, want ErrDecrypt", i, err)
		}
	})
	for _, n := range []int{0, 1, 2, 6, len(wrapped) - 1} {
		if _, err := k.Unwrap("subject-a", wrapped[:n]); !errors.Is(err, ErrDecrypt) {
			t.Errorf("truncated to %d bytes: Unwrap error = %v, want ErrDecrypt", n, err)
		}
	}
	if _, err := k.Unwrap("subject-a", append(bytes.Clone(wrapped), 0)); !errors.Is(err, ErrDecrypt) {
		t.Errorf("a byte appended: Unwrap error = %v, want ErrDecrypt", err)
	}
}

// R-SEC-1, R-RET-3: erasure by key destruction rests on the KEK being the only way in: another
// KEK cannot unwrap.
func TestUnwrapWithAnotherKEKFails(t *testing.T) {
	k1 := mustKEK(t, mustKEKJSON(t))
	k2 := mustKEK(t, mustKEKJSON(t))
	wrapped, _ := mustNewDataKey(t, k1, "subject-a")
	if _, err := k2.Unwrap("subject-a", wrapped); !errors.Is(err, ErrDecrypt) {
		t.Errorf("Unwrap with another KEK: error = %v, want ErrDecrypt", err)
	}
}

func TestEmptySubjectIDRefused(t *testing.T) {
	k := mustKEK(t, mustKEKJSON(t))
	if _, _, err := k.NewDataKey(""); custos.KindOf(err) != custos.KindInvalid {
		t.Errorf("NewDataKey(\"\") error = %v, want kind invalid", err)
	}
	wrapped, _ := mustNewDataKey(t, k, "subject-a")
	if _, err := k.Unwrap("", wrapped); custos.KindOf(err) != custos.KindInvalid {
		t.Errorf("Unwrap(\"\") error = %v, want kind invalid", err)
	}
}

// R-SEC-1: rotation keeps old wrapped keys readable, and Rewrap moves them to the new primary,
// after which the old KEK key is no longer needed.
func TestRotateKEK(t *testing.T) {
	oldJSON := mustKEKJSON(t)
	oldKEK := mustKEK(t, oldJSON)
	wrapped, dk := mustNewDataKey(t, oldKEK, "subject-a")
	ad := RecordAssociatedData("subject-a", "contact", "mobile")
	ct := mustSeal(t, dk, []byte("13800138000"), ad)

	newJSON, err := RotateKEK(oldJSON)
	if err != nil {
		t.Fatalf("RotateKEK: %v", err)
	}
	rotated := mustKEK(t, newJSON)

	t.Run("OldWrappedKeyStillUnwraps", func(t *testing.T) {
		got, err := rotated.Unwrap("subject-a", wrapped)
		if err != nil {
			t.Fatalf("Unwrap: %v", err)
		}
		if _, err := got.Open(ct, ad); err != nil {
			t.Errorf("Open: %v", err)
		}
	})

	t.Run("RewrapMovesToNewPrimary", func(t *testing.T) {
		rewrapped, err := rotated.Rewrap("subject-a", wrapped)
		if err != nil {
			t.Fatalf("Rewrap: %v", err)
		}
		if bytes.Equal(rewrapped, wrapped) {
			t.Fatal("Rewrap returned the old blob unchanged")
		}
		if !rotated.isCurrent(rewrapped) || rotated.isCurrent(wrapped) {
			t.Errorf("isCurrent(rewrapped) = %v, isCurrent(old) = %v; want true, false",
				rotated.isCurrent(rewrapped), rotated.isCurrent(wrapped))
		}
		// The old KEK does not hold the new primary: proof the blob moved.
		if _, err := oldKEK.Unwrap("subject-a", rewrapped); !errors.Is(err, ErrDecrypt) {
			t.Errorf("old KEK unwraps the rewrapped key: error = %v, want ErrDecrypt", err)
		}
		got, err := rotated.Unwrap("subject-a", rewrapped)
		if err != nil {
			t.Fatalf("Unwrap rewrapped: %v", err)
		}
		pt, err := got.Open(ct, ad)
		if err != nil || string(pt) != "13800138000" {
			t.Errorf("Open after rewrap = %q, %v; want the sealed value", pt, err)
		}
	})

	t.Run("RewrapOfCurrentIsUnchanged", func(t *testing.T) {
		current, _ := mustNewDataKey(t, rotated, "subject-b")
		again, err := rotated.Rewrap("subject-b", current)
		if err != nil {
			t.Fatalf("Rewrap: %v", err)
		}
		if !bytes.Equal(again, current) {
			t.Error("Rewrap of a blob under the primary changed it")
		}
	})

	t.Run("RewrapChecksSubject", func(t *testing.T) {
		if _, err := rotated.Rewrap("subject-b", wrapped); !errors.Is(err, ErrDecrypt) {
			t.Errorf("Rewrap for another subject: error = %v, want ErrDecrypt", err)
		}
	})

	t.Run("RotateTwice", func(t *testing.T) {
		twiceJSON, err := RotateKEK(newJSON)
		if err != nil {
			t.Fatalf("RotateKEK: %v", err)
		}
		h := readHandle(t, twiceJSON)
		if h.Len() != 3 {
			t.Errorf("keys after two rotations = %d, want 3", h.Len())
		}
		if _, err := mustKEK(t, twiceJSON).Unwrap("subject-a", wrapped); err != nil {
			t.Errorf("Unwrap under the first key after two rotations: %v", err)
		}
	})
}

func readHandle(tb testing.TB, keysetJSON []byte) *keyset.Handle {
	tb.Helper()
	h, err := readKEKHandle(keysetJSON)
	if err != nil {
		tb.Fatalf("readKEKHandle: %v", err)
	}
	return h
}

// Errors of NewKEK and RotateKEK describe the problem and never quote the input, which is key
// material when it is almost right.
func TestNewKEKGarbageDoesNotEcho(t *testing.T) {
	good := string(mustKEKJSON(t))
	m := string(marker)
	cases := map[string]string{
		"Empty":           "",
		"Spaces":          "  \n",
		"NotJSON":         m,
		"JSONSyntaxError": `{"primaryKeyId": ` + m,
		"JSONString":      `"` + m + `"`,
		"UnknownField":    `{"` + m + `": 1}`,
		"NoKeys":          `{"primaryKeyId": 1, "key": []}`,
		"BadKeyValue":     strings.Replace(good, `"value":"`, `"value":"`+m, 1),
		"BinaryGarbage":   "\x00\xff\xfe" + m,
		"Truncated":       good[:len(good)/2],
	}
	for name, input := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := NewKEK([]byte(input))
			if err == nil {
				t.Fatal("NewKEK accepted garbage")
			}
			if custos.KindOf(err) != custos.KindInvalid {
				t.Errorf("error kind = %q, want invalid", custos.KindOf(err))
			}
			msg := err.Error()
			if strings.Contains(msg, m) || strings.Contains(msg, "MARKER") {
				t.Errorf("NewKEK error echoes the input: %q", msg)
			}
			if input != "" && strings.Contains(msg, input) {
				t.Errorf("NewKEK error contains the input: %q", msg)
			}
			if _, err := RotateKEK([]byte(input)); err == nil || strings.Contains(err.Error(), "MARKER") {
				t.Errorf("RotateKEK error = %v, want an error that does not echo the input", err)
			}
		})
	}
}

// A KEK must be AES-256-GCM with tink's prefix; a valid tink keyset of another kind is refused.
func TestNewKEKRefusesOtherKeyTypes(t *testing.T) {
	for name, params := range map[string]aesgcm.ParametersOpts{
		"AES128GCM":         {KeySizeInBytes: 16, IVSizeInBytes: 12, TagSizeInBytes: 16, Variant: aesgcm.VariantTink},
		"AES256GCMNoPrefix": {KeySizeInBytes: 32, IVSizeInBytes: 12, TagSizeInBytes: 16, Variant: aesgcm.VariantNoPrefix},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := aesgcm.NewParameters(params)
			if err != nil {
				t.Fatal(err)
			}
			m := keyset.NewManager()
			id, err := m.AddNewKeyFromParameters(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.SetPrimary(id); err != nil {
				t.Fatal(err)
			}
			h, err := m.Handle()
			if err != nil {
				t.Fatal(err)
			}
			j, err := writeKeysetJSON(h)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := NewKEK(j); custos.KindOf(err) != custos.KindInvalid {
				t.Errorf("NewKEK error = %v, want kind invalid", err)
			}
		})
	}
}

// R-SEC-1: the wrapped form never contains the data key in clear. The key bytes are set to a
// known marker so that they can be searched for.
func TestWrappedKeyHidesKeyMaterial(t *testing.T) {
	k := mustKEK(t, mustKEKJSON(t))
	p, err := aesgcm.NewParameters(aesgcm.ParametersOpts{
		KeySizeInBytes: 32, IVSizeInBytes: 12, TagSizeInBytes: 16, Variant: aesgcm.VariantTink,
	})
	if err != nil {
		t.Fatal(err)
	}
	key, err := aesgcm.NewKey(secretdata.NewBytesFromData(marker, insecuresecretdataaccess.Token{}), 42, p)
	if err != nil {
		t.Fatal(err)
	}
	m := keyset.NewManager()
	id, err := m.AddKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetPrimary(id); err != nil {
		t.Fatal(err)
	}
	h, err := m.Handle()
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := k.wrap("subject-a", h)
	if err != nil {
		t.Fatalf("wrap: %v", err)
	}
	if bytes.Contains(wrapped, marker) || bytes.Contains(wrapped, marker[:8]) {
		t.Error("the wrapped data key contains the key material")
	}
	// Control: the marker key is really the one wrapped.
	dk, err := k.Unwrap("subject-a", wrapped)
	if err != nil {
		t.Fatalf("Unwrap: %v", err)
	}
	ct := mustSeal(t, dk, []byte("x"), nil)
	direct, err := newDataKey(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := direct.Open(ct, nil); err != nil {
		t.Errorf("the marker key does not open what the unwrapped key sealed: %v", err)
	}
}

// The KEK format is tink's JSON keyset, readable by tink's own tooling.
func TestGenerateKEKIsTinkJSON(t *testing.T) {
	j := mustKEKJSON(t)
	h := readHandle(t, j)
	if h.Len() != 1 {
		t.Errorf("keys = %d, want 1", h.Len())
	}
	if !bytes.Contains(j, []byte(`"typeUrl":"type.googleapis.com/google.crypto.tink.AesGcmKey"`)) {
		t.Errorf("GenerateKEK output is not a tink JSON AES-GCM keyset: %.80s...", j)
	}
	if bytes.Equal(j, mustKEKJSON(t)) {
		t.Error("two generated KEKs are equal")
	}
}

// Error messages of the unwrap path carry neither the subject id nor the blob.
func TestUnwrapErrorsSayNothing(t *testing.T) {
	k := mustKEK(t, mustKEKJSON(t))
	_, err := k.Unwrap("subject-"+string(marker), append([]byte{wrapVersion, 1}, marker...))
	if !errors.Is(err, ErrDecrypt) {
		t.Fatalf("error = %v, want ErrDecrypt", err)
	}
	if strings.Contains(err.Error(), "MARKER") {
		t.Errorf("Unwrap error echoes its input: %q", err)
	}
}

// R-RET-3: after a rotation, re-wrapping and retiring the old keys, a data key wrapped under
// the old KEK (as an old backup of the key store holds it) opens no more.
func TestRetireOldKEKs(t *testing.T) {
	oldJSON := mustKEKJSON(t)
	oldKEK := mustKEK(t, oldJSON)
	wrappedOld, _ := mustNewDataKey(t, oldKEK, "sb_1")
	rotatedJSON, err := RotateKEK(oldJSON)
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustKEK(t, rotatedJSON)
	rewrapped, err := rotated.Rewrap("sb_1", wrappedOld)
	if err != nil {
		t.Fatal(err)
	}
	retiredJSON, err := RetireOldKEKs(rotatedJSON)
	if err != nil {
		t.Fatal(err)
	}
	retired := mustKEK(t, retiredJSON)
	if _, err := retired.Unwrap("sb_1", rewrapped); err != nil {
		t.Fatalf("the re-wrapped key no longer opens: %v", err)
	}
	if _, err := retired.Unwrap("sb_1", wrappedOld); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("a key wrapped under a retired KEK still opens: %v", err)
	}
}
