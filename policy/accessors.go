package policy

import "slices"

// The accessors below serve the rest of custos (vault, retention, registers, console). They
// return copies: an Engine is shared between goroutines and must stay immutable.

// CategoryInfo describes a compiled category.
type CategoryInfo struct {
	ID           Category
	Name         string
	Description  Text
	Sensitive    bool
	MainlandOnly bool
	Fields       []Field
	Regions      []string
	RIDs         []string
}

// PurposeInfo describes a compiled purpose.
type PurposeInfo struct {
	ID                      Purpose
	Name                    string
	Description             Text
	Service                 bool
	RetainedUse             bool
	RequiresSeparateConsent bool
	RIDs                    []string
}

// Categories returns every category, in document order (which is ID order).
func (e *Engine) Categories() []CategoryInfo {
	out := make([]CategoryInfo, len(e.doc.Categories))
	for i, c := range e.doc.Categories {
		out[i] = CategoryInfo{
			ID: Category(i), Name: c.Name, Description: c.Description,
			Sensitive: c.Sensitive, MainlandOnly: c.MainlandOnly,
			Fields: cloneFields(c.Fields), Regions: slices.Clone(c.Regions), RIDs: slices.Clone(c.RIDs),
		}
	}
	return out
}

// Purposes returns every purpose, in document order (which is ID order).
func (e *Engine) Purposes() []PurposeInfo {
	out := make([]PurposeInfo, len(e.doc.Purposes))
	for i, p := range e.doc.Purposes {
		out[i] = PurposeInfo{
			ID: Purpose(i), Name: p.Name, Description: p.Description,
			Service: p.Service, RetainedUse: p.RetainedUse, RequiresSeparateConsent: p.RequiresSeparateConsent,
			RIDs: slices.Clone(p.RIDs),
		}
	}
	return out
}

// CategoryByName returns the ID of a category.
func (e *Engine) CategoryByName(name string) (Category, bool) {
	c, ok := e.catByName[name]
	return c, ok
}

// PurposeByName returns the ID of a purpose.
func (e *Engine) PurposeByName(name string) (Purpose, bool) {
	p, ok := e.purpByName[name]
	return p, ok
}

// CategoryName returns a category's name, or "" for an unknown ID.
func (e *Engine) CategoryName(c Category) string {
	if int(c) >= e.nCats {
		return ""
	}
	return e.doc.Categories[c].Name
}

// PurposeName returns a purpose's name, or "" for an unknown ID.
func (e *Engine) PurposeName(p Purpose) string {
	if int(p) >= e.nPurps {
		return ""
	}
	return e.doc.Purposes[p].Name
}

// Sensitive reports whether a category is sensitive PI (R-INV-2). An unknown ID is treated as
// sensitive, the safe side for masking and auditing.
func (e *Engine) Sensitive(c Category) bool {
	if int(c) >= e.nCats {
		return true
	}
	return e.sensitive&(1<<c) != 0
}

// Fields returns a category's fields; nil for an unknown ID.
func (e *Engine) Fields(c Category) []Field {
	if int(c) >= e.nCats {
		return nil
	}
	return cloneFields(e.doc.Categories[c].Fields)
}

// Field returns one field of a category. Callers that store values use it to refuse fields
// that are undeclared (R-INV-1) or not storable (R-PAY-1).
func (e *Engine) Field(c Category, name string) (Field, bool) {
	if int(c) >= e.nCats {
		return Field{}, false
	}
	for _, f := range e.doc.Categories[c].Fields {
		if f.Name == name {
			return cloneFields([]Field{f})[0], true
		}
	}
	return Field{}, false
}

// Retention returns how long a category is kept in a state and what happens at the end. It
// reports false where the policy sets no period: legal_hold (kept until the hold is lifted),
// erased (nothing left), or a state the category does not declare.
func (e *Engine) Retention(c Category, s State) (RetentionRule, bool) {
	if int(c) >= e.nCats || s >= stateCount || !e.hasRet[c][s] {
		return RetentionRule{}, false
	}
	r := e.retention[c][s]
	r.RIDs = slices.Clone(r.RIDs)
	return r, true
}

// AllowedRegion reports whether a category may be stored in a region (R-RES-1).
func (e *Engine) AllowedRegion(c Category, region string) bool {
	if int(c) >= e.nCats {
		return false
	}
	return slices.Contains(e.doc.Categories[c].Regions, region)
}

// Recipients returns every declared recipient (R-SHR-1).
func (e *Engine) Recipients() []Recipient {
	out := make([]Recipient, len(e.doc.Recipients))
	for i, r := range e.doc.Recipients {
		r.Purposes = slices.Clone(r.Purposes)
		r.Categories = slices.Clone(r.Categories)
		r.RIDs = slices.Clone(r.RIDs)
		out[i] = r
	}
	return out
}

// Versions returns the statement's versions, oldest first (R-NOT-1).
func (e *Engine) Versions() []Version {
	out := make([]Version, len(e.doc.Statement.Versions))
	for i, v := range e.doc.Statement.Versions {
		v.RIDs = slices.Clone(v.RIDs)
		out[i] = v
	}
	return out
}

// CurrentVersion returns the version in force.
func (e *Engine) CurrentVersion() Version {
	for _, v := range e.Versions() {
		if v.Version == e.doc.Statement.Current {
			return v
		}
	}
	return Version{} // unreachable: Compile checks that the current version is listed
}

// Deadline returns a named time limit from the statement, such as "subject_request_answer".
func (e *Engine) Deadline(name string) (Duration, bool) {
	for _, d := range e.doc.Statement.Deadlines {
		if d.Name == name {
			dur, err := ParseDuration(d.Duration)
			return dur, err == nil
		}
	}
	return Duration{}, false
}

// MessageTypes returns the kinds of message the operator sends (R-COM-1/2/3).
func (e *Engine) MessageTypes() []MessageType {
	out := make([]MessageType, len(e.doc.MessageTypes))
	for i, m := range e.doc.MessageTypes {
		m.RIDs = slices.Clone(m.RIDs)
		out[i] = m
	}
	return out
}

// Document returns a copy of the document the engine was compiled from.
func (e *Engine) Document() *Document {
	var d Document
	if err := deepCopy(&d, &e.doc); err != nil {
		return nil // unreachable: the document was copied the same way in Compile
	}
	return &d
}

func cloneFields(fs []Field) []Field {
	out := make([]Field, len(fs))
	for i, f := range fs {
		if f.Storable != nil {
			s := *f.Storable
			f.Storable = &s
		}
		f.RIDs = slices.Clone(f.RIDs)
		out[i] = f
	}
	return out
}

// Redacted reports whether a declared purpose of a category reads only the redacted text of
// its free-text fields (R-SUP-4).
func (e *Engine) Redacted(c Category, p Purpose) bool {
	if int(c) >= len(e.doc.Categories) || int(p) >= len(e.doc.Purposes) {
		return false
	}
	name := e.doc.Purposes[p].Name
	for _, cp := range e.doc.Categories[c].Purposes {
		if cp.Purpose == name {
			return cp.Redacted
		}
	}
	return false
}
