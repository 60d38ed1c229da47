package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"custos.dev/custos/bench/pii/gen"
	"custos.dev/custos/pii"
)

// parseSize reads "200MB", "64KiB", "1GB" or a byte count.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			n, err := strconv.ParseFloat(strings.TrimSuffix(s, u.suffix), 64)
			return int64(n * float64(u.mult)), err
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

func genCmd(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	size := fs.String("size", "200MB", "corpus size")
	seed := fs.Uint64("seed", 1, "generator seed")
	out := fs.String("o", "corpus.txt", "corpus file")
	labels := fs.String("labels", "labels.jsonl", "ground-truth labels (JSON lines)")
	fs.Parse(args)
	n, err := parseSize(*size)
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	ls, err := gen.Generate(w, n, *seed)
	if err != nil {
		return err
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return err
	}
	lf, err := os.Create(*labels)
	if err != nil {
		return err
	}
	lw := bufio.NewWriterSize(lf, 1<<20)
	enc := json.NewEncoder(lw)
	for _, l := range ls {
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	if err := errors.Join(lw.Flush(), lf.Close()); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes, %d planted values) and %s\n", *out, n, len(ls), *labels)
	return nil
}

func readLabels(path string) ([]gen.Label, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ls []gen.Label
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l gen.Label
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, err
		}
		ls = append(ls, l)
	}
	return ls, sc.Err()
}

func scoreCmd(args []string) error {
	fs := flag.NewFlagSet("score", flag.ExitOnError)
	labels := fs.String("labels", "labels.jsonl", "ground-truth labels")
	show := fs.Int("show", 0, "print up to this many misses of each kind, in context (the corpus is synthetic)")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("score: one corpus file")
	}
	src, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	ls, err := readLabels(*labels)
	if err != nil {
		return err
	}
	var found []gen.Label
	for _, f := range pii.NewScanner(pii.Options{Workers: 2}).FindAll(src) {
		found = append(found, gen.Label{Type: f.Type.String(), Offset: f.Offset, Length: f.Length})
	}
	s := gen.NewScore(gen.Types)
	fp, fn := s.Add(ls, found)
	for _, miss := range []struct {
		what string
		ls   []gen.Label
	}{{"false positive", fp}, {"false negative", fn}} {
		for i, l := range miss.ls {
			if i == *show {
				break
			}
			from, to := max(l.Offset-60, 0), min(l.End()+30, int64(len(src)))
			fmt.Printf("%s %s %q in %q\n", miss.what, l.Type, src[l.Offset:l.End()], src[from:to])
		}
	}
	stats := corpusStats(src, len(ls))
	fmt.Printf("corpus %s: %s\n", fs.Arg(0), stats)
	s.Print(os.Stdout)
	p, r := s.Worst()
	fmt.Printf("worst precision %.4f, worst recall %.4f (goal 0.99 each)\n", p, r)
	return nil
}

// corpusStats describes how dense a corpus is in what the scanner looks
// at, so that throughput figures can be compared with other data.
func corpusStats(b []byte, labels int) string {
	digits, runs, colons, high := 0, 0, 0, 0
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits++
			if i == 0 || b[i-1] < '0' || b[i-1] > '9' {
				runs++
			}
		case c == ':':
			colons++
		case c >= 0x80:
			high++
		}
	}
	kb := float64(len(b)) / 1024
	return fmt.Sprintf("%d bytes; digits %.1f%%, non-ASCII %.1f%%; per KiB: %.1f digit runs, %.1f colons, %.2f planted values",
		len(b), 100*float64(digits)/float64(len(b)), 100*float64(high)/float64(len(b)),
		float64(runs)/kb, float64(colons)/kb, float64(labels)/kb)
}
