package access

import (
	"sync/atomic"

	"custos.dev/custos/policy"
)

// Index is the in-memory view of the active grants that decisions read: one map lookup and
// a few compares, no allocation, no lock. It is an immutable snapshot swapped atomically, so
// readers never wait for a reload.
//
// It may lag the database by one refresh for changes made on another instance; expiry holds
// exactly, since each entry carries its end. Reads of data never rely on it: they confirm
// the grant in the database (Service.Confirm), which every instance shares.
type Index struct {
	snap atomic.Pointer[snapshot]
}

type grantKey struct{ token, tenant string }

type grantEntry struct {
	id       string
	cats     uint32 // bit c: category c
	purposes uint64 // bit p: purpose p
	expires  int64  // Unix nanoseconds
}

type snapshot struct {
	m       map[grantKey][]grantEntry
	version int64
	n       int
}

// build compiles grants into a snapshot; names the policy does not know are left out.
func build(eng *policy.Engine, grants []Grant, version int64) *snapshot {
	s := &snapshot{m: make(map[grantKey][]grantEntry, len(grants)), version: version}
	for _, g := range grants {
		e := grantEntry{id: g.ID, expires: g.ExpiresAt.UnixNano()}
		for _, name := range g.Categories {
			if c, ok := eng.CategoryByName(name); ok && c < 32 {
				e.cats |= 1 << c
			}
		}
		if p, ok := eng.PurposeByName(g.Purpose); ok {
			e.purposes = 1 << p
		}
		if e.cats == 0 || e.purposes == 0 {
			continue
		}
		k := grantKey{g.Token, g.TenantID}
		s.m[k] = append(s.m[k], e)
		s.n++
	}
	return s
}

// Holds reports whether the token holds a grant on the tenant covering category c and
// purpose p that is still unexpired at now (Unix nanoseconds).
func (x *Index) Holds(token, tenant string, c policy.Category, p policy.Purpose, now int64) bool {
	s := x.snap.Load()
	if s == nil || c >= 32 || p >= 64 {
		return false
	}
	for _, e := range s.m[grantKey{token, tenant}] {
		if e.cats&(1<<c) != 0 && e.purposes&(1<<p) != 0 && now < e.expires {
			return true
		}
	}
	return false
}

// Len is the number of grants in the index.
func (x *Index) Len() int {
	if s := x.snap.Load(); s != nil {
		return s.n
	}
	return 0
}

func (x *Index) version() int64 {
	if s := x.snap.Load(); s != nil {
		return s.version
	}
	return -1
}

func (x *Index) store(s *snapshot) { x.snap.Store(s) }
