package opa

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"custos.dev/custos/policy"
	"custos.dev/custos/policy/policytest"
)

//go:embed custos.rego
var regoSource string

const casesDir = "../../policy/testdata/decisions"

// policyData turns the compiled default policy into the data document the Rego rules read, so
// that both engines decide from the same default.yaml.
func policyData(doc *policy.Document) map[string]any {
	purposes := map[string]any{}
	for _, p := range doc.Purposes {
		purposes[p.Name] = map[string]any{
			"service":                   p.Service,
			"retained_use":              p.RetainedUse,
			"requires_separate_consent": p.RequiresSeparateConsent,
		}
	}
	categories := map[string]any{}
	for _, c := range doc.Categories {
		decl := map[string]any{}
		for _, cp := range c.Purposes {
			decl[cp.Purpose] = map[string]any{"basis": cp.Basis, "rid": cp.RIDs[0]}
		}
		categories[c.Name] = map[string]any{"sensitive": c.Sensitive, "purposes": decl}
	}
	access := map[string]any{}
	for _, a := range doc.Access {
		byCat, _ := access[a.Role].(map[string]any)
		if byCat == nil {
			byCat = map[string]any{}
			access[a.Role] = byCat
		}
		byLoc, _ := byCat[a.Category].(map[string]any)
		if byLoc == nil {
			byLoc = map[string]any{}
			byCat[a.Category] = byLoc
		}
		purposes := make([]any, len(a.Purposes))
		for i, p := range a.Purposes {
			purposes[i] = p
		}
		rule := map[string]any{"requires_grant": a.RequiresGrant, "rid": a.RIDs[0], "purposes": purposes}
		switch a.Location {
		case "cn", "abroad":
			byLoc[a.Location] = rule
		default:
			byLoc["cn"], byLoc["abroad"] = rule, rule
		}
	}
	return map[string]any{"policy": map[string]any{"purposes": purposes, "categories": categories, "access": access}}
}

// prepare compiles the Rego policy once, with the store options OPA recommends for speed, so
// that the benchmark measures evaluation only, as it does for custos.
func prepare(tb testing.TB) rego.PreparedEvalQuery {
	tb.Helper()
	store := inmem.NewFromObjectWithOpts(policyData(policy.Default().Document()), inmem.OptReturnASTValuesOnRead(true))
	pq, err := rego.New(
		rego.Query("data.custos.decide.decision"),
		rego.Module("custos.rego", regoSource),
		rego.Store(store),
	).PrepareForEval(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return pq
}

// input converts facts to an OPA value the way OPA's server would see the JSON body.
func input(tb testing.TB, f *policy.Facts) ast.Value {
	tb.Helper()
	raw, err := json.Marshal(f)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := ast.ValueFromReader(bytes.NewReader(raw))
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

type opaDecision struct {
	Allow  bool   `json:"allow"`
	Reason string `json:"reason"`
	RID    string `json:"rid"`
}

func evalOPA(tb testing.TB, pq rego.PreparedEvalQuery, in ast.Value) opaDecision {
	tb.Helper()
	rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(in))
	if err != nil {
		tb.Fatal(err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		tb.Fatalf("OPA returned %d results", len(rs))
	}
	raw, err := json.Marshal(rs[0].Expressions[0].Value)
	if err != nil {
		tb.Fatal(err)
	}
	var d opaDecision
	if err := json.Unmarshal(raw, &d); err != nil {
		tb.Fatal(err)
	}
	return d
}

func loadCases(tb testing.TB) []policytest.Case {
	tb.Helper()
	cases, err := policytest.Load(casesDir)
	if err != nil {
		tb.Fatal(err)
	}
	return cases
}

// TestSameDecisions proves the comparison fair: on every decision case the Rego policy answers
// as custos does (allow or deny, and the same reason and R-ID).
func TestSameDecisions(t *testing.T) {
	pq := prepare(t)
	e := policy.Default()
	for _, c := range loadCases(t) {
		t.Run(c.RID+"/"+c.Name, func(t *testing.T) {
			d, err := e.DecideFacts(&c.Facts)
			if err != nil {
				t.Fatal(err)
			}
			want := opaDecision{Allow: d.Allow, Reason: d.Reason.String(), RID: d.RID}
			got := evalOPA(t, pq, input(t, &c.Facts))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("custos (-) vs OPA (+):\n%s", diff)
			}
		})
	}
}

// The benchmarks cycle through every decision case. OPA gets its input already converted to an
// AST value, which favours it; custos starts from the same Facts and resolves names each time.

func BenchmarkOPA(b *testing.B) {
	pq := prepare(b)
	cases := loadCases(b)
	inputs := make([]ast.Value, len(cases))
	for i := range cases {
		inputs[i] = input(b, &cases[i].Facts)
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := pq.Eval(ctx, rego.EvalParsedInput(inputs[i%len(inputs)])); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkCustos(b *testing.B) {
	e := policy.Default()
	cases := loadCases(b)
	b.ReportAllocs()
	var q policy.Question
	i := 0
	for b.Loop() {
		if err := e.Resolve(&cases[i%len(cases)].Facts, &q); err != nil {
			b.Fatal(err)
		}
		_ = e.Decide(&q)
		i++
	}
}

// BenchmarkCustosDecide is the hot path alone: questions resolved once, as a caller that keeps
// its Question does.
func BenchmarkCustosDecide(b *testing.B) {
	e := policy.Default()
	cases := loadCases(b)
	qs := make([]policy.Question, len(cases))
	for i := range cases {
		if err := e.Resolve(&cases[i].Facts, &qs[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = e.Decide(&qs[i%len(qs)])
		i++
	}
}
