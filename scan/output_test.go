package scan

import (
	"strconv"
	"testing"
)

// TestAppendConfidence: the cache of formatted confidences gives what
// formatting each one gives, before the cache is full and after.
func TestAppendConfidence(t *testing.T) {
	var o output
	for round := range 2 {
		for i := 0; i <= 100; i++ {
			c := float32(i) / 100
			want := strconv.AppendFloat(nil, float64(c), 'f', 2, 32)
			if got := o.appendConfidence([]byte("x"), c); string(got) != "x"+string(want) {
				t.Fatalf("round %d: %v gives %q, want x%q", round, c, got, want)
			}
		}
	}
	if len(o.confs) != 16 {
		t.Errorf("%d cached, want 16", len(o.confs))
	}
}
