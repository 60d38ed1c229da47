package gen

import (
	"fmt"
	"io"
	"slices"
	"sort"
)

// Scoring: a finding counts only if its type, offset and length are
// exactly those of a label.

// Score holds per-type counts.
type Score struct {
	Types map[string]*Count
}

// Count is the tally for one type.
type Count struct {
	Labels, Found, TP int
}

// Precision is TP/Found (1 when nothing was found).
func (c *Count) Precision() float64 {
	if c.Found == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.Found)
}

// Recall is TP/Labels (1 when nothing was planted).
func (c *Count) Recall() float64 {
	if c.Labels == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.Labels)
}

// NewScore returns an empty score with a row for each of types.
func NewScore(types []string) *Score {
	s := &Score{Types: map[string]*Count{}}
	for _, t := range types {
		s.Types[t] = &Count{}
	}
	return s
}

func (s *Score) row(t string) *Count {
	c := s.Types[t]
	if c == nil {
		c = &Count{}
		s.Types[t] = c
	}
	return c
}

// Add scores one batch of labels against the findings for the same bytes.
// It returns the findings that match no label and the labels no finding
// matched, for inspection.
func (s *Score) Add(labels, found []Label) (falsePos, falseNeg []Label) {
	want := make(map[Label]bool, len(labels))
	for _, l := range labels {
		want[l] = true
		s.row(l.Type).Labels++
	}
	got := make(map[Label]bool, len(found))
	for _, f := range found {
		got[f] = true
		c := s.row(f.Type)
		c.Found++
		if want[f] {
			c.TP++
		} else {
			falsePos = append(falsePos, f)
		}
	}
	for _, l := range labels {
		if !got[l] {
			falseNeg = append(falseNeg, l)
		}
	}
	return falsePos, falseNeg
}

// Worst returns the lowest precision and recall over all types.
func (s *Score) Worst() (precision, recall float64) {
	precision, recall = 1, 1
	for _, c := range s.Types {
		precision = min(precision, c.Precision())
		recall = min(recall, c.Recall())
	}
	return precision, recall
}

// Print writes a table of the score.
func (s *Score) Print(w io.Writer) {
	names := make([]string, 0, len(s.Types))
	for t := range s.Types {
		names = append(names, t)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "%-20s %9s %9s %9s %10s %8s\n", "type", "planted", "found", "correct", "precision", "recall")
	for _, t := range names {
		c := s.Types[t]
		fmt.Fprintf(w, "%-20s %9d %9d %9d %10.4f %8.4f\n", t, c.Labels, c.Found, c.TP, c.Precision(), c.Recall())
	}
}

// Types lists the types pii reports, in the order pii declares them.
var Types = []string{"cn_resident_id", "cn_mobile", "bank_card", "card_security_code", "cn_uscc",
	"cn_passport", "email", "ipv4", "ipv6"}

// Generate writes at least size bytes of documents to w and returns the
// labels.
func Generate(w io.Writer, size int64, seed uint64) ([]Label, error) {
	g := New(seed)
	var all []Label
	for g.off < size {
		doc, labels := g.Next()
		if _, err := w.Write(doc); err != nil {
			return nil, err
		}
		all = append(all, labels...)
	}
	return slices.Clip(all), nil
}

// End returns the offset just past the labelled value.
func (l Label) End() int64 { return l.Offset + int64(l.Length) }
