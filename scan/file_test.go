package scan

import (
	"bytes"
	"testing"
)

// TestLastNewline holds lastNewline to bytes.LastIndexByte on every
// prefix of text with line breaks at every distance from its end.
func TestLastNewline(t *testing.T) {
	b := []byte("a\nbc\n\ndefghij\nklmnopqrstuvwxyz\x0b\x8a\n0123456789abcdefghijklmnop\x0a\x09\x0b")
	for n := 0; n <= len(b); n++ {
		if got, want := lastNewline(b[:n]), bytes.LastIndexByte(b[:n], '\n'); got != want {
			t.Fatalf("lastNewline(%q) = %d, want %d", b[:n], got, want)
		}
		for k := 0; k < n; k++ {
			c := bytes.Repeat([]byte{'x'}, n)
			c[k] = '\n'
			if got := lastNewline(c); got != k {
				t.Fatalf("lastNewline(%q) = %d, want %d", c, got, k)
			}
		}
	}
}
