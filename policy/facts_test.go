package policy_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"custos.dev/custos/policy"
)

const goodFacts = `{"actor":{"role":"support-engineer","tenant":"t1","location":"cn","grants":[{"tenant":"t1","category":"customer_data"}]},
 "subject":{"tenant":"t1","state":"active","minor":false,"under_14":false,"guardian_consent":false,"real_name_verified":true,
   "consents":[{"purpose":"marketing","category":"administrator_data","separate":true}]},
 "category":"administrator_data","purpose":"marketing"}`

func TestResolveGoodFacts(t *testing.T) {
	e := policy.Default()
	var f policy.Facts
	if err := json.Unmarshal([]byte(goodFacts), &f); err != nil {
		t.Fatal(err)
	}
	var q policy.Question
	q.HasGrant = true // Resolve must replace, not merge
	if err := e.Resolve(&f, &q); err != nil {
		t.Fatal(err)
	}
	admin, _ := e.CategoryByName("administrator_data")
	marketing, _ := e.PurposeByName("marketing")
	if q.Role != policy.RoleSupportEngineer || q.State != policy.StateActive || q.Category != admin || q.Purpose != marketing {
		t.Errorf("Resolve = %+v", q)
	}
	if q.HasGrant {
		t.Error("a grant for customer_data counted for administrator_data")
	}
	if !q.Consents.Has(admin, marketing, true) {
		t.Error("the separate consent was not recorded")
	}
	d := e.Decide(&q)
	if !d.Allow || d.Reason != policy.ReasonConsent {
		t.Errorf("Decide = %+v, want allowed by consent (R-COM-2)", d)
	}
}

// TestResolveFieldErrors: bad input names the JSON field and never repeats the value, which
// may be personal information.
func TestResolveFieldErrors(t *testing.T) {
	const secret = "13800138000" // a value that must not appear in an error
	tests := []struct {
		name   string
		change func(f *policy.Facts)
		want   policy.FieldError
	}{
		{"UnknownRole", func(f *policy.Facts) { f.Actor.Role = secret }, policy.FieldError{Field: "actor.role", Reason: "unknown role"}},
		{"MissingRole", func(f *policy.Facts) { f.Actor.Role = "" }, policy.FieldError{Field: "actor.role", Reason: "required"}},
		{"MissingLocation", func(f *policy.Facts) { f.Actor.Location = "" }, policy.FieldError{Field: "actor.location", Reason: "required: cn or abroad"}},
		{"BadLocation", func(f *policy.Facts) { f.Actor.Location = secret }, policy.FieldError{Field: "actor.location", Reason: "want cn or abroad"}},
		{"CustomerAdminWithoutTenant", func(f *policy.Facts) { f.Actor.Role, f.Actor.Tenant = "customer-admin", "" }, policy.FieldError{Field: "actor.tenant", Reason: "required for a customer-admin"}},
		{"UnknownCategory", func(f *policy.Facts) { f.Category = secret }, policy.FieldError{Field: "category", Reason: "unknown category"}},
		{"UnknownPurpose", func(f *policy.Facts) { f.Purpose = secret }, policy.FieldError{Field: "purpose", Reason: "unknown purpose"}},
		{"GrantCategory", func(f *policy.Facts) { f.Actor.Grants[0].Category = secret }, policy.FieldError{Field: "actor.grants[0].category", Reason: "unknown category"}},
		{"GrantTenant", func(f *policy.Facts) { f.Actor.Grants[0].Tenant = "" }, policy.FieldError{Field: "actor.grants[0].tenant", Reason: "required"}},
		{"UnknownState", func(f *policy.Facts) { f.Subject.State = secret }, policy.FieldError{Field: "subject.state", Reason: "unknown state"}},
		{"ConsentPurpose", func(f *policy.Facts) {
			f.Subject.Consents = append(f.Subject.Consents, policy.ConsentFacts{Purpose: "survey"}, policy.ConsentFacts{Purpose: secret})
		}, policy.FieldError{Field: "subject.consents[2].purpose", Reason: "unknown purpose"}},
		{"ConsentCategory", func(f *policy.Facts) { f.Subject.Consents[0].Category = secret }, policy.FieldError{Field: "subject.consents[0].category", Reason: "unknown category"}},
	}
	e := policy.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f policy.Facts
			if err := json.Unmarshal([]byte(goodFacts), &f); err != nil {
				t.Fatal(err)
			}
			tt.change(&f)
			var q policy.Question
			err := e.Resolve(&f, &q)
			var fe *policy.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Resolve = %v, want a *FieldError", err)
			}
			if diff := cmp.Diff(tt.want, *fe); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q repeats the input value", err)
			}
		})
	}
}

// TestUnknownIDsAreDenied covers Questions built from IDs of another engine or by mistake.
func TestUnknownIDsAreDenied(t *testing.T) {
	e := policy.Default()
	ok := policy.Question{Role: policy.RoleService, State: policy.StateActive, RealNameVerified: true}
	tests := []struct {
		name   string
		change func(q *policy.Question)
		want   policy.Decision
	}{
		{"ZeroQuestion", func(q *policy.Question) { *q = policy.Question{} }, policy.Decision{Reason: policy.ReasonUnknownRole}},
		{"UnknownRole", func(q *policy.Question) { q.Role = 200 }, policy.Decision{Reason: policy.ReasonUnknownRole}},
		{"UnknownState", func(q *policy.Question) { q.State = 0 }, policy.Decision{Reason: policy.ReasonUnknownState}},
		{"UnknownCategory", func(q *policy.Question) { q.Category = 200 }, policy.Decision{Reason: policy.ReasonUnknownCategory, RID: "R-INV-1"}},
		{"UnknownPurpose", func(q *policy.Question) { q.Purpose = 255 }, policy.Decision{Reason: policy.ReasonUnknownPurpose, RID: "R-PUR-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ok
			tt.change(&q)
			if diff := cmp.Diff(tt.want, e.Decide(&q)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if d := e.Decide(&ok); !d.Allow {
		t.Errorf("the base question is denied: %+v", d)
	}
}
