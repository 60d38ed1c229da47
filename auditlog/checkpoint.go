package auditlog

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// DefaultOrigin names the log in checkpoints when the operator configures no other.
const DefaultOrigin = "custos.local/audit"

// GenerateKey makes a new Ed25519 note key pair for the log named origin, in the note
// package's text forms (PRIVATE+KEY+name+hash+base64 and name+hash+base64).
func GenerateKey(origin string) (skey, vkey string, err error) {
	return note.GenerateKey(rand.Reader, origin)
}

// Signer signs checkpoints with one note key.
type Signer struct {
	signer   note.Signer
	verifier note.Verifier
	vkey     string
}

// NewSigner parses a private note key.
func NewSigner(skey string) (*Signer, error) {
	s, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	vkey, err := verifierKeyOf(strings.TrimSpace(skey))
	if err != nil {
		return nil, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("audit verifier key: %w", err)
	}
	return &Signer{signer: s, verifier: v, vkey: vkey}, nil
}

// verifierKeyOf derives the public key text from a private one
// (PRIVATE+KEY+name+hash+base64(alg||priv)).
func verifierKeyOf(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("audit signing key: malformed")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 33 || raw[0] != 1 {
		return "", errors.New("audit signing key: not an Ed25519 note key")
	}
	return note.NewEd25519VerifierKey(parts[2], ed25519Public(raw[1:]))
}

// Origin is the log's name, the first line of every checkpoint.
func (s *Signer) Origin() string { return s.signer.Name() }

// VerifierKey is the public key in note form: name+hash+base64.
func (s *Signer) VerifierKey() string { return s.vkey }

// Verifier checks notes signed by s.
func (s *Signer) Verifier() note.Verifier { return s.verifier }

// Sign returns the signed checkpoint for a tree of the given size and root.
func (s *Signer) Sign(size int64, root tlog.Hash) ([]byte, error) {
	text := FormatCheckpoint(s.Origin(), size, root)
	msg, err := note.Sign(&note.Note{Text: text}, s.signer)
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint: %w", err)
	}
	return msg, nil
}

// FormatCheckpoint is the checkpoint body: origin, size, base64 root, each on a line.
func FormatCheckpoint(origin string, size int64, root tlog.Hash) string {
	return origin + "\n" + strconv.FormatInt(size, 10) + "\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"
}

// Checkpoint is a verified checkpoint's content.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// OpenCheckpoint checks the signature of a signed checkpoint and parses its body.
func OpenCheckpoint(msg []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	return ParseCheckpoint(n.Text)
}

// ParseCheckpoint parses an (already verified) checkpoint body.
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return Checkpoint{}, errors.New("checkpoint: want origin, size and root lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return Checkpoint{}, errors.New("checkpoint: bad size line")
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return Checkpoint{}, errors.New("checkpoint: bad root hash line")
	}
	var c Checkpoint
	c.Origin, c.Size = lines[0], size
	copy(c.Root[:], raw)
	if !bytes.Equal(c.Root[:], raw) {
		return Checkpoint{}, errors.New("checkpoint: bad root hash")
	}
	return c, nil
}
