package pii

import "sync"

// Splitting one buffer between goroutines. A buffer is cut only after a
// byte that no token contains and no examination jumps over (not a letter,
// digit, space or one of ". % + - _ : @"): a line break, a quote, a comma,
// Chinese text. The loop's state at such a cut is the same whether the
// bytes before it were scanned by this goroutine or another, so the
// findings of a split scan are exactly those of a whole one.

// minPart is the smallest piece worth a goroutine (a variable so that
// tests can split small inputs).
var minPart = 256 << 10

// splitSearch is how far past a nominal cut the search for a safe byte
// goes before giving up that cut.
const splitSearch = 64 << 10

func safeCut(c byte) bool {
	return ctype[c]&ctLocal == 0 && c != ' ' && c != ':' && c != '@'
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

// scanRange examines the triggers in [i, to) of b, with up to s.workers
// goroutines, and hands the findings to fn in order. It returns the loop
// position and the end of the last finding, for the next range.
func (s *Scanner) scanRange(b []byte, base int64, i, to, lastEnd int, fn func(Finding)) (int, int) {
	bounds := []int{i, to}
	if s.workers > 1 {
		bounds = cuts(b, i, to, s.workers)
	}
	if len(bounds) == 2 {
		st := state{b: b, base: base, s: s, emit: fn, lastEnd: lastEnd}
		pos := st.run(i, to)
		return pos, st.lastEnd
	}
	parts := len(bounds) - 1
	found := make([][]Finding, parts)
	pos := make([]int, parts)
	ends := make([]int, parts)
	var wg sync.WaitGroup
	for k := 0; k < parts; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := state{b: b, base: base, s: s, lastEnd: bounds[k]}
			if k == 0 {
				st.lastEnd = lastEnd
			}
			st.emit = func(f Finding) { found[k] = append(found[k], f) }
			pos[k] = st.run(bounds[k], bounds[k+1])
			ends[k] = st.lastEnd
		}()
	}
	wg.Wait()
	for _, fs := range found {
		for _, f := range fs {
			fn(f)
		}
	}
	return pos[parts-1], ends[parts-1]
}
