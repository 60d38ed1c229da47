package gen_test

import (
	"bytes"
	"strings"
	"testing"

	"custos.dev/custos/bench/pii/gen"
	"custos.dev/custos/pii"
)

// TestScannerAccuracy generates a corpus of support data and holds the
// scanner to 0.99 precision and 0.99 recall for every type, scoring exact
// spans. R-SUP-4, R-AGENT-1, R-PAY-1.
func TestScannerAccuracy(t *testing.T) {
	size := int64(4 << 20)
	if testing.Short() {
		size = 1 << 20
	}
	var corpus bytes.Buffer
	labels, err := gen.Generate(&corpus, size, 1)
	if err != nil {
		t.Fatal(err)
	}
	src := corpus.Bytes()
	var found []gen.Label
	for _, f := range pii.Scan(src) {
		found = append(found, gen.Label{Type: f.Type.String(), Offset: f.Offset, Length: f.Length})
	}
	score := gen.NewScore(gen.Types)
	fp, fn := score.Add(labels, found)
	var table strings.Builder
	score.Print(&table)
	t.Logf("corpus %d bytes\n%s", len(src), table.String())
	show := func(what string, ls []gen.Label) {
		for i, l := range ls {
			if i == 15 {
				t.Logf("%s: %d more", what, len(ls)-i)
				break
			}
			from, to := max(l.Offset-40, 0), min(l.End()+20, int64(len(src)))
			t.Logf("%s %s %q in %q", what, l.Type, src[l.Offset:l.End()], src[from:to])
		}
	}
	for _, typ := range gen.Types {
		c := score.Types[typ]
		if c.Labels == 0 {
			t.Errorf("%s: no values planted; the corpus does not exercise it", typ)
		}
		if c.Precision() < 0.99 || c.Recall() < 0.99 {
			t.Errorf("%s: precision %.4f recall %.4f, want both >= 0.99", typ, c.Precision(), c.Recall())
		}
	}
	if t.Failed() {
		show("false positive", fp)
		show("false negative", fn)
	}
}

// TestGenerateDeterministic: the same seed gives the same corpus, so
// figures in bench/README.md can be reproduced.
func TestGenerateDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	la, _ := gen.Generate(&a, 64<<10, 7)
	lb, _ := gen.Generate(&b, 64<<10, 7)
	if !bytes.Equal(a.Bytes(), b.Bytes()) || len(la) != len(lb) {
		t.Fatal("same seed, different corpus")
	}
	for _, l := range la {
		if l.End() > int64(a.Len()) {
			t.Fatalf("label %v past the end of the corpus", l)
		}
	}
}
