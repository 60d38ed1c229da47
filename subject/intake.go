package subject

import (
	"encoding/json"
	"sort"

	"custos.dev/custos/pii"
	"custos.dev/custos/policy"
)

// scanner finds PI in free text on intake; it is safe for concurrent use.
var scanner = pii.NewScanner(pii.Options{})

// intake is what scanning a record's free text on the way in yields.
type intake struct {
	// fields are the fields to store: free text with any card security code a person typed
	// into it replaced by "[card_security_code]" (R-PAY-1).
	fields map[string]string
	// redacted are the fields with every PI finding of free text replaced by its type, and
	// identifiers masked: what purposes that read only redacted text see (R-SUP-4).
	redacted map[string]string
	// found maps each free-text field to the PI types found in it, no values.
	found map[string][]string
}

// scanIntake scans the plain (free-text) fields of a record. Identifier fields are
// validated elsewhere and are PI by definition; they are masked in the redacted copy.
func scanIntake(eng *policy.Engine, cat policy.Category, fields map[string]string) intake {
	in := intake{fields: make(map[string]string, len(fields)), redacted: make(map[string]string, len(fields)), found: map[string][]string{}}
	for name, v := range fields {
		f, _ := eng.Field(cat, name)
		if f.Kind != policy.KindPlain {
			in.fields[name] = v
			in.redacted[name] = maskField(f, v)
			continue
		}
		findings := scanner.FindAll([]byte(v))
		if len(findings) == 0 {
			in.fields[name], in.redacted[name] = v, v
			continue
		}
		var codes []pii.Finding
		types := map[string]bool{}
		for _, fd := range findings {
			types[fd.Type.String()] = true
			if fd.Type == pii.CardSecurityCode {
				codes = append(codes, fd)
			}
		}
		in.fields[name] = v
		if len(codes) > 0 {
			in.fields[name] = string(pii.Redact(nil, []byte(v), pii.Tag, codes))
		}
		in.redacted[name] = string(pii.Redact(nil, []byte(v), pii.Tag, findings))
		for t := range types {
			in.found[name] = append(in.found[name], t)
		}
		sort.Strings(in.found[name])
	}
	return in
}

// foundJSON encodes the PI types found, "" when none.
func (in intake) foundJSON() string {
	if len(in.found) == 0 {
		return ""
	}
	b, _ := json.Marshal(in.found)
	return string(b)
}
