package vault

import (
	"bytes"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/aead/aesgcm"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// wrapVersion is the first byte of a wrapped data key. It is also named in the associated data
// (wrapLabel), so changing it makes the blob fail to unwrap rather than be misread.
const wrapVersion = 0x01

// wrapLabel separates data-key wrapping from any other use of the KEK: the associated data is
// wrapLabel || subject id, never the bare id, so a blob encrypted by the same KEK for another
// purpose cannot be passed off as a data key.
const wrapLabel = "custos/vault/data-key/v1\x00"

// GenerateKEK returns a new key-encryption key: a tink keyset holding one AES-256-GCM key, as
// tink's JSON keyset format. The result is key material in clear: keep it in a secret store,
// apart from the data it protects, never next to the wrapped keys.
func GenerateKEK() ([]byte, error) {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, internal("generate key-encryption key", err)
	}
	return writeKeysetJSON(h)
}

// RotateKEK returns keysetJSON with a new AES-256-GCM key added as primary. The older keys stay
// enabled, so data keys wrapped under them still unwrap; [KEK.Rewrap] moves each to the new
// primary, after which an old key can be disabled with tink's tooling.
func RotateKEK(keysetJSON []byte) ([]byte, error) {
	h, err := readKEKHandle(keysetJSON)
	if err != nil {
		return nil, err
	}
	if _, err := kekFromHandle(h); err != nil {
		return nil, err
	}
	m := keyset.NewManagerFromHandle(h)
	id, err := m.Add(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, internal("rotate key-encryption key", err)
	}
	if err := m.SetPrimary(id); err != nil {
		return nil, internal("rotate key-encryption key", err)
	}
	rotated, err := m.Handle()
	if err != nil {
		return nil, internal("rotate key-encryption key", err)
	}
	return writeKeysetJSON(rotated)
}

// KEK is a key-encryption key ready for use: it wraps and unwraps subjects' data keys. It is
// safe for concurrent use.
type KEK struct {
	aead tink.AEAD
	// primaryPrefix is the tink output prefix of the primary key (0x01 || key id), which starts
	// every ciphertext it makes; Rewrap uses it to leave already-current blobs alone.
	primaryPrefix []byte
}

// NewKEK parses a key-encryption key in tink's JSON keyset format. Its primary key must be an
// AES-256-GCM key with tink's output prefix (as made by [GenerateKEK] and [RotateKEK]). Errors
// say what is wrong in general terms and never quote the input.
func NewKEK(keysetJSON []byte) (*KEK, error) {
	h, err := readKEKHandle(keysetJSON)
	if err != nil {
		return nil, err
	}
	return kekFromHandle(h)
}

func kekFromHandle(h *keyset.Handle) (*KEK, error) {
	primary, err := h.Primary()
	if err != nil {
		return nil, invalid("key-encryption key: keyset has no primary key")
	}
	k, ok := primary.Key().(*aesgcm.Key)
	if !ok {
		return nil, invalid("key-encryption key: primary key is not AES-GCM")
	}
	p, ok := k.Parameters().(*aesgcm.Parameters)
	if !ok || p.KeySizeInBytes() != 32 || p.Variant() != aesgcm.VariantTink {
		return nil, invalid("key-encryption key: primary key must be AES-256-GCM with tink's output prefix")
	}
	a, err := aead.New(h)
	if err != nil {
		// tink's message may name a key type; it never holds key bytes, but we drop it anyway.
		return nil, invalid("key-encryption key: keyset holds a key that is not an AEAD key")
	}
	return &KEK{aead: a, primaryPrefix: k.OutputPrefix()}, nil
}

// NewDataKey creates a fresh data key for a subject and returns it along with its wrapped form,
// the only form to store. subjectID is bound to the wrapped key as associated data.
func (k *KEK) NewDataKey(subjectID string) (wrapped []byte, dk *DataKey, err error) {
	if subjectID == "" {
		return nil, nil, invalid("data key: empty subject id")
	}
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, nil, internal("generate data key", err)
	}
	dk, err = newDataKey(h)
	if err != nil {
		return nil, nil, err
	}
	wrapped, err = k.wrap(subjectID, h)
	if err != nil {
		return nil, nil, err
	}
	return wrapped, dk, nil
}

// Unwrap decrypts a subject's wrapped data key. It fails with [ErrDecrypt] if the blob was
// wrapped for another subject id, was tampered with, or was wrapped under a key this KEK does
// not hold.
func (k *KEK) Unwrap(subjectID string, wrapped []byte) (*DataKey, error) {
	h, err := k.unwrap(subjectID, wrapped)
	if err != nil {
		return nil, err
	}
	dk, err := newDataKey(h)
	if err != nil {
		// The blob authenticated, so this is not tampering, but it is still not a data key.
		return nil, decryptError("unwrap data key")
	}
	return dk, nil
}

// Rewrap returns the subject's wrapped data key encrypted under the KEK's current primary key,
// for KEK rotation. A blob already under the primary is verified and returned unchanged (a copy),
// so a rotation job can compare with [bytes.Equal] and skip the write.
func (k *KEK) Rewrap(subjectID string, wrapped []byte) ([]byte, error) {
	h, err := k.unwrap(subjectID, wrapped)
	if err != nil {
		return nil, err
	}
	if k.isCurrent(wrapped) {
		return bytes.Clone(wrapped), nil
	}
	return k.wrap(subjectID, h)
}

// isCurrent reports whether a wrapped key was made by the primary key.
func (k *KEK) isCurrent(wrapped []byte) bool {
	return len(wrapped) > 1 && bytes.HasPrefix(wrapped[1:], k.primaryPrefix)
}

// wrap encrypts a data keyset under the KEK's primary key. Only the tink ciphertext is kept,
// not tink's EncryptedKeyset message, whose KeysetInfo is unauthenticated: every byte of the
// result is covered by the AEAD tag, so any change makes it fail to unwrap.
func (k *KEK) wrap(subjectID string, h *keyset.Handle) ([]byte, error) {
	var w ciphertextIO
	if err := h.WriteWithAssociatedData(&w, k.aead, wrapAD(subjectID)); err != nil {
		return nil, internal("wrap data key", err)
	}
	out := make([]byte, 0, 1+len(w.ciphertext))
	out = append(out, wrapVersion)
	return append(out, w.ciphertext...), nil
}

func (k *KEK) unwrap(subjectID string, wrapped []byte) (*keyset.Handle, error) {
	if subjectID == "" {
		return nil, invalid("data key: empty subject id")
	}
	if len(wrapped) < 2 || wrapped[0] != wrapVersion {
		return nil, decryptError("unwrap data key")
	}
	r := ciphertextIO{ciphertext: wrapped[1:]}
	h, err := keyset.ReadWithAssociatedData(&r, k.aead, wrapAD(subjectID))
	if err != nil {
		return nil, decryptError("unwrap data key")
	}
	return h, nil
}

func wrapAD(subjectID string) []byte {
	ad := make([]byte, 0, len(wrapLabel)+len(subjectID))
	ad = append(ad, wrapLabel...)
	return append(ad, subjectID...)
}

// ciphertextIO is a keyset.Reader and keyset.Writer that holds only the encrypted bytes of an
// encrypted keyset. It refuses cleartext keysets, so a data key can never leave unencrypted.
type ciphertextIO struct {
	ciphertext []byte
}

func (c *ciphertextIO) Read() (*tinkpb.Keyset, error) {
	return nil, errCleartext
}

func (c *ciphertextIO) ReadEncrypted() (*tinkpb.EncryptedKeyset, error) {
	return &tinkpb.EncryptedKeyset{EncryptedKeyset: c.ciphertext}, nil
}

func (c *ciphertextIO) Write(*tinkpb.Keyset) error {
	return errCleartext
}

func (c *ciphertextIO) WriteEncrypted(ks *tinkpb.EncryptedKeyset) error {
	c.ciphertext = ks.GetEncryptedKeyset()
	return nil
}

var errCleartext = invalid("a data key is never written or read in clear")

// readKEKHandle parses a cleartext JSON keyset. tink's parse errors can quote the input (JSON
// syntax errors show the offending text), which here is key material: they are replaced, not
// wrapped.
func readKEKHandle(keysetJSON []byte) (*keyset.Handle, error) {
	if len(bytes.TrimSpace(keysetJSON)) == 0 {
		return nil, invalid("key-encryption key: empty keyset")
	}
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(bytes.NewReader(keysetJSON)))
	if err != nil {
		return nil, invalid("key-encryption key: not a valid tink JSON keyset")
	}
	return h, nil
}

func writeKeysetJSON(h *keyset.Handle) ([]byte, error) {
	var buf bytes.Buffer
	if err := insecurecleartextkeyset.Write(h, keyset.NewJSONWriter(&buf)); err != nil {
		return nil, internal("write key-encryption key", err)
	}
	return buf.Bytes(), nil
}

// RetireOldKEKs returns keysetJSON with every key but the primary deleted: the last step of
// a rotation, once every stored data key was re-wrapped under the primary ([KEK.Rewrap]).
// From then on a wrapped key recovered from an old backup of the key store, or from pages a
// database has not yet overwritten, opens under no key the operator still holds.
func RetireOldKEKs(keysetJSON []byte) ([]byte, error) {
	h, err := readKEKHandle(keysetJSON)
	if err != nil {
		return nil, err
	}
	if _, err := kekFromHandle(h); err != nil {
		return nil, err
	}
	info := h.KeysetInfo()
	m := keyset.NewManagerFromHandle(h)
	for _, k := range info.GetKeyInfo() {
		if k.GetKeyId() == info.GetPrimaryKeyId() {
			continue
		}
		if err := m.Delete(k.GetKeyId()); err != nil {
			return nil, internal("retire key-encryption keys", err)
		}
	}
	retired, err := m.Handle()
	if err != nil {
		return nil, internal("retire key-encryption keys", err)
	}
	return writeKeysetJSON(retired)
}
