package pii

import "sync"

// Splitting one buffer between goroutines. A buffer is cut only after a
// byte that no token contains and no examination jumps over (not a letter,
// digit, space or one of ". , % + - _ : @" — the comma because a log
// time stamp's fraction is stepped over whole): a line break, a quote,
// a bracket, Chinese text. The loop's state at such a cut is the same whether the
// bytes before it were scanned by this goroutine or another, so the
// findings of a split scan are exactly those of a whole one.

// minPart is the smallest piece worth a goroutine (a variable so that
// tests can split small inputs).
var minPart = 256 << 10

// splitSearch is how far past a nominal cut the search for a safe byte
// goes before giving up that cut.
const splitSearch = 64 << 10

func safeCut(c byte) bool {
	return ctype[c]&ctLocal == 0 && c != ' ' && c != ':' && c != '@' && c != ','
}

// cuts returns the boundaries of up to w pieces of [from, to).
func cuts(b []byte, from, to, w int) []int {
	if max := (to - from) / minPart; w > max {
		w = max
	}
	bounds := []int{from}
	for k := 1; k < w; k++ {
		nominal := from + (to-from)*k/w
		if nominal <= bounds[len(bounds)-1] {
			continue
		}
		lim := nominal + splitSearch
		if lim > to {
			lim = to
		}
		for p := nominal; p < lim; p++ {
			if safeCut(b[p-1]) {
				bounds = append(bounds, p)
				break
			}
		}
	}
	return append(bounds, to)
}

// blockPerWorker is how much of a buffer each goroutine takes at a time.
// Scanning a large buffer block by block keeps the findings held back for
// ordering few, and their slices reused, so the garbage collector has
// nothing to do. (A variable so that tests can use small blocks.)
var blockPerWorker = 4 << 20

// scanRange examines the triggers in [i, to) of b, with up to s.workers
// goroutines, and hands the findings to fn in order, on the calling
// goroutine. It returns the loop position and the end of the last
// finding, for the next range.
func (s *Scanner) scanRange(b []byte, base int64, i, to, lastEnd int, fn func(Finding)) (int, int) {
	if s.workers <= 1 || to-i < 2*minPart {
		st := state{b: b, base: base, s: s, emit: fn, lastEnd: lastEnd}
		pos := st.run(i, to)
		return pos, st.lastEnd
	}
	w := s.workers
	found := make([][]Finding, w)
	pos := make([]int, w)
	ends := make([]int, w)
	for i < to {
		end := min(to, i+w*blockPerWorker)
		if to-end < minPart {
			end = to
		}
		bounds := cuts(b, i, end, w)
		parts := len(bounds) - 1
		var wg sync.WaitGroup
		for k := 1; k < parts; k++ {
			found[k] = found[k][:0]
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := state{b: b, base: base, s: s, lastEnd: bounds[k]}
				st.emit = func(f Finding) { found[k] = append(found[k], f) }
				pos[k] = st.run(bounds[k], bounds[k+1])
				ends[k] = st.lastEnd
			}()
		}
		// The first piece continues the loop's state and reports at once.
		st := state{b: b, base: base, s: s, emit: fn, lastEnd: lastEnd}
		pos[0] = st.run(bounds[0], bounds[1])
		ends[0] = st.lastEnd
		wg.Wait()
		for k := 1; k < parts; k++ {
			for _, f := range found[k] {
				fn(f)
			}
		}
		// The last piece stopped at the block's end or just past it.
		i, lastEnd = pos[parts-1], ends[parts-1]
	}
	return i, lastEnd
}
