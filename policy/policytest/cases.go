// Package policytest loads the YAML decision cases under policy/testdata/decisions: facts and
// the decision the statement requires for them. The policy tests run them against the engine,
// and bench/opa runs them against the Rego translation. It is for tests only and must never be
// imported by production code.
package policytest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/goccy/go-yaml"

	"custos.dev/custos/policy"
)

// Case is one decision case.
type Case struct {
	File  string       `json:"-"`     // base name of the file it came from
	Name  string       `json:"name"`  // says the case in words
	RID   string       `json:"rid"`   // the requirement the case proves
	Facts policy.Facts `json:"facts"` // the question
	Want  Want         `json:"want"`  // the answer the statement requires
}

// Want is the expected decision. Allow, Reason and RID are always compared; Basis and Sensitive
// only when the case gives them.
type Want struct {
	Allow     *bool  `json:"allow"`
	Reason    string `json:"reason"`
	RID       string `json:"rid"`
	Basis     string `json:"basis,omitempty"`
	Sensitive *bool  `json:"sensitive,omitempty"`
}

type file struct {
	Cases []Case `json:"cases"`
}

// Load reads every *.yaml file in dir, in name order. Unknown keys are errors, so that a typo in
// a case cannot silently turn it into a different question.
func Load(dir string) ([]Case, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	slices.Sort(paths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("no decision cases in %s", dir)
	}
	var all []Case
	names := map[string]bool{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var f file
		if err := yaml.UnmarshalWithOptions(raw, &f, yaml.Strict()); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for i, c := range f.Cases {
			c.File = filepath.Base(p)
			switch {
			case c.Name == "":
				return nil, fmt.Errorf("%s: case %d has no name", p, i)
			case names[c.Name]:
				return nil, fmt.Errorf("%s: duplicate case name %q", p, c.Name)
			case !policy.KnownRID(c.RID):
				return nil, fmt.Errorf("%s: case %q proves %q, which is not in the catalogue", p, c.Name, c.RID)
			case c.Want.Allow == nil || c.Want.Reason == "":
				return nil, fmt.Errorf("%s: case %q lacks want.allow or want.reason", p, c.Name)
			}
			names[c.Name] = true
			all = append(all, c)
		}
	}
	return all, nil
}
