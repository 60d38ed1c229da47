package pii_test

import (
	"bytes"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"custos.dev/custos/bench/pii/gen"
	"custos.dev/custos/pii"
)

// Benchmarks report MB/s (b.SetBytes). The realistic corpus comes from
// bench/pii/gen; the adversarial inputs are the worst cases for each
// examination.

var corpus = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 32<<20, 1); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// cpuTime is the CPU time the process has used. On a shared machine the
// wall clock also counts time other processes held the core; CPU time
// per byte is what the scanner costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchScan scans in with s; want says the input holds PI (a scan that
// finds nothing there is broken).
func benchScan(b *testing.B, s *pii.Scanner, in []byte, want bool) {
	b.SetBytes(int64(len(in)))
	n := 0
	c0 := cpuTime()
	for b.Loop() {
		s.Scan(in, func(pii.Finding) { n++ })
	}
	if cpu := cpuTime() - c0; cpu > 0 {
		b.ReportMetric(float64(len(in))*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
	if n == 0 && want {
		b.Fatal("found nothing")
	}
}

// BenchmarkScan: one core, every type and validator on.
func BenchmarkScan(b *testing.B) {
	benchScan(b, pii.NewScanner(pii.Options{}), corpus(), true)
}

// BenchmarkScanWordLoop: one core, the portable loop (what processors
// without AVX2 run).
func BenchmarkScanWordLoop(b *testing.B) {
	defer pii.WordLoop()()
	benchScan(b, pii.NewScanner(pii.Options{}), corpus(), true)
}

// BenchmarkScanParallel: the buffer split between two goroutines.
func BenchmarkScanParallel(b *testing.B) {
	benchScan(b, pii.NewScanner(pii.Options{Workers: 2}), corpus(), true)
}

func repeat(s string, n int) []byte { return []byte(strings.Repeat(s, n/len(s)+1)[:n]) }

// BenchmarkAdversarial: inputs made of nothing but what the examinations
// look at.
func BenchmarkAdversarial(b *testing.B) {
	const n = 8 << 20
	for _, c := range []struct{ name, unit string }{
		{"AllDigits", "0123456789"},
		{"DigitRuns11", "13800138000 "},
		{"Grouped", "6222 0212 3456 "},
		{"DottedQuads", "1.2.3.4."},
		{"Colons", "a:b::"},
		{"At", "a@b."},
		{"LongLocal", strings.Repeat("a", 70) + "@"},
		{"CVVKeywords", "cvv 123 "},
		{"CVVCard", "cvv 123 4111111111111111 "},
		{"Chinese", "您好，我的手机号是"},
		{"Letters", "the quick brown fox jumps over the lazy dog "},
	} {
		in := repeat(c.unit, n)
		b.Run(c.name, func(b *testing.B) {
			// "a@b." and local parts of 70 letters are no addresses: these
			// inputs may hold no PI at all.
			benchScan(b, pii.NewScanner(pii.Options{}), in, false)
		})
	}
}
