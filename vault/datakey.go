package vault

import (
	"encoding/binary"
	"fmt"
	"sync/atomic"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// DataKey is one subject's unwrapped data key. It seals and opens that subject's records and is
// safe for concurrent use. Hold it no longer than needed, and only in a [KeyCache] between
// requests, so that erasure can reach it.
type DataKey struct {
	p atomic.Pointer[primitive]
}

type primitive struct{ aead tink.AEAD }

func newDataKey(h *keyset.Handle) (*DataKey, error) {
	a, err := aead.New(h)
	if err != nil {
		return nil, internal("load data key", err)
	}
	dk := new(DataKey)
	dk.p.Store(&primitive{aead: a})
	return dk, nil
}

// Seal encrypts plaintext and binds it to associatedData, which is not encrypted but must be
// given again, identical, to open the result. Use [RecordAssociatedData] so that a ciphertext
// copied to another subject, category or field does not open. The result is 33 bytes longer
// than plaintext: tink's 5-byte key prefix, a random 12-byte nonce and a 16-byte tag.
func (d *DataKey) Seal(plaintext, associatedData []byte) ([]byte, error) {
	p := d.p.Load()
	if p == nil {
		return nil, ErrKeyDestroyed
	}
	ct, err := p.aead.Encrypt(plaintext, associatedData)
	if err != nil {
		return nil, internal("seal", err)
	}
	return ct, nil
}

// Open decrypts a ciphertext made by Seal with the same associated data. Any failure (another
// key, other associated data, a changed byte) is [ErrDecrypt] and nothing more.
func (d *DataKey) Open(ciphertext, associatedData []byte) ([]byte, error) {
	p := d.p.Load()
	if p == nil {
		return nil, ErrKeyDestroyed
	}
	pt, err := p.aead.Decrypt(ciphertext, associatedData)
	if err != nil {
		return nil, decryptError("open")
	}
	return pt, nil
}

// Destroy makes the key unusable: Seal and Open fail with [ErrKeyDestroyed] from now on, also
// for other holders of d, and d no longer references the key material, so the garbage
// collector can reclaim it once calls in flight return. That is the best Go allows: the AES key
// schedule inside tink and the standard library cannot be overwritten from here, so a copy may
// remain in freed memory until it is reused. Destroy is idempotent.
func (d *DataKey) Destroy() {
	d.p.Store(nil)
}

// recordLabel separates record associated data from any other associated data.
const recordLabel = "custos/vault/record/v1\x00"

// RecordAssociatedData returns the associated data that binds a sealed value to its place: the
// subject, the data category, and the field within it ("" when one ciphertext holds the whole
// category). The encoding is unambiguous (each part is length-prefixed), so ("ab", "c") and
// ("a", "bc") differ.
func RecordAssociatedData(subjectID, category, field string) []byte {
	n := len(recordLabel) + len(subjectID) + len(category) + len(field) + 3*binary.MaxVarintLen64
	ad := make([]byte, 0, n)
	ad = append(ad, recordLabel...)
	for _, part := range [...]string{subjectID, category, field} {
		ad = binary.AppendUvarint(ad, uint64(len(part)))
		ad = append(ad, part...)
	}
	return ad
}

// String never shows key material, so a DataKey printed by mistake leaks nothing.
func (d *DataKey) String() string {
	if d.p.Load() == nil {
		return "vault.DataKey(destroyed)"
	}
	return "vault.DataKey"
}

var _ fmt.Stringer = (*DataKey)(nil)
