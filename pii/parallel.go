package pii

import (
	"sync"
	"sync/atomic"
)

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

// pieceSize is how much of a buffer a goroutine takes at a time. Pieces
// are handed out as goroutines come free, so a dense stretch (a JSON log)
// on one core does not leave the other waiting, as fixed halves did, and
// the findings held back for ordering stay few: a piece's findings are
// handed on as soon as those before it are. (A variable so that tests
// can use small pieces.)
var pieceSize = 1 << 20

// scanRange examines the triggers in [i, to) of b, with up to s.workers
// goroutines, and hands the findings to fn in order, on the calling
// goroutine. It returns the loop position and the end of the last
// finding, for the next range.
func (s *Scanner) scanRange(b []byte, base int64, i, to, lastEnd int, fn func(Finding)) (int, int) {
	var bounds []int
	if s.workers > 1 && to-i >= 2*minPart {
		bounds = cuts(b, i, to, max(s.workers, (to-i)/pieceSize))
	}
	if len(bounds) < 3 { // one piece
		st := state{b: b, base: base, s: s, emit: fn, lastEnd: lastEnd}
		pos := st.run(i, to)
		return pos, st.lastEnd
	}
	parts := len(bounds) - 1
	found := make([][]Finding, parts)
	ends := make([]int, parts)
	done := make([]chan struct{}, parts)
	for k := range done {
		done[k] = make(chan struct{})
	}
	// Slices of findings already handed on, for later pieces to reuse.
	spare := make(chan []Finding, parts)
	var next atomic.Int64 // the next piece nobody has taken
	next.Store(1)
	var pos int // where the loop stopped in the last piece
	scan := func(k int) {
		var fs []Finding
		select {
		case fs = <-spare:
		default:
		}
		st := state{b: b, base: base, s: s, lastEnd: bounds[k]}
		st.emit = func(f Finding) { fs = append(fs, f) }
		p := st.run(bounds[k], bounds[k+1])
		found[k], ends[k] = fs, st.lastEnd
		if k == parts-1 {
			pos = p
		}
		close(done[k])
	}
	var wg sync.WaitGroup
	for range min(s.workers, parts) - 1 {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < parts; k = int(next.Add(1) - 1) {
				scan(k)
			}
		})
	}
	// The first piece continues the loop's state and reports at once;
	// then the calling goroutine takes pieces too, and between them hands
	// on the findings of those finished, in order.
	st := state{b: b, base: base, s: s, emit: fn, lastEnd: lastEnd}
	st.run(bounds[0], bounds[1])
	emitted := 1
	flush := func(wait bool) {
		for ; emitted < parts; emitted++ {
			if wait {
				<-done[emitted]
			} else {
				select {
				case <-done[emitted]:
				default:
					return
				}
			}
			for _, f := range found[emitted] {
				fn(f)
			}
			spare <- found[emitted][:0]
			found[emitted] = nil
		}
	}
	for k := int(next.Add(1) - 1); k < parts; k = int(next.Add(1) - 1) {
		flush(false)
		scan(k)
	}
	flush(true)
	wg.Wait()
	// The last piece stopped at the range's end or just past it.
	return pos, ends[parts-1]
}
