package policy

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Duration is a retention period or deadline: a calendar duration in the subset of ISO 8601
// that legal texts use (years, months, weeks, days), or "while_active". Calendar units are kept
// apart rather than converted to hours because "three years after cancellation" means the same
// date three years on, leap days included.
type Duration struct {
	WhileActive         bool // kept for as long as the account stays in the state
	Years, Months, Days int
}

// whileActive is the spelling of Duration.WhileActive in a document.
const whileActive = "while_active"

// maxDurationPart keeps AddTo's arithmetic far from overflow; no statute keeps data for longer
// than a few decades.
const maxDurationPart = 1000

var errBadDuration = errors.New("want an ISO 8601 duration such as P3Y, P6M, P2W, P30D, P1Y6M, or while_active")

// ParseDuration parses "P3Y", "P6M", "P2W", "P30D", "P1Y6M" or "while_active". Times of day
// ("PT12H") are refused: retention and deadlines in the statement are counted in days.
func ParseDuration(s string) (Duration, error) {
	if s == whileActive {
		return Duration{WhileActive: true}, nil
	}
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return Duration{}, errBadDuration
	}
	var d Duration
	last := -1 // index of the last unit seen in "YMWD", to enforce their order
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) {
			return Duration{}, errBadDuration
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n > maxDurationPart {
			return Duration{}, errBadDuration
		}
		unit := strings.IndexByte("YMWD", rest[i])
		if unit <= last {
			return Duration{}, errBadDuration
		}
		last = unit
		switch rest[i] {
		case 'Y':
			d.Years = n
		case 'M':
			d.Months = n
		case 'W':
			d.Days += 7 * n
		case 'D':
			d.Days += n
		}
		rest = rest[i+1:]
	}
	return d, nil
}

// String returns the duration in its canonical spelling (weeks are printed as days).
func (d Duration) String() string {
	if d.WhileActive {
		return whileActive
	}
	var b strings.Builder
	b.WriteByte('P')
	if d.Years != 0 {
		b.WriteString(strconv.Itoa(d.Years) + "Y")
	}
	if d.Months != 0 {
		b.WriteString(strconv.Itoa(d.Months) + "M")
	}
	if d.Days != 0 || (d.Years == 0 && d.Months == 0) {
		b.WriteString(strconv.Itoa(d.Days) + "D")
	}
	return b.String()
}

// AddTo returns the end of a period that starts at t. It reports false for WhileActive, which
// has no end that a clock can compute.
func (d Duration) AddTo(t time.Time) (time.Time, bool) {
	if d.WhileActive {
		return time.Time{}, false
	}
	return t.AddDate(d.Years, d.Months, d.Days), true
}

// Zero reports whether the period ends as soon as it starts (P0D).
func (d Duration) Zero() bool {
	return !d.WhileActive && d.Years == 0 && d.Months == 0 && d.Days == 0
}
