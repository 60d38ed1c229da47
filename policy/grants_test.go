package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseClockDuration(t *testing.T) {
	good := map[string]time.Duration{
		"PT8H": 8 * time.Hour, "PT24H": 24 * time.Hour, "PT30M": 30 * time.Minute,
		"PT1H30M": 90 * time.Minute, "P1D": 24 * time.Hour, "P1DT2H": 26 * time.Hour,
	}
	for s, want := range good {
		if got, err := ParseClockDuration(s); err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "P", "PT", "8h", "PT8", "PTH", "PT0H", "P8H", "PT1D", "PT30M1H", "P400D", "PT-1H", "P1DT", "PT1HT1M", "PT9999999H"} {
		if d, err := ParseClockDuration(s); err == nil {
			t.Errorf("%q parsed as %v", s, d)
		}
	}
}

// R-RES-2, R-RES-3: the default document caps grants at 8 hours, pending requests at 24, and
// alerts at the thresholds of the 2024 cross-border provisions.
func TestAccessGrantsDefaults(t *testing.T) {
	s := Default().AccessGrants()
	if s.MaxDuration != 8*time.Hour || s.PendingExpiry != 24*time.Hour {
		t.Fatalf("durations %v %v", s.MaxDuration, s.PendingExpiry)
	}
	if diff := cmp.Diff([]int64{100_000, 1_000_000}, s.PeopleThresholds); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]int64{10_000}, s.SensitivePeopleThresholds); diff != "" {
		t.Error(diff)
	}
	if !s.Exemption("contract_necessity") || s.Exemption("goodwill") {
		t.Error("exemptions")
	}
	// A document without the section gets the same limits.
	doc, err := Parse("min.yaml", []byte(minimalDoc))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if m := e.AccessGrants(); m.MaxDuration != DefaultGrantMaxDuration || m.PendingExpiry != DefaultGrantPendingExpiry || len(m.PeopleThresholds) != 2 {
		t.Fatalf("defaults %+v", m)
	}
}

func TestAccessGrantsChecked(t *testing.T) {
	section := "access_grants:\n  max_duration: PT4H\n  pending_expiry: PT2H\n  abroad_thresholds:\n    people: [3, 5]\n    sensitive_people: [2]\n  exemptions:\n    - name: emergency\n      description: {zh: 紧急, en: emergency}\n      rids: [R-RES-3]\n  rids: [R-RES-2]\n"
	e, err := Compile(mustParse(t, minimalDoc+section))
	if err != nil {
		t.Fatal(err)
	}
	if s := e.AccessGrants(); s.MaxDuration != 4*time.Hour || s.PendingExpiry != 2*time.Hour || s.PeopleThresholds[1] != 5 || s.SensitivePeopleThresholds[0] != 2 || !s.Exemption("emergency") {
		t.Fatalf("settings %+v", s)
	}
	for _, c := range []struct{ name, old, new, msg string }{
		{"HoursInDays", "PT4H", "P4H", "does not match the pattern"},
		{"ZeroDuration", "PT4H", "PT0M", `bad duration "PT0M"`},
		{"Descending", "[3, 5]", "[5, 3]", "ascending"},
		{"Zero", "[2]", "[0]", "minimum"},
		{"UnknownRID", "[R-RES-3]\n  rids: [R-RES-2]\n", "[R-RES-3]\n  rids: [R-XXX-9]\n", "access_grants.rids[0]: unknown R-ID"},
		{"NoRIDs", "[R-RES-3]\n  rids: [R-RES-2]\n", "[R-RES-3]\n", `missing required key "rids"`},
		{"UnknownKey", "  max_duration", "  colour: red\n  max_duration", `unknown key "colour"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(minimalDoc+section, c.old, c.new, 1)
			err := Check("p.yaml", []byte(doc))
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want %q", err, c.msg)
			}
		})
	}
}

// R-RES-2, R-SUP-1: the engine says where a grant is needed and which purposes it may serve.
func TestGrantRequired(t *testing.T) {
	e := Default()
	cd, _ := e.CategoryByName("customer_data")
	ad, _ := e.CategoryByName("administrator_data")
	ts, _ := e.PurposeByName("troubleshooting")
	mk, _ := e.PurposeByName("marketing")
	if !e.GrantRequired(RoleSupportEngineer, cd, false) || !e.GrantRequired(RoleSupportEngineer, cd, true) {
		t.Error("support engineers need a grant for customer data")
	}
	if e.GrantRequired(RoleSupportEngineer, ad, true) || e.GrantRequired(RolePrivacyOfficer, cd, false) || e.GrantRequired(RoleUnknown, cd, false) {
		t.Error("a grant required where no rule asks for one")
	}
	if !e.AccessPurposeAllowed(RoleSupportEngineer, cd, true, ts) || e.AccessPurposeAllowed(RoleSupportEngineer, cd, true, mk) {
		t.Error("abroad purposes")
	}
	if !e.AccessPurposeAllowed(RoleSupportEngineer, cd, false, mk) {
		t.Error("the rule in China lists no purposes")
	}
}

func mustParse(t *testing.T, doc string) *Document {
	t.Helper()
	d, err := Parse("p.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// FuzzParseClockDuration: any input either parses to a positive duration of at most a year,
// or is refused; it never panics.
func FuzzParseClockDuration(f *testing.F) {
	for _, s := range []string{"PT8H", "P1DT2H", "PT30M", "P", "PT", "P1D", "PT99999H", "PT1H1H", "P-1D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseClockDuration(s)
		if err == nil && (d <= 0 || d > maxClock) {
			t.Fatalf("%q parsed as %v", s, d)
		}
	})
}
