package policy

import (
	"errors"
	"testing"
)

// FuzzParse feeds Parse arbitrary bytes: policy files come from operators, and `custos policy
// check` must answer every one of them with a document or located errors, never a panic. The
// seeds under testdata/fuzz/FuzzParse are the default document, the minimal one and broken
// variants (syntax, aliases, tags, deep nesting, wrong types).
func FuzzParse(f *testing.F) {
	f.Add(DefaultDocument())
	f.Add([]byte(minimalDoc))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse("fuzz.yaml", data)
		if err != nil {
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("Parse error %T %v, want non-empty Errors", err, err)
			}
			for _, e := range errs {
				if e.Line < 1 || e.Column < 1 || e.Msg == "" {
					t.Fatalf("error without a position or message: %#v", e)
				}
			}
			if doc != nil {
				t.Fatal("Parse returned a document and an error")
			}
			return
		}
		// What Parse accepts, Compile accepts, and the engine answers about it.
		e, err := Compile(doc)
		if err != nil {
			t.Fatalf("Parse accepted a document that Compile refuses: %v", err)
		}
		q := Question{Role: RoleService, State: StateActive}
		for c := range e.Categories() {
			for p := range e.Purposes() {
				q.Category, q.Purpose = Category(c), Purpose(p)
				e.Decide(&q)
			}
		}
	})
}
