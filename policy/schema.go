package policy

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed schema.json
var schemaJSON []byte

// Schema returns the JSON Schema of the policy format, for editors and other tools.
func Schema() []byte {
	return bytes.Clone(schemaJSON)
}

const schemaURL = "https://custos.dev/schema/policy.json"

// compiledSchema is compiled once; a failure means the embedded schema is broken, which the
// tests rule out.
var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("policy schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("policy schema: %w", err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("policy schema: %w", err)
	}
	return s, nil
})

var schemaPrinter = message.NewPrinter(language.English)

// validateSchema checks the tree's shape against schema.json and reports each failing leaf at
// its node. It runs before the Go checks, which can then rely on the shape.
func validateSchema(r *reporter, tree any) bool {
	s, err := compiledSchema()
	if err != nil {
		r.at("", "%v", err)
		return false
	}
	err = s.Validate(tree)
	if err == nil {
		return true
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		r.at("", "schema: %v", err)
		return false
	}
	before := len(r.errs)
	reportLeaves(r, tree, ve)
	if len(r.errs) == before {
		r.at("", "does not match the policy schema")
	}
	return false
}

// reportLeaves walks the validation error tree and reports its leaves: the inner nodes only
// say "some item of this array failed", which the leaves already say more precisely.
func reportLeaves(r *reporter, tree any, ve *jsonschema.ValidationError) {
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			reportLeaves(r, tree, c)
		}
		return
	}
	path := docPath(tree, ve.InstanceLocation)
	switch k := ve.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		props := slices.Clone(k.Properties)
		slices.Sort(props)
		for _, p := range props {
			r.atKey(childPath(path, p), "unknown key %q", p)
		}
	case *kind.Required:
		for _, m := range k.Missing {
			r.at(path, "missing required key %q", m)
		}
	case *kind.Type:
		r.at(path, "want %s, got %s", joinOr(k.Want), k.Got)
	case *kind.Enum:
		r.at(path, "must be one of %s", enumList(k.Want))
	case *kind.Pattern:
		r.at(path, "%q does not match the pattern %s", k.Got, k.Want)
	case *kind.MinItems:
		r.at(path, "needs at least %d item(s)", k.Want)
	default:
		r.at(path, "%s", ve.ErrorKind.LocalizedString(schemaPrinter))
	}
}

// docPath turns a JSON pointer's tokens into the path syntax of Error.Path, using the tree to
// tell array indexes from keys.
func docPath(tree any, loc []string) string {
	path := ""
	cur := tree
	for _, tok := range loc {
		switch v := cur.(type) {
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return childPath(path, tok)
			}
			path = indexPath(path, i)
			cur = v[i]
		case map[string]any:
			path = childPath(path, tok)
			cur = v[tok]
		default:
			return childPath(path, tok)
		}
	}
	return path
}

func joinOr(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " or "
		}
		out += s
	}
	return out
}

func enumList(want []any) string {
	out := ""
	for i, w := range want {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%v", w)
	}
	return out
}
