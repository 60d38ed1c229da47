// Command cgscan scans a fixed generated corpus with package pii, every
// validator on, one goroutine: a small, deterministic driver for
// instruction counts (valgrind --tool=callgrind), which unlike timings do
// not move with the machine's load.
//
//	go build -o /tmp/cgscan ./bench/pii/cgscan
//	/tmp/cgscan -gen -size 8MB -seed 1 -o /tmp/corpus-8MB.txt   # once
//	GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 GOGC=off \
//	    valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file=/tmp/cg.out \
//	    /tmp/cgscan -in /tmp/corpus-8MB.txt
//	callgrind_annotate --inclusive=yes /tmp/cg.out | grep -m1 scanRange
//
// The figure is the inclusive count of (*Scanner).scanRange (Scan itself
// is inlined). Without asyncpreemptoff, Go's preemption signals now and
// then crash valgrind. Valgrind knows no AVX-512: it counts the AVX2 path.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
	"strings"

	"custos.dev/custos/bench/pii/gen"
	"custos.dev/custos/pii"
)

func main() {
	in := flag.String("in", "", "corpus file to scan")
	out := flag.String("o", "", "with -gen: where to write the corpus")
	doGen := flag.Bool("gen", false, "write a corpus to -o and exit")
	size := flag.String("size", "8MB", "with -gen: corpus size in bytes, or with an MB suffix")
	seed := flag.Uint64("seed", 1, "with -gen: generator seed")
	runs := flag.Int("n", 1, "how many times to scan the corpus")
	withDigest := flag.Bool("digest", false, "print a digest of the findings (not under callgrind: it counts inside the scan)")
	flag.Parse()
	if *doGen {
		n, err := strconv.ParseInt(strings.TrimSuffix(*size, "MB"), 10, 64)
		if err == nil && strings.HasSuffix(*size, "MB") {
			n *= 1e6
		}
		if err != nil {
			fail(err)
		}
		f, err := os.Create(*out)
		if err != nil {
			fail(err)
		}
		w := bufio.NewWriter(f)
		if _, err := gen.Generate(w, n, *seed); err != nil {
			fail(err)
		}
		if err := w.Flush(); err != nil {
			fail(err)
		}
		if err := f.Close(); err != nil {
			fail(err)
		}
		return
	}
	b, err := os.ReadFile(*in)
	if err != nil {
		fail(err)
	}
	s := pii.NewScanner(pii.Options{})
	found := 0
	// digest sums the findings' fields, so that two builds can be shown
	// to find exactly the same things, not only as many.
	digest := fnv.New64a()
	for range *runs {
		s.Scan(b, func(f pii.Finding) {
			found++
			if !*withDigest {
				return
			}
			fmt.Fprintf(digest, "%d %d %d %g %d %s\n", f.Type, f.Offset, f.Length, f.Confidence, f.Reason, f.Keyword)
		})
	}
	if *withDigest {
		fmt.Printf("%d bytes, %d findings, digest %016x\n", len(b), found, digest.Sum64())
		return
	}
	fmt.Println(len(b), "bytes,", found, "findings")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "cgscan:", err)
	os.Exit(2)
}
