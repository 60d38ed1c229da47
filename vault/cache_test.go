package vault

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// newTestKeys returns n distinct data keys; they share one KEK, which the cache never sees.
func newTestKeys(tb testing.TB, n int) []*DataKey {
	tb.Helper()
	k := mustKEK(tb, mustKEKJSON(tb))
	dks := make([]*DataKey, n)
	for i := range dks {
		_, dks[i] = mustNewDataKey(tb, k, fmt.Sprintf("subject-%d", i))
	}
	return dks
}

func TestKeyCacheGetPut(t *testing.T) {
	c := NewKeyCache(0)
	if c.size != DefaultKeyCacheSize {
		t.Errorf("NewKeyCache(0) size = %d, want %d", c.size, DefaultKeyCacheSize)
	}
	dks := newTestKeys(t, 2)
	if _, ok := c.Get("subject-0"); ok {
		t.Error("Get on an empty cache hit")
	}
	c.Put("subject-0", dks[0])
	if got, ok := c.Get("subject-0"); !ok || got != dks[0] {
		t.Errorf("Get = %p, %v; want %p, true", got, ok, dks[0])
	}
	c.Put("subject-0", dks[1]) // replaced, e.g. after a re-read
	if got, _ := c.Get("subject-0"); got != dks[1] {
		t.Error("Put did not replace the key")
	}
	if _, err := dks[0].Seal(nil, nil); err != nil {
		t.Errorf("a replaced key was destroyed: %v", err)
	}
	c.Put("subject-1", nil)
	if _, ok := c.Get("subject-1"); ok || c.Len() != 1 {
		t.Errorf("Put of a nil key was cached (Len %d)", c.Len())
	}
}

func TestKeyCacheZeroValue(t *testing.T) {
	var c KeyCache
	dks := newTestKeys(t, 1)
	c.Put("subject-0", dks[0])
	if _, ok := c.Get("subject-0"); !ok {
		t.Error("zero KeyCache does not keep a key")
	}
	c.Forget("subject-0")
	if c.size != DefaultKeyCacheSize {
		t.Errorf("zero KeyCache size = %d, want %d", c.size, DefaultKeyCacheSize)
	}
}

// The cache is bounded and evicts the least recently used key; an evicted key stays usable.
func TestKeyCacheEviction(t *testing.T) {
	c := NewKeyCache(3)
	dks := newTestKeys(t, 4)
	for i := range 3 {
		c.Put(fmt.Sprintf("subject-%d", i), dks[i])
	}
	c.Get("subject-0") // now most recently used; subject-1 is the oldest
	c.Put("subject-3", dks[3])
	if c.Len() != 3 {
		t.Errorf("Len = %d, want 3", c.Len())
	}
	for id, want := range map[string]bool{"subject-0": true, "subject-1": false, "subject-2": true, "subject-3": true} {
		if _, ok := c.Get(id); ok != want {
			t.Errorf("Get(%s) hit = %v, want %v", id, ok, want)
		}
	}
	if _, err := dks[1].Seal([]byte("x"), nil); err != nil {
		t.Errorf("an evicted key was destroyed: %v", err)
	}
}

// R-RET-3: on erasure Forget removes the key and destroys it, so a holder from an earlier Get
// can no longer use it, and a key unwrapped just before the erasure cannot be put back.
func TestKeyCacheForget(t *testing.T) {
	c := NewKeyCache(10)
	dks := newTestKeys(t, 2)
	c.Put("subject-0", dks[0])
	held, _ := c.Get("subject-0")
	c.Forget("subject-0")
	if _, ok := c.Get("subject-0"); ok {
		t.Error("Get after Forget hit")
	}
	if _, err := held.Open(nil, nil); !errors.Is(err, ErrKeyDestroyed) {
		t.Errorf("Open with a key held across Forget: error = %v, want ErrKeyDestroyed", err)
	}
	c.Put("subject-0", dks[1]) // a request that unwrapped before the erasure
	if _, ok := c.Get("subject-0"); ok {
		t.Error("Put after Forget brought the subject's key back")
	}
	c.Forget("never-cached") // harmless
	c.Forget("subject-0")    // twice: harmless
}

// The memory of forgotten subjects is bounded by the cache size, oldest first.
func TestKeyCacheForgottenBounded(t *testing.T) {
	c := NewKeyCache(2)
	dks := newTestKeys(t, 1)
	c.Forget("a")
	c.Forget("b")
	c.Forget("a") // already remembered: does not push "b" out
	c.Forget("c") // pushes out "a"
	if len(c.forgotten) != 2 || len(c.ring) != 2 {
		t.Fatalf("forgotten = %d, ring = %d; want 2, 2", len(c.forgotten), len(c.ring))
	}
	for id, refused := range map[string]bool{"a": false, "b": true, "c": true} {
		c.Put(id, dks[0])
		if _, ok := c.Get(id); ok == refused {
			t.Errorf("Put(%s) after Forget cached = %v, want %v", id, ok, !refused)
		}
	}
}

// Run with -race: readers, writers and erasures at once.
func TestKeyCacheConcurrent(t *testing.T) {
	c := NewKeyCache(16)
	dks := newTestKeys(t, 32)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range 2000 {
				i := (n*7 + g) % len(dks)
				id := fmt.Sprintf("subject-%d", i)
				switch n % 10 {
				case 0:
					c.Forget(id)
				case 1, 2, 3:
					c.Put(id, dks[i])
				default:
					if dk, ok := c.Get(id); ok {
						// A key may be destroyed by a concurrent Forget; nothing else may fail.
						if _, err := dk.Seal([]byte("x"), nil); err != nil && !errors.Is(err, ErrKeyDestroyed) {
							t.Errorf("Seal: %v", err)
							return
						}
					}
				}
			}
		})
	}
	wg.Wait()
	if n := c.Len(); n > 16 {
		t.Errorf("Len = %d, over the bound of 16", n)
	}
	if len(c.entries) != c.order.Len() {
		t.Errorf("map has %d entries, list %d", len(c.entries), c.order.Len())
	}
}
