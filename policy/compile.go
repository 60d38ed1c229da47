package policy

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultDocument returns the embedded default policy: the operator's statement, version 4.0,
// as code. The slice is a fresh copy.
func DefaultDocument() []byte {
	return append([]byte(nil), defaultYAML...)
}

var defaultEngine = sync.OnceValue(func() *Engine {
	doc, err := Parse("default.yaml", defaultYAML)
	if err != nil {
		panic(fmt.Sprintf("policy: the embedded default.yaml is broken:\n%v", err))
	}
	e, err := Compile(doc)
	if err != nil {
		panic(fmt.Sprintf("policy: the embedded default.yaml does not compile:\n%v", err))
	}
	return e
})

// Default returns the engine compiled from the embedded default policy. It is compiled once.
// It panics only if the embedded document is broken, which TestDefaultDocumentCompiles rules
// out before any release.
func Default() *Engine {
	return defaultEngine()
}

// Engine is a compiled policy. It is immutable, so one Engine serves any number of goroutines.
type Engine struct {
	doc Document // a private deep copy, so later changes to the caller's Document change nothing

	catByName  map[string]Category
	purpByName map[string]Purpose
	nCats      int
	nPurps     int

	// Decide's tables. Everything is an array indexed by small IDs or a bit mask, so that a
	// decision is a handful of loads and compares.
	decl      [MaxCategories * MaxPurposes]declared // [c*MaxPurposes+p]
	sensitive uint32                                // bit c: category c is sensitive
	retained  uint64                                // bit p: purpose p is a retained use
	service   uint64                                // bit p: purpose p needs real-name verification
	separate  uint64                                // bit p: purpose p needs separate consent
	access    [roleCount][MaxCategories][2]accessEntry

	retention [MaxCategories][stateCount]RetentionRule
	hasRet    [MaxCategories][stateCount]bool
}

// declared is a purpose declared for a category.
type declared struct {
	ok    bool
	basis Basis
	rid   string
}

// accessEntry is the access rule that applies to a role and category from one location.
type accessEntry struct {
	present       bool
	requiresGrant bool
	purposes      uint64 // allowed purposes; 0 means any
	rid           string
}

// location index of accessEntry.
const (
	inChina = 0
	abroad  = 1
)

// RetentionRule is how long a category is kept in one lifecycle state, and what happens then.
type RetentionRule struct {
	Period Duration
	Action Action
	RIDs   []string
}

// Compile validates doc (with the schema and every Go check, exactly as Parse does) and builds
// the engine. A document built in Go gets the same checks as a parsed one; its errors have no
// line numbers.
func Compile(doc *Document) (*Engine, error) {
	if doc == nil {
		return nil, Errors{{Msg: "no document"}}
	}
	if err := checkDocument(doc); err != nil {
		return nil, err
	}
	e := &Engine{
		catByName:  make(map[string]Category, len(doc.Categories)),
		purpByName: make(map[string]Purpose, len(doc.Purposes)),
		nCats:      len(doc.Categories),
		nPurps:     len(doc.Purposes),
	}
	if err := deepCopy(&e.doc, doc); err != nil {
		return nil, Errors{{File: doc.file, Msg: err.Error()}}
	}
	for i, p := range e.doc.Purposes {
		id := Purpose(i)
		e.purpByName[p.Name] = id
		bit := uint64(1) << id
		if p.RetainedUse {
			e.retained |= bit
		}
		if p.Service {
			e.service |= bit
		}
		if p.RequiresSeparateConsent {
			e.separate |= bit
		}
	}
	for i, c := range e.doc.Categories {
		id := Category(i)
		e.catByName[c.Name] = id
		if c.Sensitive {
			e.sensitive |= 1 << id
		}
		for _, cp := range c.Purposes {
			b, _ := ParseBasis(cp.Basis)
			e.decl[int(id)*MaxPurposes+int(e.purpByName[cp.Purpose])] = declared{ok: true, basis: b, rid: cp.RIDs[0]}
		}
		for _, s := range []struct {
			state State
			rule  *RetentionDecl
		}{{StateActive, c.Retention.Active}, {StateTrial, c.Retention.Trial}, {StateCancelled, c.Retention.Cancelled}} {
			if s.rule == nil {
				continue
			}
			d, _ := ParseDuration(s.rule.Duration)
			a, _ := ParseAction(s.rule.Action)
			e.retention[id][s.state] = RetentionRule{Period: d, Action: a, RIDs: s.rule.RIDs}
			e.hasRet[id][s.state] = true
		}
	}
	for _, a := range e.doc.Access {
		role, _ := ParseRole(a.Role)
		entry := accessEntry{present: true, requiresGrant: a.RequiresGrant, rid: a.RIDs[0]}
		for _, name := range a.Purposes {
			entry.purposes |= 1 << e.purpByName[name]
		}
		c := e.catByName[a.Category]
		switch a.Location {
		case "cn":
			e.access[role][c][inChina] = entry
		case "abroad":
			e.access[role][c][abroad] = entry
		default:
			e.access[role][c][inChina] = entry
			e.access[role][c][abroad] = entry
		}
	}
	return e, nil
}

// deepCopy copies a document through JSON, which is exact for these plain data types; it runs
// once per Compile, off any hot path.
func deepCopy(dst, src *Document) error {
	raw, err := json.Marshal(src)
	if err != nil {
		return fmt.Errorf("copy document: %w", err)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("copy document: %w", err)
	}
	dst.file = src.file
	return nil
}
