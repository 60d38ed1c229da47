package retention

import (
	"net/netip"
	"regexp"
	"strings"
	"time"

	"custos.dev/custos/pii"
	"custos.dev/custos/policy"
	"custos.dev/custos/vault"
)

// AnonymiseFields applies the policy's per-field scheme to a record's fields (R-RET-3;
// docs/retention.md). Fields the policy does not mark are dropped, and so is any value a
// generalisation does not understand: when in doubt, nothing is kept.
func AnonymiseFields(eng *policy.Engine, cat policy.Category, fields map[string]string) map[string]string {
	out := map[string]string{}
	for _, f := range eng.Fields(cat) {
		v, ok := fields[f.Name]
		if !ok || v == "" {
			continue
		}
		if g, ok := generalise(f, v); ok {
			out[f.Name] = g
		}
	}
	return out
}

// longNumber is a run of seven or more digits (an optional check letter after it): what a
// phone, card, account or ID number looks like even when it fails its check.
var longNumber = regexp.MustCompile(`[0-9]{7,}[Xx]?`)

func generalise(f policy.Field, v string) (string, bool) {
	switch f.Anonymise {
	case policy.AnonymiseKeep:
		if f.Kind == policy.KindPlain && f.Validator == "" {
			return v, true
		}
	case policy.AnonymiseRedact:
		b := []byte(v)
		// The scanner finds only valid identifiers; a mistyped one is still an identifier,
		// so every long run of digits left goes too.
		return longNumber.ReplaceAllString(string(pii.Redact(nil, b, pii.Tag, pii.Scan(b))), "[number]"), true
	case policy.AnonymiseYear:
		v = strings.TrimSpace(v)
		if len(v) >= 10 {
			if d, err := time.Parse(time.DateOnly, v[:10]); err == nil {
				return d.Format("2006"), true
			}
		}
	case policy.AnonymiseProvince:
		// The first two digits of a resident ID number are its province (GB/T 2260); the
		// rest (prefecture, county, birth date, sequence, sex) goes.
		n, err := vault.Normalize(vault.KindIDNumber, v)
		if err == nil && pii.ValidResidentID(n) {
			return n[:2] + "0000", true
		}
	case policy.AnonymiseIPPrefix:
		a, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil {
			return "", false
		}
		a = a.Unmap()
		bits := 32
		if a.Is4() {
			bits = 16
		}
		p, err := a.Prefix(bits)
		if err != nil {
			return "", false
		}
		return p.String(), true
	}
	return "", false
}
