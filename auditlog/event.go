// Package auditlog is custos's tamper-evident log: events are the leaves of an RFC 6962
// Merkle tree (hashed with golang.org/x/mod/sumdb/tlog), and checkpoints are signed in the
// C2SP tlog-checkpoint format with an Ed25519 note key (golang.org/x/mod/sumdb/note).
//
// It is a pure core: it encodes leaves, computes the hashes a store must keep, signs and
// checks checkpoints and verifies a whole log read through a small interface. It does no
// I/O of its own, and an event must never carry personal information: identifiers only.
package auditlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Event is one audited fact: who did what, when, to which tenant and subject, under which
// requirement. Details hold identifiers and codes only, never PI.
type Event struct {
	Index   int64             `json:"index"`
	Time    time.Time         `json:"time"`
	Actor   string            `json:"actor"`
	Role    string            `json:"role,omitempty"`
	Action  string            `json:"action"`
	Tenant  string            `json:"tenant,omitempty"`
	Subject string            `json:"subject,omitempty"`
	Object  string            `json:"object,omitempty"`
	RIDs    []string          `json:"rids,omitempty"`
	Details map[string]string `json:"details,omitempty"`
}

// EncodeLeaf returns the exact bytes that become the Merkle leaf of e. The encoding is
// deterministic (struct fields in order, map keys sorted, times in UTC) so that anyone
// can re-derive the leaf from the event it publishes. The index is part of the leaf, so
// events moved to other positions no longer match their hashes.
func EncodeLeaf(e *Event) ([]byte, error) {
	if e.Action == "" {
		return nil, errors.New("audit event without an action")
	}
	if e.Actor == "" {
		return nil, errors.New("audit event without an actor")
	}
	c := *e
	c.Time = c.Time.UTC().Truncate(time.Microsecond)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&c); err != nil {
		return nil, fmt.Errorf("encode audit event: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// DecodeLeaf parses leaf bytes back into an event.
func DecodeLeaf(leaf []byte) (*Event, error) {
	var e Event
	dec := json.NewDecoder(bytes.NewReader(leaf))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("decode audit leaf: %w", err)
	}
	return &e, nil
}
