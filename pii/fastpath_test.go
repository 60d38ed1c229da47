package pii

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"custos.dev/custos/bench/pii/gen"
)

// runReference is the byte loop without its fast paths: every digit run,
// colon and '@' goes to its examination. The fast paths in run must
// never change what is found.
func (st *state) runReference(i, to int) int {
	b := st.b
	for i < to {
		switch class[b[i]] {
		case clsDigit:
			if e := dateEnd(b, i); e > 0 {
				i = e
				continue
			}
			i = st.digits(i)
		case clsColon:
			if e := timeEnd(b, i); e > 0 {
				i = e
				continue
			}
			i = st.colon(i)
		case clsAt:
			i = st.at(i)
		default:
			i++
		}
	}
	return i
}

func referenceScan(b []byte) []Finding {
	var fs []Finding
	st := state{b: b, s: defaultScanner, emit: func(f Finding) { fs = append(fs, f) }}
	st.runReference(0, len(b))
	return fs
}

// FuzzFastPath checks the fast loops against the reference loop, and the
// helpers rewritten for speed against their straightforward versions
// (helpers_test.go). Each input is also repeated to a few kilobytes, so
// that the block loop sees whole blocks, and cut into ranges. Its seeds
// are FuzzScan's.
func FuzzFastPath(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzScan/*")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		// Seed files hold one []byte("...") line; the raw file is a fine
		// seed too and needs no parsing.
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkHelpers(t, data)
		want := referenceScan(data)
		got := defaultScanner.FindAll(data)
		if len(want) != len(got) {
			t.Fatalf("reference found %d, fast loop %d\n%v\n%v", len(want), len(got), want, got)
		}
		for i := range want {
			if want[i] != got[i] {
				t.Fatalf("finding %d: reference %+v, fast loop %+v", i, want[i], got[i])
			}
		}
		big := data
		for len(big) > 0 && len(big) < 3000 {
			big = append(big[:len(big):len(big)], data...)
		}
		var ranges [][2]int
		if n := len(big); n > 0 {
			k := len(data)
			ranges = [][2]int{{k % n, n}, {0, n - k%n}, {k % n, min(n, k%n+65+k)}, {n / 3, 2 * n / 3}}
		}
		checkLoops(t, big, ranges)
	})
}

// TestFastPathCorpus runs the same check on generated support data.
func TestFastPathCorpus(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 2<<20, 11); err != nil {
		t.Fatal(err)
	}
	src := buf.Bytes()
	want, got := referenceScan(src), defaultScanner.FindAll(src)
	if len(want) < 1000 || len(want) != len(got) {
		t.Fatalf("reference %d findings, fast loop %d", len(want), len(got))
	}
	for i := range want {
		if want[i] != got[i] {
			t.Fatalf("finding %d: reference %+v, fast loop %+v", i, want[i], got[i])
		}
	}
}
