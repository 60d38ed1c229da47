package main

import (
	"flag"
	"fmt"
	"strings"

	"custos.dev/custos/pii"
)

// adversarialCmd measures one core on inputs made of nothing but what the
// scanner's examinations look at.
func adversarialCmd(args []string) error {
	fs := flag.NewFlagSet("adversarial", flag.ExitOnError)
	runs := fs.Int("runs", 5, "runs per input (median reported)")
	size := fs.Int("size", 64<<20, "bytes per input")
	fs.Parse(args)
	s := pii.NewScanner(pii.Options{})
	fmt.Printf("%-28s %-30s %12s %10s\n", "input", "unit repeated", "MB/s (wall)", "MB/cpu-s")
	for _, c := range []struct{ name, unit string }{
		{"all digits", "0123456789"},
		{"11-digit mobiles", "13800138000 "},
		{"card-like groups", "6222 0212 3456 "},
		{"dotted quads", "1.2.3.4."},
		{"colons", "a:b::"},
		{"at signs", "a@b."},
		{"long local parts", strings.Repeat("a", 70) + "@"},
		{"CVV keywords + card", "cvv 123 4111111111111111 "},
		{"Chinese text", "您好，我的手机号是"},
		{"English text", "the quick brown fox jumps over the lazy dog "},
	} {
		in := []byte(strings.Repeat(c.unit, *size/len(c.unit)+1)[:*size])
		wall, cpu := measure(*runs, func() { s.Scan(in, func(pii.Finding) {}) })
		unit := c.unit
		if len(unit) > 28 {
			unit = unit[:12] + "…" + unit[len(unit)-12:]
		}
		fmt.Printf("%-28s %-30q %12.0f %10.0f\n", c.name, unit, mbps(len(in), wall), mbps(len(in), cpu))
	}
	return nil
}
