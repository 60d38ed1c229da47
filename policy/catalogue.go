package policy

import (
	_ "embed"
	"strings"
	"sync"
)

// Requirement is one promise of the statement, as listed in statement/REQUIREMENTS.md.
type Requirement struct {
	ID      string // e.g. "R-PUR-1"
	Summary string // one line, English
}

//go:embed rids.txt
var ridsText string

// catalogue parses rids.txt once. The file is part of the binary, so a malformed line is a
// build mistake that the tests catch; it is skipped rather than crashing a running server.
var catalogue = sync.OnceValues(func() ([]Requirement, map[string]int) {
	var reqs []Requirement
	index := map[string]int{}
	for line := range strings.Lines(ridsText) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, summary, ok := strings.Cut(line, "\t")
		if !ok || !validRIDSyntax(id) {
			continue
		}
		index[id] = len(reqs)
		reqs = append(reqs, Requirement{ID: id, Summary: summary})
	}
	return reqs, index
})

// Catalogue returns every requirement ID of the statement, in the order of REQUIREMENTS.md.
// The slice is a fresh copy.
func Catalogue() []Requirement {
	reqs, _ := catalogue()
	return append([]Requirement(nil), reqs...)
}

// KnownRID reports whether id is in the catalogue.
func KnownRID(id string) bool {
	_, index := catalogue()
	_, ok := index[id]
	return ok
}

// validRIDSyntax checks the shape R-AREA-N without a regexp, since it also runs in tests
// over every line.
func validRIDSyntax(id string) bool {
	rest, ok := strings.CutPrefix(id, "R-")
	if !ok {
		return false
	}
	area, num, ok := strings.Cut(rest, "-")
	if !ok || area == "" || num == "" {
		return false
	}
	for _, c := range area {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
