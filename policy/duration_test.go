package policy

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDuration(t *testing.T) {
	good := map[string]Duration{
		"P3Y":          {Years: 3},
		"P6M":          {Months: 6},
		"P30D":         {Days: 30},
		"P2W":          {Days: 14},
		"P1Y6M":        {Years: 1, Months: 6},
		"P1Y2M3W4D":    {Years: 1, Months: 2, Days: 25},
		"P0D":          {},
		"while_active": {WhileActive: true},
	}
	for s, want := range good {
		got, err := ParseDuration(s)
		if err != nil {
			t.Errorf("ParseDuration(%q): %v", s, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseDuration(%q) (-want +got):\n%s", s, diff)
		}
	}
	for _, s := range []string{"", "P", "3Y", "P3", "PY", "P3X", "P1D1Y", "P1Y1Y", "PT12H", "P-1D", "P1001Y", "p3y", "P99999999999999999999D", "while active"} {
		if d, err := ParseDuration(s); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", s, d)
		}
	}
}

func TestDurationAddTo(t *testing.T) {
	start := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	end, ok := Duration{Years: 3}.AddTo(start)
	if !ok || !end.Equal(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("P3Y after a leap day = %v, %v", end, ok)
	}
	if _, ok := (Duration{WhileActive: true}).AddTo(start); ok {
		t.Error("while_active has a computable end")
	}
	for _, s := range []string{"P3Y", "P1Y6M", "P30D", "P0D", "while_active"} {
		d, _ := ParseDuration(s)
		if d.String() != s {
			t.Errorf("String() = %q, want %q", d.String(), s)
		}
	}
}
