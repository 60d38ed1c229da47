package policy_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"custos.dev/custos/policy"
	"custos.dev/custos/policy/policytest"
)

// got is the part of a Decision a case compares.
type got struct {
	Allow     bool
	Reason    string
	RID       string
	Basis     string
	Sensitive bool
}

// TestDecisionCases runs every case under testdata/decisions: the statement's behaviour,
// specified as data. Each case names the R-ID it proves (R-PUR-1, R-PUR-2, R-PUR-3, R-RET-2,
// R-RET-3, R-MIN-1, R-RES-2, R-RES-3, R-INV-3, R-COM-1, R-COM-2, R-COOK-1, R-SHR-3, R-SHR-5,
// R-SUP-1).
func TestDecisionCases(t *testing.T) {
	cases, err := policytest.Load("testdata/decisions")
	if err != nil {
		t.Fatal(err)
	}
	e := policy.Default()
	for _, c := range cases {
		t.Run(c.RID+"/"+c.Name, func(t *testing.T) {
			d, err := e.DecideFacts(&c.Facts)
			if err != nil {
				t.Fatalf("facts: %v", err)
			}
			g := got{Allow: d.Allow, Reason: d.Reason.String(), RID: d.RID}
			w := got{Allow: *c.Want.Allow, Reason: c.Want.Reason, RID: c.Want.RID}
			if c.Want.Basis != "" {
				g.Basis, w.Basis = d.Basis.String(), c.Want.Basis
			}
			if c.Want.Sensitive != nil {
				g.Sensitive, w.Sensitive = d.Sensitive, *c.Want.Sensitive
			}
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("%s: decision (-want +got):\n%s", c.File, diff)
			}
		})
	}
}

// TestDecisionCasesCoverTheRules keeps the case files honest: each rule of Decide that enforces
// a requirement has a case that it allows and one that it denies.
func TestDecisionCasesCoverTheRules(t *testing.T) {
	cases, err := policytest.Load("testdata/decisions")
	if err != nil {
		t.Fatal(err)
	}
	type cover struct{ Allow, Deny bool }
	seen := map[string]cover{}
	for _, c := range cases {
		cv := seen[c.RID]
		if *c.Want.Allow {
			cv.Allow = true
		} else {
			cv.Deny = true
		}
		seen[c.RID] = cv
	}
	for _, rid := range []string{"R-PUR-1", "R-PUR-2", "R-PUR-3", "R-RET-2", "R-MIN-1", "R-RES-2", "R-INV-3", "R-RES-3", "R-COOK-1", "R-SUP-1"} {
		if cv := seen[rid]; !cv.Allow || !cv.Deny {
			t.Errorf("%s: cases allow=%v deny=%v; want both", rid, cv.Allow, cv.Deny)
		}
	}
}

type namedQuestion struct {
	name string
	q    *policy.Question
}

// questions are representative questions for the allocation test and the benchmark, one per
// kind of rule that decides: a declared purpose, a consent, an access grant, the lifecycle,
// the tenant check, and the final consent check.
func questions(tb testing.TB) []namedQuestion {
	tb.Helper()
	e := policy.Default()
	q := func(f policy.Facts) *policy.Question {
		var q policy.Question
		if err := e.Resolve(&f, &q); err != nil {
			tb.Fatal(err)
		}
		return &q
	}
	active := policy.SubjectFacts{Tenant: "t1", State: "active", RealNameVerified: true}
	withConsent := active
	withConsent.Consents = []policy.ConsentFacts{{Purpose: "marketing", Category: "payment_data", Separate: true}}
	return []namedQuestion{
		{"DeclaredPurpose", q(policy.Facts{Actor: policy.ActorFacts{Role: "service", Location: "cn"}, Subject: active,
			Category: "administrator_data", Purpose: "manage_account"})},
		{"SeparateConsent", q(policy.Facts{Actor: policy.ActorFacts{Role: "operator-admin", Location: "cn"}, Subject: withConsent,
			Category: "payment_data", Purpose: "marketing"})},
		{"AbroadWithGrant", q(policy.Facts{Actor: policy.ActorFacts{Role: "support-engineer", Location: "abroad",
			Grants: []policy.GrantFacts{{Tenant: "t1", Category: "customer_data"}}}, Subject: active,
			Category: "customer_data", Purpose: "troubleshooting"})},
		{"Cancelled", q(policy.Facts{Actor: policy.ActorFacts{Role: "operator-admin", Location: "cn"},
			Subject: policy.SubjectFacts{Tenant: "t1", State: "cancelled"}, Category: "administrator_data", Purpose: "manage_account"})},
		{"OtherTenant", q(policy.Facts{Actor: policy.ActorFacts{Role: "customer-admin", Tenant: "t2", Location: "cn"}, Subject: active,
			Category: "administrator_data", Purpose: "manage_account"})},
		{"UndeclaredNoConsent", q(policy.Facts{Actor: policy.ActorFacts{Role: "operator-admin", Location: "cn"}, Subject: active,
			Category: "customer_data", Purpose: "marketing"})},
	}
}

// TestDecideDoesNotAllocate: Decide runs on every read of personal information (DESIGN.md:
// "no allocation, no I/O, nanoseconds").
func TestDecideDoesNotAllocate(t *testing.T) {
	e := policy.Default()
	for _, nq := range questions(t) {
		var d policy.Decision
		allocs := testing.AllocsPerRun(100, func() { d = e.Decide(nq.q) })
		if allocs != 0 {
			t.Errorf("%s: Decide allocates %v times per call, want 0", nq.name, allocs)
		}
		buf := make([]byte, 0, 256)
		allocs = testing.AllocsPerRun(100, func() { buf = d.AppendJSON(buf[:0]) })
		if allocs != 0 {
			t.Errorf("%s: AppendJSON allocates %v times per call, want 0", nq.name, allocs)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	e := policy.Default()
	for _, nq := range questions(b) {
		b.Run(nq.name, func(b *testing.B) {
			b.ReportAllocs()
			var d policy.Decision
			for b.Loop() {
				d = e.Decide(nq.q)
			}
			_ = d
		})
	}
}

func TestDecisionJSON(t *testing.T) {
	d := policy.Decision{Allow: true, Reason: policy.ReasonDeclaredPurpose, Basis: policy.BasisContract, RID: "R-PUR-1", Sensitive: true}
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"allow":true,"reason":"declared_purpose","basis":"contract","rid":"R-PUR-1","sensitive":true}`
	if string(raw) != want {
		t.Errorf("json.Marshal = %s\nwant          %s", raw, want)
	}
	var back map[string]any
	if err := json.Unmarshal(policy.Decision{}.AppendJSON(nil), &back); err != nil {
		t.Fatalf("zero Decision is not valid JSON: %v", err)
	}
	if diff := cmp.Diff(map[string]any{"allow": false, "reason": "none", "basis": "none", "rid": "", "sensitive": false}, back); diff != "" {
		t.Errorf("zero Decision (-want +got):\n%s", diff)
	}
}
