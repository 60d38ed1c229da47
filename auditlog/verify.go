package auditlog

import (
	"bytes"
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Leaf is one stored event: its index and the exact leaf bytes.
type Leaf struct {
	Index int64
	Data  []byte
}

// StoredHash is one row of the stored hash table.
type StoredHash struct {
	ID   int64
	Hash tlog.Hash
}

// SignedCheckpoint is one stored signed note with the size it claims.
type SignedCheckpoint struct {
	Size int64
	Note []byte
}

// Source is what Verify reads: the stored leaves, stored hashes and signed checkpoints,
// each in ascending order, a page at a time.
type Source interface {
	ReadLeaves(ctx context.Context, start int64, limit int) ([]Leaf, error)
	ReadStoredHashes(ctx context.Context, startID int64, limit int) ([]StoredHash, error)
	ReadCheckpoints(ctx context.Context, afterSize int64, limit int) ([]SignedCheckpoint, error)
}

// Report is what an intact log verified to.
type Report struct {
	Size        int64     // events checked
	Root        tlog.Hash // root of all of them
	Checkpoints int       // signed checkpoints checked
	Latest      int64     // size of the latest checkpoint
}

// Failure says where the log stops being what its hashes and checkpoints say.
type Failure struct {
	Index  int64 // the first bad event index
	Reason string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("audit log broken at index %d: %s", f.Index, f.Reason)
}

const pageSize = 4096

// Verify recomputes the Merkle tree from the stored leaves alone and checks, in one
// streaming pass with O(log n) memory: that indexes are contiguous from 0; that each leaf
// decodes to an event carrying its own index; that every stored hash is the recomputed
// one; and that every signed checkpoint verifies under v and names the recomputed root at
// its size. The latest checkpoint must not claim more events than are stored. The first
// problem is returned as a *Failure naming the first bad index.
func Verify(ctx context.Context, src Source, v note.Verifier) (Report, error) {
	var (
		f        frontier
		rep      Report
		hashes   []StoredHash
		nextHash int64
		leaves   []Leaf
		cps      []SignedCheckpoint
		cpAfter  int64 = -1
		cpDone   bool
		prevSize int64
	)
	nextCheckpoint := func() (*Checkpoint, error) {
		for len(cps) == 0 && !cpDone {
			page, err := src.ReadCheckpoints(ctx, cpAfter, pageSize)
			if err != nil {
				return nil, fmt.Errorf("read checkpoints: %w", err)
			}
			if len(page) < pageSize {
				cpDone = true
			}
			cps = page
			if len(page) > 0 {
				cpAfter = page[len(page)-1].Size
			}
		}
		if len(cps) == 0 {
			return nil, nil
		}
		sc := cps[0]
		cps = cps[1:]
		c, err := OpenCheckpoint(sc.Note, v)
		if err != nil {
			return nil, &Failure{Index: prevSize, Reason: fmt.Sprintf("checkpoint for size %d does not verify: %v", sc.Size, err)}
		}
		if c.Size != sc.Size {
			return nil, &Failure{Index: prevSize, Reason: fmt.Sprintf("checkpoint stored for size %d says size %d", sc.Size, c.Size)}
		}
		return &c, nil
	}
	cp, err := nextCheckpoint()
	if err != nil {
		return rep, err
	}
	// checkAt compares every checkpoint of the current size with the recomputed root.
	checkAt := func() error {
		for cp != nil && cp.Size == f.n {
			if cp.Size > 0 && f.root() != cp.Root {
				return &Failure{Index: prevSize, Reason: fmt.Sprintf("root at size %d differs from its signed checkpoint (an event in [%d, %d) was changed)", cp.Size, prevSize, cp.Size)}
			}
			rep.Checkpoints++
			rep.Latest = cp.Size
			prevSize = cp.Size
			var err error
			if cp, err = nextCheckpoint(); err != nil {
				return err
			}
		}
		return nil
	}
	if err := checkAt(); err != nil {
		return rep, err
	}
	for {
		if len(leaves) == 0 {
			page, err := src.ReadLeaves(ctx, f.n, pageSize)
			if err != nil {
				return rep, fmt.Errorf("read audit leaves: %w", err)
			}
			if len(page) == 0 {
				break
			}
			leaves = page
		}
		l := leaves[0]
		leaves = leaves[1:]
		n := f.n
		if l.Index != n {
			return rep, &Failure{Index: n, Reason: fmt.Sprintf("event %d is missing (next stored is %d)", n, l.Index)}
		}
		ev, err := DecodeLeaf(l.Data)
		if err != nil {
			return rep, &Failure{Index: n, Reason: "leaf is not a valid event"}
		}
		if ev.Index != n {
			return rep, &Failure{Index: n, Reason: fmt.Sprintf("leaf carries index %d", ev.Index)}
		}
		if re, err := EncodeLeaf(ev); err != nil || !bytes.Equal(re, l.Data) {
			return rep, &Failure{Index: n, Reason: "leaf is not in canonical form"}
		}
		var bad error
		f.add(tlog.RecordHash(l.Data), func(h tlog.Hash) {
			if bad != nil {
				return
			}
			if len(hashes) == 0 {
				page, err := src.ReadStoredHashes(ctx, nextHash, pageSize)
				if err != nil {
					bad = fmt.Errorf("read audit hashes: %w", err)
					return
				}
				hashes = page
			}
			if len(hashes) == 0 || hashes[0].ID != nextHash {
				bad = &Failure{Index: n, Reason: fmt.Sprintf("stored hash %d is missing", nextHash)}
				return
			}
			if hashes[0].Hash != h {
				bad = &Failure{Index: n, Reason: fmt.Sprintf("stored hash %d does not match the event", nextHash)}
				return
			}
			hashes = hashes[1:]
			nextHash++
		})
		if bad != nil {
			return rep, bad
		}
		if err := checkAt(); err != nil {
			return rep, err
		}
	}
	if cp != nil {
		return rep, &Failure{Index: f.n, Reason: fmt.Sprintf("signed checkpoint covers %d events but only %d are stored", cp.Size, f.n)}
	}
	rep.Size = f.n
	rep.Root = f.root()
	return rep, nil
}
