package pii_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"custos.dev/custos/bench/pii/gen"
	"custos.dev/custos/pii"
)

// smallCorpus is support data with every type in it.
func smallCorpus(t testing.TB, size int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, size, 3); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll scans r with s and returns the findings and the bytes of all
// segments, checking that the segments are contiguous.
func readAll(t *testing.T, s *pii.Scanner, r io.Reader) ([]pii.Finding, []byte) {
	t.Helper()
	var fs []pii.Finding
	var out []byte
	err := s.ScanReader(r, func(seg pii.Segment) error {
		if seg.Offset != int64(len(out)) {
			t.Fatalf("segment at %d, want %d", seg.Offset, len(out))
		}
		if seg.Finding != nil {
			if seg.Finding.Offset != seg.Offset || seg.Finding.Length != len(seg.Data) {
				t.Fatalf("finding %+v does not match its segment", *seg.Finding)
			}
			fs = append(fs, *seg.Finding)
		}
		out = append(out, seg.Data...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fs, out
}

// TestScanReaderMatchesScan: a stream read in chunks of any size, through
// readers that return little at a time, gives exactly the findings and
// offsets of the whole buffer. Files larger than memory rely on this.
func TestScanReaderMatchesScan(t *testing.T) {
	defer pii.SetSplitting(4<<10, 1)()
	src := smallCorpus(t, 1<<20)
	want := pii.Scan(src)
	if len(want) < 1000 {
		t.Fatalf("corpus has only %d findings", len(want))
	}
	for _, c := range []struct {
		name  string
		chunk int
		r     func([]byte) io.Reader
	}{
		{"Chunk1", 1, func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{"Chunk997", 997, func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{"Chunk64K", 64 << 10, func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{"Default", 0, func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{"OneByteReads", 5000, func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }},
		{"HalfReads", 3000, func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }},
		{"DataErrReader", 4096, func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := pii.NewScanner(pii.Options{ChunkSize: c.chunk})
			got, out := readAll(t, s, c.r(src))
			if !bytes.Equal(out, src) {
				t.Fatal("segments do not add up to the input")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-whole +stream):\n%s", diff)
			}
		})
	}
}

// TestScanParallelMatchesScan: splitting a buffer between goroutines
// changes nothing.
func TestScanParallelMatchesScan(t *testing.T) {
	defer pii.SetSplitting(2<<10, 1)()
	src := smallCorpus(t, 1<<20)
	want := pii.Scan(src)
	for _, w := range []int{2, 3, 8} {
		s := pii.NewScanner(pii.Options{Workers: w})
		if diff := cmp.Diff(want, s.FindAll(src)); diff != "" {
			t.Errorf("workers %d (-whole +parallel):\n%s", w, diff)
		}
		got, _ := readAll(t, pii.NewScanner(pii.Options{Workers: w, ChunkSize: 50 << 10}), bytes.NewReader(src))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("workers %d streaming (-whole +parallel):\n%s", w, diff)
		}
	}
}

// TestScanReaderAcrossChunkEdge: a value cut by a chunk edge is found
// whole, at its absolute offset.
func TestScanReaderAcrossChunkEdge(t *testing.T) {
	defer pii.SetSplitting(4<<10, 1)()
	for cut := 0; cut < 20; cut++ {
		pad := strings.Repeat("x", 4096-cut)
		src := []byte(pad + " 卡号 6222 0212 3456 7890 128 mail bob@example.com\n")
		s := pii.NewScanner(pii.Options{ChunkSize: 4096})
		got, _ := readAll(t, s, bytes.NewReader(src))
		if len(got) != 2 || got[0].Offset != int64(len(pad)+8) || got[0].Type != pii.BankCard {
			t.Fatalf("cut %d: got %+v", cut, got)
		}
	}
}

func TestScanReaderErrors(t *testing.T) {
	boom := errors.New("boom")
	t.Run("ReaderError", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader("13800138000 "), iotest.ErrReader(boom))
		err := pii.NewScanner(pii.Options{}).ScanReader(r, func(pii.Segment) error { return nil })
		if !errors.Is(err, boom) {
			t.Errorf("got %v, want %v", err, boom)
		}
	})
	t.Run("CallbackErrorStops", func(t *testing.T) {
		calls := 0
		err := pii.NewScanner(pii.Options{}).ScanReader(strings.NewReader("a 13800138000 b 13900139000 c"), func(pii.Segment) error {
			calls++
			return boom
		})
		if !errors.Is(err, boom) || calls != 1 {
			t.Errorf("got %v after %d calls, want %v after 1", err, calls, boom)
		}
	})
}

// endless is a stream of text without end; it counts its reads.
type endless struct{ reads atomic.Int64 }

func (e *endless) Read(p []byte) (int, error) {
	e.reads.Add(1)
	for i := range p {
		p[i] = "no pi here\n"[i%11]
	}
	return len(p), nil
}

// TestScanReaderReadAhead: the next chunk is read while one is scanned,
// yet a callback's error still ends the scan at once, and the stream is
// not read after ScanReader returns.
func TestScanReaderReadAhead(t *testing.T) {
	boom := errors.New("boom")
	for _, workers := range []int{1, 2} {
		r := &endless{}
		segments := 0
		err := pii.NewScanner(pii.Options{ChunkSize: 64 << 10, Workers: workers}).ScanReader(r, func(seg pii.Segment) error {
			if segments++; segments == 3 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) || segments != 3 {
			t.Fatalf("workers %d: got %v after %d segments", workers, err, segments)
		}
		n := r.reads.Load()
		time.Sleep(20 * time.Millisecond)
		if m := r.reads.Load(); m != n {
			t.Errorf("workers %d: %d reads after ScanReader returned", workers, m-n)
		}
	}
	// An error met while reading ahead is returned once the chunks before
	// it are done, and what was read before it is handed on.
	src := smallCorpus(t, 300<<10)
	var got []byte
	err := pii.NewScanner(pii.Options{ChunkSize: 64 << 10}).ScanReader(
		io.MultiReader(bytes.NewReader(src), iotest.ErrReader(boom)),
		func(seg pii.Segment) error { got = append(got, seg.Data...); return nil })
	if !errors.Is(err, boom) || len(got) == 0 || !bytes.HasPrefix(src, got) {
		t.Errorf("got %v after %d bytes", err, len(got))
	}
}

// TestScanReaderReusesBuffers: a scanner keeps its chunk buffers between
// calls, so that scanning many small files does not allocate (and zero)
// a chunk's worth of memory for each.
func TestScanReaderReusesBuffers(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops buffers on purpose under -race")
	}
	s := pii.NewScanner(pii.Options{})
	src := smallCorpus(t, 10<<10)
	scan := func() {
		if err := s.ScanReader(bytes.NewReader(src), func(pii.Segment) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	// A collection empties the pool: none may run.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	scan()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 50 {
		scan()
	}
	runtime.ReadMemStats(&after)
	// Without reuse each call allocates a 4 MiB chunk: 200 MiB. With it,
	// a call that finds the pool's buffer kept by another processor (a
	// goroutine moved by the scheduler) allocates one more, until each
	// has one: two each at most.
	limit := uint64(2*runtime.GOMAXPROCS(0))*(4<<20+64<<10) + 1<<20
	if n := after.TotalAlloc - before.TotalAlloc; n > limit {
		t.Errorf("50 scans of %d bytes allocated %d bytes, more than %d", len(src), n, limit)
	}
}

func TestRedactReader(t *testing.T) {
	src := smallCorpus(t, 256<<10)
	var out bytes.Buffer
	n, err := pii.NewScanner(pii.Options{}).RedactReader(&out, bytes.NewReader(src), pii.Tag)
	if err != nil {
		t.Fatal(err)
	}
	fs := pii.Scan(src)
	if n != len(fs) {
		t.Errorf("replaced %d, found %d", n, len(fs))
	}
	if want := pii.Redact(nil, src, pii.Tag, fs); !bytes.Equal(out.Bytes(), want) {
		t.Error("RedactReader differs from Redact")
	}
}

// TestLinearTime: every examination reads a bounded window, so inputs
// made only of what the examinations look at still scan in linear time.
// It compares one scan of 8 MB with eight scans of 1 MB of the same input:
// linear time gives about the same time, quadratic eight times as long.
// The two are timed in turn, the fastest of five each, so that a loaded
// machine (the packages' tests run side by side) slows both alike; it
// fails at three times.
func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	timed := func(f func()) time.Duration {
		start := time.Now()
		f()
		return time.Since(start)
	}
	for _, unit := range []string{"0", "1 ", "1.", "1:", "::", "a@", "@.", "6222 ", "cvv 123 4111111111111111 ", "\\u0031", strings.Repeat("a", 100) + "@"} {
		small := []byte(strings.Repeat(unit, (1<<20)/len(unit)))
		large := []byte(strings.Repeat(unit, (8<<20)/len(unit)))
		bestSmall, bestLarge := time.Duration(1<<63-1), time.Duration(1<<63-1)
		for range 5 {
			bestSmall = min(bestSmall, timed(func() {
				for range 8 {
					pii.Scan(small)
				}
			}))
			bestLarge = min(bestLarge, timed(func() { pii.Scan(large) }))
		}
		ratio := float64(bestLarge) / float64(max(bestSmall, time.Microsecond))
		t.Logf("%q %.2f", unit, ratio)
		if ratio > 3 {
			t.Errorf("%q: 8 MB took %v, %.1f times eight scans of 1 MB (%v)", unit, bestLarge, ratio, bestSmall)
		}
	}
}
