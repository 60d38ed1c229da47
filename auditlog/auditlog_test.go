package auditlog

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// memLog is a minimal in-memory store for the pure core, built only from the package's
// exported pieces, the way the SQL stores use them.
type memLog struct {
	leaves [][]byte
	hashes []tlog.Hash
	cps    []SignedCheckpoint
}

func (m *memLog) ReadHashes(ids []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ids))
	for i, id := range ids {
		if id >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("no hash %d", id)
		}
		out[i] = m.hashes[id]
	}
	return out, nil
}

func (m *memLog) append(t *testing.T, s *Signer, events ...*Event) {
	t.Helper()
	start := int64(len(m.leaves))
	var leaves [][]byte
	for i, e := range events {
		e.Index = start + int64(i)
		b, err := EncodeLeaf(e)
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, b)
	}
	ext, err := Extend(start, leaves, m)
	if err != nil {
		t.Fatal(err)
	}
	if ext.FirstID != int64(len(m.hashes)) {
		t.Fatalf("FirstID = %d, have %d hashes", ext.FirstID, len(m.hashes))
	}
	m.leaves = append(m.leaves, leaves...)
	m.hashes = append(m.hashes, ext.Hashes...)
	msg, err := s.Sign(ext.Size, ext.Root)
	if err != nil {
		t.Fatal(err)
	}
	m.cps = append(m.cps, SignedCheckpoint{Size: ext.Size, Note: msg})
}

func (m *memLog) ReadLeaves(_ context.Context, start int64, limit int) ([]Leaf, error) {
	var out []Leaf
	for i := start; i < int64(len(m.leaves)) && len(out) < limit; i++ {
		if m.leaves[i] == nil { // deleted row
			continue
		}
		out = append(out, Leaf{Index: i, Data: m.leaves[i]})
	}
	return out, nil
}

func (m *memLog) ReadStoredHashes(_ context.Context, start int64, limit int) ([]StoredHash, error) {
	var out []StoredHash
	for i := start; i < int64(len(m.hashes)) && len(out) < limit; i++ {
		out = append(out, StoredHash{ID: i, Hash: m.hashes[i]})
	}
	return out, nil
}

func (m *memLog) ReadCheckpoints(_ context.Context, after int64, limit int) ([]SignedCheckpoint, error) {
	var out []SignedCheckpoint
	for _, c := range m.cps {
		if c.Size > after && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

func newSigner(t *testing.T) *Signer {
	t.Helper()
	skey, vkey, err := GenerateKey("test.custos/audit")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	if s.VerifierKey() != vkey {
		t.Fatalf("derived verifier key %q, want %q", s.VerifierKey(), vkey)
	}
	return s
}

func ev(i int) *Event {
	return &Event{Time: time.Date(2026, 11, 27, 0, 0, i, 0, time.UTC), Actor: "cli", Action: "test.event", Object: fmt.Sprintf("thing/%d", i)}
}

func build(t *testing.T, s *Signer, n, batch int) *memLog {
	m := &memLog{}
	for i := 0; i < n; i += batch {
		var es []*Event
		for j := i; j < i+batch && j < n; j++ {
			es = append(es, ev(j))
		}
		m.append(t, s, es...)
	}
	return m
}

func TestVerifyIntactAndProofs(t *testing.T) {
	s := newSigner(t)
	m := build(t, s, 37, 5)
	rep, err := Verify(context.Background(), m, s.Verifier())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Size != 37 || rep.Latest != 37 || rep.Checkpoints != 8 {
		t.Fatalf("report %+v", rep)
	}
	th, err := tlog.TreeHash(37, m)
	if err != nil || th != rep.Root {
		t.Fatalf("root %x, tlog says %x (%v)", rep.Root, th, err)
	}
	// Every leaf proves into the tree with tlog's own checks.
	for n := int64(0); n < 37; n++ {
		p, err := tlog.ProveRecord(37, n, m)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, 37, th, n, tlog.RecordHash(m.leaves[n])); err != nil {
			t.Fatalf("leaf %d: %v", n, err)
		}
	}
	old, _ := tlog.TreeHash(10, m)
	p, err := tlog.ProveTree(37, 10, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckTree(p, 37, th, 10, old); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	s := newSigner(t)
	other := newSigner(t)
	cases := []struct {
		name   string
		tamper func(m *memLog)
		index  int64
	}{
		{"EventChanged", func(m *memLog) {
			e, _ := DecodeLeaf(m.leaves[12])
			e.Action = "test.other"
			m.leaves[12], _ = EncodeLeaf(e)
		}, 12},
		{"EventDeleted", func(m *memLog) { m.leaves[20] = nil }, 20},
		{"EventsSwapped", func(m *memLog) { m.leaves[3], m.leaves[4] = m.leaves[4], m.leaves[3] }, 3},
		{"TailTruncated", func(m *memLog) { m.leaves = m.leaves[:30] }, 30},
		{"HashesRewrittenToMatch", func(m *memLog) {
			// An attacker who edits event 7 and recomputes every stored hash is still
			// caught by the signed checkpoints.
			e, _ := DecodeLeaf(m.leaves[7])
			e.Object = "thing/forged"
			m.leaves[7], _ = EncodeLeaf(e)
			var f frontier
			m.hashes = m.hashes[:0]
			for _, l := range m.leaves {
				f.add(tlog.RecordHash(l), func(h tlog.Hash) { m.hashes = append(m.hashes, h) })
			}
		}, 5},
		{"CheckpointForged", func(m *memLog) {
			msg, _ := other.Sign(m.cps[2].Size, tlog.Hash{})
			m.cps[2].Note = msg
		}, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := build(t, s, 37, 5)
			c.tamper(m)
			_, err := Verify(context.Background(), m, s.Verifier())
			var f *Failure
			if !errors.As(err, &f) {
				t.Fatalf("Verify = %v, want a Failure", err)
			}
			if f.Index != c.index {
				t.Fatalf("first bad index %d (%s), want %d", f.Index, f.Reason, c.index)
			}
		})
	}
}

func TestEncodeLeafIsCanonical(t *testing.T) {
	e := &Event{Index: 3, Time: time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("CST", 8*3600)), Actor: "token:abc", Action: "token.create", Details: map[string]string{"b": "2", "a": "1"}, RIDs: []string{"R-SEC-1"}}
	a, err := EncodeLeaf(e)
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeLeaf(a)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := EncodeLeaf(d)
	if string(a) != string(b) {
		t.Fatalf("re-encoding changed the leaf:\n%s\n%s", a, b)
	}
	want := `{"index":3,"time":"2026-01-01T19:04:05.000006Z","actor":"token:abc","action":"token.create","rids":["R-SEC-1"],"details":{"a":"1","b":"2"}}`
	if string(a) != want {
		t.Fatalf("leaf\n got %s\nwant %s", a, want)
	}
}

func BenchmarkExtend(b *testing.B) {
	m := &memLog{}
	leaf := []byte(`{"index":0,"time":"2026-01-01T00:00:00Z","actor":"cli","action":"bench"}`)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ext, err := Extend(int64(len(m.leaves)), [][]byte{leaf}, m)
		if err != nil {
			b.Fatal(err)
		}
		m.leaves = append(m.leaves, leaf)
		m.hashes = append(m.hashes, ext.Hashes...)
	}
}
