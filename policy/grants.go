package policy

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AccessGrantsDecl is the access_grants section: the limits of supervised access to customer
// data (R-RES-2, R-RES-3, R-SUP-1). Every key is optional; GrantSettings gives the defaults.
type AccessGrantsDecl struct {
	// MaxDuration caps how long a grant may last once approved ("PT8H").
	MaxDuration string `json:"max_duration,omitempty"`
	// PendingExpiry is how long a request waits for its approvals before it expires ("PT24H").
	PendingExpiry string `json:"pending_expiry,omitempty"`
	// AbroadThresholds are the yearly counts of distinct people whose PI was accessed from
	// abroad at which the legal mechanism of the transfer changes, and an alert is raised.
	AbroadThresholds *AbroadThresholdsDecl `json:"abroad_thresholds,omitempty"`
	// Exemptions are the cases in which a transfer abroad needs no security assessment,
	// standard contract or certification; a request may cite one by name.
	Exemptions []ExemptionDecl `json:"exemptions,omitempty"`
	RIDs       []string        `json:"rids"`
}

// AbroadThresholdsDecl lists thresholds of people per calendar year, ascending.
type AbroadThresholdsDecl struct {
	// People counts people whose non-sensitive PI was accessed from abroad.
	People []int64 `json:"people,omitempty"`
	// SensitivePeople counts people whose sensitive PI was accessed from abroad.
	SensitivePeople []int64 `json:"sensitive_people,omitempty"`
}

// ExemptionDecl is one listed exemption from the transfer mechanisms.
type ExemptionDecl struct {
	Name        string   `json:"name"`
	Description Text     `json:"description"`
	RIDs        []string `json:"rids"`
}

// GrantSettings are the compiled access_grants section, defaults filled in.
type GrantSettings struct {
	MaxDuration               time.Duration
	PendingExpiry             time.Duration
	PeopleThresholds          []int64
	SensitivePeopleThresholds []int64
	Exemptions                []ExemptionDecl
	RIDs                      []string
}

// Defaults of the access_grants section: eight hours of access, a day to approve, and the
// thresholds of the Provisions on Promoting and Regulating Cross-Border Data Flows (2024,
// art. 7 and 8): 100,000 and 1,000,000 people, 10,000 for sensitive PI.
const (
	DefaultGrantMaxDuration   = 8 * time.Hour
	DefaultGrantPendingExpiry = 24 * time.Hour
)

var (
	defaultPeopleThresholds    = []int64{100_000, 1_000_000}
	defaultSensitiveThresholds = []int64{10_000}
)

// AccessGrants returns the limits of supervised access, defaults filled in.
func (e *Engine) AccessGrants() GrantSettings {
	s := GrantSettings{MaxDuration: DefaultGrantMaxDuration, PendingExpiry: DefaultGrantPendingExpiry,
		PeopleThresholds: slices.Clone(defaultPeopleThresholds), SensitivePeopleThresholds: slices.Clone(defaultSensitiveThresholds)}
	g := e.doc.AccessGrants
	if g == nil {
		return s
	}
	if d, err := ParseClockDuration(g.MaxDuration); err == nil {
		s.MaxDuration = d
	}
	if d, err := ParseClockDuration(g.PendingExpiry); err == nil {
		s.PendingExpiry = d
	}
	if t := g.AbroadThresholds; t != nil {
		if len(t.People) > 0 {
			s.PeopleThresholds = slices.Clone(t.People)
		}
		if len(t.SensitivePeople) > 0 {
			s.SensitivePeopleThresholds = slices.Clone(t.SensitivePeople)
		}
	}
	for _, x := range g.Exemptions {
		x.RIDs = slices.Clone(x.RIDs)
		s.Exemptions = append(s.Exemptions, x)
	}
	s.RIDs = slices.Clone(g.RIDs)
	return s
}

// Exemption reports whether name is a listed exemption from the transfer mechanisms.
func (s GrantSettings) Exemption(name string) bool {
	return slices.ContainsFunc(s.Exemptions, func(x ExemptionDecl) bool { return x.Name == name })
}

// GrantRequired reports whether an access rule makes the role need a grant to reach the
// category from where it is (R-RES-2, R-SUP-1).
func (e *Engine) GrantRequired(r Role, c Category, abroadActor bool) bool {
	if !r.valid() || int(c) >= e.nCats {
		return false
	}
	loc := inChina
	if abroadActor {
		loc = abroad
	}
	a := &e.access[r][c][loc]
	return a.present && a.requiresGrant
}

// AccessPurposeAllowed reports whether the access rule for the role, category and location,
// if any, lets it serve purpose p.
func (e *Engine) AccessPurposeAllowed(r Role, c Category, abroadActor bool, p Purpose) bool {
	if !r.valid() || int(c) >= e.nCats || int(p) >= e.nPurps {
		return false
	}
	loc := inChina
	if abroadActor {
		loc = abroad
	}
	a := &e.access[r][c][loc]
	return !a.present || a.purposes == 0 || a.purposes&(1<<p) != 0
}

var errBadClock = errors.New("want an ISO 8601 duration in days, hours and minutes, such as PT8H, PT30M or P1D")

// maxClock bounds grant durations and pending periods: access to customer data is counted in
// hours, and a year is far beyond any sensible value.
const maxClock = 366 * 24 * time.Hour

// ParseClockDuration parses the ISO 8601 durations of the access_grants section: days, hours
// and minutes ("P1D", "PT8H", "PT1H30M"). Unlike retention periods these are exact lengths of
// time, not calendar units.
func ParseClockDuration(s string) (time.Duration, error) {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return 0, errBadClock
	}
	var d time.Duration
	inTime := false
	last := -1 // index in "DHM" of the last unit seen, to enforce their order
	for rest != "" {
		if rest[0] == 'T' {
			if inTime || len(rest) == 1 {
				return 0, errBadClock
			}
			inTime, rest = true, rest[1:]
			continue
		}
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) || i > 6 {
			return 0, errBadClock
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return 0, errBadClock
		}
		unit := strings.IndexByte("DHM", rest[i])
		if unit < 0 || unit <= last || (unit == 0) == inTime {
			return 0, errBadClock
		}
		last = unit
		d += time.Duration(n) * [...]time.Duration{24 * time.Hour, time.Hour, time.Minute}[unit]
		rest = rest[i+1:]
	}
	if d <= 0 || d > maxClock {
		return 0, errBadClock
	}
	return d, nil
}

// accessGrants checks the access_grants section.
func (v *validator) accessGrants() {
	g := v.d.AccessGrants
	if g == nil {
		return
	}
	const p = "access_grants"
	v.rids(p, g.RIDs)
	for _, f := range []struct{ key, val string }{{"max_duration", g.MaxDuration}, {"pending_expiry", g.PendingExpiry}} {
		if f.val == "" {
			continue
		}
		if _, err := ParseClockDuration(f.val); err != nil {
			v.r.at(childPath(p, f.key), "bad duration %q: %v", f.val, err)
		}
	}
	if t := g.AbroadThresholds; t != nil {
		for _, l := range []struct {
			key  string
			list []int64
		}{{"people", t.People}, {"sensitive_people", t.SensitivePeople}} {
			for i, n := range l.list {
				ip := indexPath(childPath(childPath(p, "abroad_thresholds"), l.key), i)
				if n <= 0 {
					v.r.at(ip, "a threshold counts people: want a positive number")
				} else if i > 0 && n <= l.list[i-1] {
					v.r.at(ip, "thresholds must be listed in ascending order")
				}
			}
		}
	}
	names := v.uniq("exemption")
	for i, x := range g.Exemptions {
		xp := indexPath(childPath(p, "exemptions"), i)
		names.add(childPath(xp, "name"), x.Name)
		v.rids(xp, x.RIDs)
	}
}

// GrantDenial is the decision for a role that needs a grant to reach the category from
// where it is and holds none: what Decide answers at its access rule, for reads that have
// no purpose to ask about (a masked read shows something of the data too).
func (e *Engine) GrantDenial(r Role, c Category, abroadActor bool) Decision {
	d := Decision{Reason: ReasonAccessGrantRequired, RID: ridAbroad, Sensitive: e.Sensitive(c)}
	if !abroadActor && r.valid() && int(c) < e.nCats {
		if a := &e.access[r][c][inChina]; a.present {
			d.RID = a.rid
		}
	}
	return d
}
