package auditlog

import (
	"crypto/sha256"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Extension is what appending leaves to a log of size Start must store: the new stored
// hashes, which take the consecutive stored-hash ids from FirstID, and the new root.
type Extension struct {
	Start   int64
	FirstID int64
	Hashes  []tlog.Hash
	Size    int64
	Root    tlog.Hash
}

// Extend computes the stored hashes for leaves appended at index start onwards, reading
// existing hashes through r. Only the O(log n) frontier of the existing tree is read, so
// an append costs O(log n) whatever the size of the log.
func Extend(start int64, leaves [][]byte, r tlog.HashReader) (*Extension, error) {
	ov := &overlay{base: r, hashes: make(map[int64]tlog.Hash, 3*len(leaves)+64)}
	ext := &Extension{Start: start, FirstID: tlog.StoredHashIndex(0, start)}
	for i, leaf := range leaves {
		n := start + int64(i)
		hs, err := tlog.StoredHashes(n, leaf, ov)
		if err != nil {
			return nil, fmt.Errorf("hash audit leaf %d: %w", n, err)
		}
		id := tlog.StoredHashIndex(0, n)
		for j, h := range hs {
			ov.hashes[id+int64(j)] = h
		}
		ext.Hashes = append(ext.Hashes, hs...)
	}
	ext.Size = start + int64(len(leaves))
	root, err := tlog.TreeHash(ext.Size, ov)
	if err != nil {
		return nil, fmt.Errorf("audit tree hash at %d: %w", ext.Size, err)
	}
	ext.Root = root
	return ext, nil
}

// overlay reads hashes written in this batch from memory and the rest from the store,
// remembering what it read.
type overlay struct {
	base   tlog.HashReader
	hashes map[int64]tlog.Hash
}

func (o *overlay) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for i, id := range indexes {
		if h, ok := o.hashes[id]; ok {
			out[i] = h
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	got, err := o.base.ReadHashes(missing)
	if err != nil {
		return nil, err
	}
	if len(got) != len(missing) {
		return nil, fmt.Errorf("read %d audit hashes, got %d", len(missing), len(got))
	}
	for i, id := range missing {
		o.hashes[id] = got[i]
	}
	for i, id := range indexes {
		out[i] = o.hashes[id]
	}
	return out, nil
}

// frontier computes a Merkle tree's stored hashes and roots one leaf at a time, keeping
// only the O(log n) roots of the complete subtrees on its right edge.
type frontier struct {
	n     int64
	stack []level
}

type level struct {
	height int
	hash   tlog.Hash
}

// add appends a leaf hash and returns the stored hashes it completes, in tlog's order:
// the leaf hash, then each parent it completes, lowest first.
func (f *frontier) add(leafHash tlog.Hash, emit func(tlog.Hash)) {
	f.stack = append(f.stack, level{0, leafHash})
	emit(leafHash)
	for len(f.stack) >= 2 {
		a, b := f.stack[len(f.stack)-2], f.stack[len(f.stack)-1]
		if a.height != b.height {
			break
		}
		p := level{a.height + 1, tlog.NodeHash(a.hash, b.hash)}
		f.stack = append(f.stack[:len(f.stack)-2], p)
		emit(p.hash)
	}
	f.n++
}

// root is the RFC 6962 root of the leaves added so far.
func (f *frontier) root() tlog.Hash {
	if len(f.stack) == 0 {
		return tlog.Hash(sha256.Sum256(nil)) // RFC 6962: the hash of the empty tree
	}
	h := f.stack[len(f.stack)-1].hash
	for i := len(f.stack) - 2; i >= 0; i-- {
		h = tlog.NodeHash(f.stack[i].hash, h)
	}
	return h
}
