package main

import (
	"flag"
	"fmt"

	"custos.dev/custos/bench/pii/gen"
	"custos.dev/custos/pii"
)

// kindsCmd measures one core on each kind of document alone: where the
// scanner is fast and where dense numbers slow it.
func kindsCmd(args []string) error {
	fs := flag.NewFlagSet("kinds", flag.ExitOnError)
	runs := fs.Int("runs", 5, "runs per kind (median reported)")
	size := fs.Int("size", 32<<20, "bytes per kind")
	fs.Parse(args)
	s := pii.NewScanner(pii.Options{})
	fmt.Printf("%-12s %12s %10s  %s\n", "kind", "MB/s (wall)", "MB/cpu-s", "density")
	for _, kind := range gen.Kinds {
		g := gen.NewKind(1, kind)
		var src []byte
		labels := 0
		for len(src) < *size {
			doc, ls := g.Next()
			src = append(src, doc...)
			labels += len(ls)
		}
		wall, cpu := measure(*runs, func() { s.Scan(src, func(pii.Finding) {}) })
		fmt.Printf("%-12s %12.0f %10.0f  %s\n", kind, mbps(len(src), wall), mbps(len(src), cpu), corpusStats(src, labels))
	}
	return nil
}
