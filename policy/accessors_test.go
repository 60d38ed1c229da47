package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEngineIsImmutable: an Engine is shared between goroutines, so neither changing the
// Document it came from nor changing what an accessor returned may change it.
func TestEngineIsImmutable(t *testing.T) {
	doc, err := Parse("min.yaml", []byte(minimalDoc))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	doc.Categories[0].Regions[0] = "us-east"
	doc.Categories[0].Name = "renamed"
	e.Categories()[0].Regions[0] = "us-west"
	e.Fields(0)[0].Name = "changed"
	e.Recipients()[0].Categories[0] = "changed"
	if !e.AllowedRegion(0, "cn-north") || e.AllowedRegion(0, "us-east") {
		t.Error("regions changed through the document or an accessor")
	}
	if c, ok := e.CategoryByName("customer_data"); !ok || c != 0 || e.CategoryName(0) != "customer_data" {
		t.Error("a category rename reached the engine")
	}
	if diff := cmp.Diff([]Field{{Name: "content", Kind: KindPlain}}, e.Fields(0)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if got := e.Recipients()[0].Categories; got[0] != "customer_data" {
		t.Errorf("recipient categories = %v", got)
	}
	if got := e.Document().Categories[0].Name; got != "customer_data" {
		t.Errorf("Document() = %q", got)
	}
}

func TestAccessorsOnUnknownIDs(t *testing.T) {
	e := Default()
	const bad = Category(200)
	if !e.Sensitive(bad) {
		t.Error("an unknown category is not treated as sensitive")
	}
	if e.Fields(bad) != nil || e.AllowedRegion(bad, "cn-north") || e.CategoryName(bad) != "" || e.PurposeName(200) != "" {
		t.Error("an unknown ID has fields, regions or a name")
	}
	if _, ok := e.Retention(bad, StateCancelled); ok {
		t.Error("an unknown category has a retention")
	}
	if _, ok := e.Field(0, "nope"); ok {
		t.Error("an undeclared field was found (R-INV-1)")
	}
}

// R-RET-1, R-RET-2, R-RET-5: retention per state.
func TestRetention(t *testing.T) {
	e := Default()
	admin, _ := e.CategoryByName("administrator_data")
	tests := []struct {
		state State
		want  RetentionRule
		ok    bool
	}{
		{StateActive, RetentionRule{Period: Duration{WhileActive: true}, Action: ActionDelete, RIDs: []string{"R-RET-1"}}, true},
		{StateTrial, RetentionRule{Period: Duration{Days: 30}, Action: ActionDelete, RIDs: []string{"R-RET-5"}}, true},
		{StateCancelled, RetentionRule{Period: Duration{Years: 3}, Action: ActionDelete, RIDs: []string{"R-RET-2", "R-RET-3"}}, true},
		{StateLegalHold, RetentionRule{}, false},
		{StateErased, RetentionRule{}, false},
		{State(99), RetentionRule{}, false},
	}
	for _, tt := range tests {
		got, ok := e.Retention(admin, tt.state)
		if ok != tt.ok {
			t.Errorf("%s: ok = %v, want %v", tt.state, ok, tt.ok)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.state, diff)
		}
	}
	diag, _ := e.CategoryByName("diagnostic_data")
	if r, _ := e.Retention(diag, StateCancelled); r.Action != ActionAnonymise {
		t.Errorf("diagnostic data at the end of retention: %s, want anonymise", r.Action)
	}
}

func TestPurposeFlags(t *testing.T) {
	e := Default()
	flags := map[string]string{}
	for _, p := range e.Purposes() {
		switch {
		case p.Service:
			flags[p.Name] = "service"
		case p.RetainedUse:
			flags[p.Name] = "retained_use"
		case p.RequiresSeparateConsent:
			flags[p.Name] = "separate"
		}
	}
	want := map[string]string{
		"provide_service":       "service",      // R-PUR-3
		"storage":               "retained_use", // R-RET-2
		"security":              "retained_use",
		"legal_duty":            "retained_use",
		"transfer_to_licensor":  "separate", // R-RES-3
		"third_party_analytics": "separate", // PIPL art. 23
	}
	if diff := cmp.Diff(want, flags); diff != "" {
		t.Errorf("purpose flags (-want +got):\n%s", diff)
	}
}
