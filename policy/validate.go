package policy

import (
	"fmt"
	"strings"
)

// Engine limits: a purpose is a bit in a uint64 consent mask, and categories index fixed-size
// arrays in the compiled tables, which is what keeps Decide free of allocation.
const (
	MaxPurposes   = 64
	MaxCategories = 32
)

// validator runs the checks the schema cannot express: cross-references, the catalogue, and
// the statement's own rules about what a policy may say. It runs only on schema-valid
// documents; the few checks that repeat the schema (R-IDs present, names of bases, roles and
// actions known) guard the indexing and lookups in Compile, should the schema ever be loosened.
type validator struct {
	r          *reporter
	d          *Document
	bases      map[string]bool
	purposes   map[string]int
	categories map[string]int
}

func validate(r *reporter, d *Document) {
	v := &validator{r: r, d: d, bases: map[string]bool{}, purposes: map[string]int{}, categories: map[string]int{}}
	v.statement()
	v.declaredBases()
	v.declaredPurposes()
	v.declaredCategories()
	v.categoryDetails()
	v.recipients()
	v.messageTypes()
	v.accessRules()
	v.accessGrants()
}

// rids checks that an entry cites requirements, and only ones in the catalogue.
func (v *validator) rids(path string, rids []string) {
	p := childPath(path, "rids")
	if len(rids) == 0 {
		v.r.at(path, "cites no R-ID: every entry names the requirements it implements")
		return
	}
	for i, id := range rids {
		if !KnownRID(id) {
			v.r.at(indexPath(p, i), "unknown R-ID %q: not in the catalogue of REQUIREMENTS.md", id)
		}
	}
}

// uniq reports the second and later uses of a name within one list.
type uniq struct {
	v     *validator
	what  string
	first map[string]string // name → path of first use
}

func (v *validator) uniq(what string) *uniq {
	return &uniq{v: v, what: what, first: map[string]string{}}
}

func (u *uniq) add(path, name string) bool {
	if prev, dup := u.first[name]; dup {
		where := ""
		if np, ok := u.v.r.pos[prev]; ok && np.val.line > 0 {
			where = fmt.Sprintf(" (first at line %d)", np.val.line)
		}
		u.v.r.at(path, "duplicate %s %q%s", u.what, name, where)
		return false
	}
	u.first[name] = path
	return true
}

func (v *validator) statement() {
	s := v.d.Statement
	v.rids("statement", s.RIDs)
	versions := v.uniq("version")
	found := false
	for i, ver := range s.Versions {
		p := indexPath("statement.versions", i)
		versions.add(childPath(p, "version"), ver.Version)
		v.rids(p, ver.RIDs)
		if ver.Version == s.Current {
			found = true
		}
		// R-NOT-1: the history is read top to bottom; dates compare as text in YYYY-MM form.
		if i > 0 && ver.Date < s.Versions[i-1].Date {
			v.r.at(childPath(p, "date"), "versions must be listed oldest first: %s is before %s", ver.Date, s.Versions[i-1].Date)
		}
	}
	if !found {
		v.r.at("statement.current", "current version %q is not among the versions", s.Current)
	}
	deadlines := v.uniq("deadline")
	for i, dl := range s.Deadlines {
		p := indexPath("statement.deadlines", i)
		deadlines.add(childPath(p, "name"), dl.Name)
		v.rids(p, dl.RIDs)
		d, err := ParseDuration(dl.Duration)
		switch {
		case err != nil:
			v.r.at(childPath(p, "duration"), "bad duration %q: %v", dl.Duration, err)
		case d.WhileActive:
			v.r.at(childPath(p, "duration"), "a deadline needs a length, not %s", whileActive)
		}
	}
}

func (v *validator) declaredBases() {
	names := v.uniq("basis")
	for i, b := range v.d.Bases {
		p := indexPath("bases", i)
		if _, ok := ParseBasis(b.Name); !ok {
			v.r.at(childPath(p, "name"), "unknown basis %q", b.Name)
		} else if names.add(childPath(p, "name"), b.Name) {
			v.bases[b.Name] = true
		}
		v.rids(p, b.RIDs)
	}
}

func (v *validator) declaredPurposes() {
	names := v.uniq("purpose")
	for i, pu := range v.d.Purposes {
		p := indexPath("purposes", i)
		if i == MaxPurposes {
			v.r.at(p, "more than %d purposes: the engine's limit", MaxPurposes)
		}
		if names.add(childPath(p, "name"), pu.Name) {
			v.purposes[pu.Name] = i
		}
		v.rids(p, pu.RIDs)
	}
}

func (v *validator) declaredCategories() {
	names := v.uniq("category")
	for i, c := range v.d.Categories {
		p := indexPath("categories", i)
		if i == MaxCategories {
			v.r.at(p, "more than %d categories: the engine's limit", MaxCategories)
		}
		if names.add(childPath(p, "name"), c.Name) {
			v.categories[c.Name] = i
		}
	}
}

// purposeRef and categoryRef check a reference by name.
func (v *validator) purposeRef(path, name string) (int, bool) {
	i, ok := v.purposes[name]
	if !ok {
		v.r.at(path, "unknown purpose %q", name)
	}
	return i, ok
}

func (v *validator) categoryRef(path, name string) (int, bool) {
	i, ok := v.categories[name]
	if !ok {
		v.r.at(path, "unknown category %q", name)
	}
	return i, ok
}

func (v *validator) categoryDetails() {
	for i, c := range v.d.Categories {
		p := indexPath("categories", i)
		v.rids(p, c.RIDs)
		v.fields(p, c.Fields)
		regions := v.uniq("region")
		for j, reg := range c.Regions {
			rp := indexPath(childPath(p, "regions"), j)
			regions.add(rp, reg)
			// R-RES-1, R-RES-3: personal information is stored in mainland China, whose regions
			// are the cn- ones (Hong Kong, Macao and Taiwan are excluded by the statement).
			if !strings.HasPrefix(reg, "cn-") {
				v.r.at(rp, "region %q is outside mainland China, where the statement keeps personal information (R-RES-1, R-RES-3)", reg)
			}
		}
		purposes := v.uniq("purpose")
		for j, cp := range c.Purposes {
			pp := indexPath(childPath(p, "purposes"), j)
			v.rids(pp, cp.RIDs)
			pi, known := v.purposeRef(childPath(pp, "purpose"), cp.Purpose)
			if known {
				purposes.add(childPath(pp, "purpose"), cp.Purpose)
			}
			bp := childPath(pp, "basis")
			switch _, ok := ParseBasis(cp.Basis); {
			case !ok:
				v.r.at(bp, "unknown basis %q", cp.Basis)
			case !v.bases[cp.Basis]:
				v.r.at(bp, "basis %q is not declared under bases", cp.Basis)
			case known && v.d.Purposes[pi].RetainedUse && cp.Basis != "legal_duty":
				// R-RET-2: after cancellation data is kept only as law requires, so what may still
				// happen to it then must rest on a legal duty.
				v.r.at(bp, "purpose %q is a retained use, so its basis must be legal_duty (R-RET-2)", cp.Purpose)
			}
		}
		v.retention(childPath(p, "retention"), c.Retention)
	}
}

func (v *validator) fields(path string, fields []Field) {
	names := v.uniq("field")
	for i, f := range fields {
		p := indexPath(childPath(path, "fields"), i)
		names.add(childPath(p, "name"), f.Name)
		if len(f.RIDs) > 0 {
			v.rids(p, f.RIDs)
		}
		// R-PAY-1: a security code is never stored, whatever the document says.
		if f.Kind == KindSecurityCode && f.Storable != nil && *f.Storable {
			v.r.at(childPath(p, "storable"), "field %q is a security code, which is never stored (R-PAY-1)", f.Name)
		}
		if msg := anonymiseMismatch(f); msg != "" {
			v.r.at(childPath(p, "anonymise"), "field %q: %s (R-RET-3)", f.Name, msg)
		}
	}
}

// anonymiseMismatch says why a field's anonymisation method cannot anonymise it, or "".
// A direct identifier is never kept; a generalisation applies only to the values it
// understands.
func anonymiseMismatch(f Field) string {
	switch f.Anonymise {
	case "", AnonymiseDrop:
	case AnonymiseKeep, AnonymiseRedact, AnonymiseYear:
		if f.Kind != KindPlain || f.Validator != "" {
			return "only a plain field without a validator can be kept, redacted or reduced to its year; an identifier is dropped or generalised"
		}
	case AnonymiseProvince:
		if f.Validator != "cn_resident_id" {
			return "province applies only to resident ID numbers (validator cn_resident_id)"
		}
	case AnonymiseIPPrefix:
		if f.Validator != "ip" {
			return "ip_prefix applies only to IP addresses (validator ip)"
		}
	}
	return ""
}

// Anonymisation methods of a field (Field.Anonymise).
const (
	AnonymiseDrop     = "drop"      // removed
	AnonymiseKeep     = "keep"      // kept as is: only for values that say nothing of a person
	AnonymiseRedact   = "redact"    // free text with every PI the scanner finds replaced by its type
	AnonymiseYear     = "year"      // a date (YYYY-MM-DD) reduced to its year
	AnonymiseProvince = "province"  // a resident ID number reduced to its province code (GB/T 2260)
	AnonymiseIPPrefix = "ip_prefix" // an IPv4 address reduced to its /16, an IPv6 address to its /32
)

func (v *validator) retention(path string, ret Retention) {
	for _, s := range []struct {
		name string
		rule *RetentionDecl
	}{{"active", ret.Active}, {"trial", ret.Trial}, {"cancelled", ret.Cancelled}} {
		p := childPath(path, s.name)
		if s.rule == nil {
			continue // the schema requires "cancelled"; the others are optional
		}
		v.rids(p, s.rule.RIDs)
		if _, ok := ParseAction(s.rule.Action); !ok {
			v.r.at(childPath(p, "action"), "unknown action %q: want delete or anonymise", s.rule.Action)
		}
		d, err := ParseDuration(s.rule.Duration)
		switch {
		case err != nil:
			v.r.at(childPath(p, "duration"), "bad duration %q: %v", s.rule.Duration, err)
		case d.WhileActive && s.name == "cancelled":
			v.r.at(childPath(p, "duration"), "a cancelled account's data is kept only for a bounded period (R-RET-2, R-RET-3), not %s", whileActive)
		}
	}
}

func (v *validator) recipients() {
	names := v.uniq("recipient")
	for i, rc := range v.d.Recipients {
		p := indexPath("recipients", i)
		names.add(childPath(p, "name"), rc.Name)
		v.rids(p, rc.RIDs)
		for j, name := range rc.Purposes {
			v.purposeRef(indexPath(childPath(p, "purposes"), j), name)
		}
		for j, name := range rc.Categories {
			cp := indexPath(childPath(p, "categories"), j)
			ci, ok := v.categoryRef(cp, name)
			if ok && rc.Country != "CN" && v.d.Categories[ci].MainlandOnly {
				v.r.at(cp, "category %q stays in mainland China (R-RES-1); a recipient in %s cannot receive it, access from abroad goes through access grants (R-RES-2)", name, rc.Country)
			}
		}
	}
}

func (v *validator) messageTypes() {
	names := v.uniq("message type")
	for i, mt := range v.d.MessageTypes {
		p := indexPath("message_types", i)
		names.add(childPath(p, "name"), mt.Name)
		v.rids(p, mt.RIDs)
		v.purposeRef(childPath(p, "purpose"), mt.Purpose)
		// R-COM-1 exempts service messages only; everything else can be unsubscribed
		// (R-COM-2, R-COM-3).
		if mt.Name != "service" && !mt.Unsubscribable {
			v.r.at(childPath(p, "unsubscribable"), "only service messages may be impossible to unsubscribe (R-COM-1); %q must be unsubscribable (R-COM-2, R-COM-3)", mt.Name)
		}
	}
}

func (v *validator) accessRules() {
	names := v.uniq("access rule")
	scopes := v.uniq("access rule for")
	for i, a := range v.d.Access {
		p := indexPath("access", i)
		names.add(childPath(p, "name"), a.Name)
		v.rids(p, a.RIDs)
		if _, ok := ParseRole(a.Role); !ok {
			v.r.at(childPath(p, "role"), "unknown role %q", a.Role)
		}
		v.categoryRef(childPath(p, "category"), a.Category)
		for j, name := range a.Purposes {
			v.purposeRef(indexPath(childPath(p, "purposes"), j), name)
		}
		// Two rules may not cover the same actor: Decide applies one, and which one would
		// otherwise depend on order.
		locs := []string{"cn", "abroad"}
		switch a.Location {
		case "", "any":
		case "cn", "abroad":
			locs = []string{a.Location}
		default:
			v.r.at(childPath(p, "location"), "unknown location %q: want any, cn or abroad", a.Location)
			continue
		}
		for _, l := range locs {
			scopes.add(p, a.Role+" "+a.Category+" "+l)
		}
	}
}
