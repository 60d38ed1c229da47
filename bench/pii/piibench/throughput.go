package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"syscall"
	"time"

	"custos.dev/custos/pii"
)

// measure runs fn runs times and returns the median wall time and the
// median CPU time of the process. On a shared machine the wall clock also
// counts time other processes held the core; CPU time is what the work
// cost.
func measure(runs int, fn func()) (wall, cpu time.Duration) {
	var walls, cpus []time.Duration
	for range runs {
		c0, t0 := cpuTime(), time.Now()
		fn()
		walls = append(walls, time.Since(t0))
		cpus = append(cpus, cpuTime()-c0)
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	return walls[len(walls)/2], cpus[len(cpus)/2]
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mbps(n int, d time.Duration) float64 { return float64(n) / d.Seconds() / 1e6 }

func throughputCmd(args []string) error {
	fs := flag.NewFlagSet("throughput", flag.ExitOnError)
	runs := fs.Int("runs", 5, "runs per engine (median reported)")
	reBytes := fs.Int("regexp-bytes", 32<<20, "bytes of the file Go's regexp scans (it runs at a few MB/s)")
	rg := fs.String("rg", "rg", "ripgrep binary (empty to skip)")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("throughput: one corpus file")
	}
	path := fs.Arg(0)
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fmt.Printf("file %s, %d bytes, GOMAXPROCS %d, %s/%s\n", path, len(src), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("%-44s %10s %10s %12s %10s\n", "engine", "findings", "median s", "MB/s (wall)", "MB/cpu-s")

	one := pii.NewScanner(pii.Options{})
	n1 := 0
	w1, c1 := measure(*runs, func() { n1 = 0; one.Scan(src, func(pii.Finding) { n1++ }) })
	fmt.Printf("%-44s %10d %10.3f %12.0f %10.0f\n", "custos pii, 1 core, in memory", n1, w1.Seconds(), mbps(len(src), w1), mbps(len(src), c1))

	all := pii.NewScanner(pii.Options{Workers: runtime.GOMAXPROCS(0)})
	n2 := 0
	w2, _ := measure(*runs, func() { n2 = 0; all.Scan(src, func(pii.Finding) { n2++ }) })
	fmt.Printf("%-44s %10d %10.3f %12.0f %10s\n", fmt.Sprintf("custos pii, %d cores, in memory", runtime.GOMAXPROCS(0)), n2, w2.Seconds(), mbps(len(src), w2), "-")

	re := regexp.MustCompile(goPattern())
	part := src[:min(*reBytes, len(src))]
	nr := 0
	wr, cr := measure(1, func() { nr = regexpScan(re, part) })
	fmt.Printf("%-44s %10d %10.3f %12.1f %10.1f\n", fmt.Sprintf("Go regexp + validators, 1 core (first %d MiB)", len(part)>>20), nr, wr.Seconds(), mbps(len(part), wr), mbps(len(part), cr))

	var wg time.Duration
	if *rg != "" {
		pat := rgPattern()
		var out []byte
		wg, _ = measure(*runs, func() {
			out, err = exec.Command(*rg, "--no-config", "--count-matches", "--no-filename", "-e", pat, path).Output()
		})
		if err != nil {
			return fmt.Errorf("ripgrep: %w", err)
		}
		fmt.Printf("%-44s %10s %10.3f %12.0f %10s\n", "ripgrep (whole process, page cache warm)", string(trimNL(out)), wg.Seconds(), mbps(len(src), wg), "-")
	}
	fmt.Printf("\ncustos 1 core is %.0fx Go regexp", mbps(len(src), w1)/mbps(len(part), wr))
	if wg > 0 {
		fmt.Printf(", %.1fx ripgrep", mbps(len(src), w1)/mbps(len(src), wg))
	}
	fmt.Printf("; on %d cores %.1fx ripgrep\n", runtime.GOMAXPROCS(0), mbps(len(src), w2)/max(mbps(len(src), wg), 1e-9))
	return nil
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
