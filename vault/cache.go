package vault

import (
	"container/list"
	"sync"
)

// DefaultKeyCacheSize is the capacity of a KeyCache made with a size of 0 or less.
const DefaultKeyCacheSize = 10_000

// KeyCache keeps recently used unwrapped data keys by subject id, because unwrapping costs
// microseconds on every read. It is a bounded LRU, safe for concurrent use.
//
// Erasure must call [KeyCache.Forget] after deleting the subject's wrapped key. Forget removes
// the key from the cache and destroys it ([DataKey.Destroy]): holders that got it from Get fail
// from then on, and the key material is left to the garbage collector (best effort: Go cannot
// overwrite the AES key schedule, see Destroy). Forget also remembers the subject for a while,
// so that a request which unwrapped the key just before the erasure cannot put it back.
type KeyCache struct {
	mu      sync.Mutex
	size    int
	order   list.List // of *cacheEntry, most recently used first
	entries map[string]*list.Element

	// forgotten holds recently forgotten subject ids, oldest first in ring; Put refuses them.
	// Both are bounded by size.
	forgotten map[string]struct{}
	ring      []string
	next      int
}

type cacheEntry struct {
	subjectID string
	dk        *DataKey
}

// NewKeyCache returns a cache holding up to size keys, or [DefaultKeyCacheSize] if size <= 0.
// The zero KeyCache is also ready for use, with the default size.
func NewKeyCache(size int) *KeyCache {
	c := &KeyCache{size: size}
	c.init()
	return c
}

// init makes the zero KeyCache usable; c.mu is held or c is not shared yet.
func (c *KeyCache) init() {
	if c.entries != nil {
		return
	}
	if c.size <= 0 {
		c.size = DefaultKeyCacheSize
	}
	c.entries = make(map[string]*list.Element, min(c.size, 1024))
	c.forgotten = make(map[string]struct{})
}

// Get returns the cached key of a subject and marks it recently used.
func (c *KeyCache) Get(subjectID string) (*DataKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[subjectID]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).dk, true
}

// Put caches a subject's key, evicting the least recently used one if the cache is full. An
// evicted key is only dropped, not destroyed: it is still valid and may be in use. Put does
// nothing for a subject forgotten recently (a key of an erased subject must not come back) or
// for a nil key.
func (c *KeyCache) Put(subjectID string, dk *DataKey) {
	if dk == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	if _, ok := c.forgotten[subjectID]; ok {
		return
	}
	if el, ok := c.entries[subjectID]; ok {
		el.Value.(*cacheEntry).dk = dk
		c.order.MoveToFront(el)
		return
	}
	c.entries[subjectID] = c.order.PushFront(&cacheEntry{subjectID: subjectID, dk: dk})
	if c.order.Len() > c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*cacheEntry).subjectID)
	}
}

// Forget removes and destroys a subject's key, and refuses to cache one for that subject again
// until size other subjects have been forgotten since. Call it on erasure, after the wrapped key
// has been deleted from storage.
func (c *KeyCache) Forget(subjectID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	if el, ok := c.entries[subjectID]; ok {
		c.order.Remove(el)
		delete(c.entries, subjectID)
		e := el.Value.(*cacheEntry)
		e.dk.Destroy()
		e.dk = nil
	}
	if _, ok := c.forgotten[subjectID]; ok {
		return
	}
	if len(c.ring) < c.size {
		c.ring = append(c.ring, subjectID)
	} else {
		delete(c.forgotten, c.ring[c.next])
		c.ring[c.next] = subjectID
		c.next = (c.next + 1) % c.size
	}
	c.forgotten[subjectID] = struct{}{}
}

// Len returns the number of keys cached.
func (c *KeyCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
