package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem in a policy document, located at the YAML node that causes it so that
// `custos policy check` can print it the way compilers do and editors can jump to it.
type Error struct {
	File   string // the name given to Parse or Check
	Line   int    // 1-based; 0 when the document was built in Go and has no source
	Column int    // 1-based; 0 when unknown
	Path   string // where in the document, e.g. "categories[2].purposes[0].basis"
	Msg    string
}

// Error formats the problem as FILE:LINE:COL: path: message.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteByte(':')
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in a document, in source order. Parse, Check and Compile return
// it (never an empty one) so that a user fixes all problems in one round.
type Errors []*Error

// Error prints one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// position is where a YAML node starts.
type position struct {
	line, col int
}

// positions maps a document path (as printed in Error.Path) to where its value starts and,
// for a mapping entry, where its key starts: an unknown key is reported at the key, a bad value
// at the value.
type positions map[string]nodePos

type nodePos struct {
	key, val position
}

// reporter collects errors for one document and resolves their positions.
type reporter struct {
	file   string
	pos    positions
	source bool // the document came from YAML: every error gets a line, 1:1 at worst
	errs   Errors
}

// at records a problem with the value at path. When path has no node (a missing key), the
// nearest ancestor that has one is used, so the error points at the entry that lacks the key.
func (r *reporter) at(path, format string, args ...any) {
	r.add(path, false, fmt.Sprintf(format, args...))
}

// atKey records a problem with the key of the mapping entry at path.
func (r *reporter) atKey(path, format string, args ...any) {
	r.add(path, true, fmt.Sprintf(format, args...))
}

func (r *reporter) add(path string, key bool, msg string) {
	e := &Error{File: r.file, Path: path, Msg: msg}
	for p := path; ; p = parentPath(p) {
		if np, ok := r.pos[p]; ok {
			at := np.val
			if key && p == path {
				at = np.key
			}
			e.Line, e.Column = at.line, at.col
			break
		}
		if p == "" {
			break
		}
	}
	if e.Line == 0 && r.source {
		e.Line, e.Column = 1, 1
	}
	r.errs = append(r.errs, e)
}

// result returns the collected errors sorted by position, or nil. It returns a plain nil error
// when there are none, never a nil Errors in an error interface.
func (r *reporter) result() error {
	if len(r.errs) == 0 {
		return nil
	}
	slices.SortFunc(r.errs, func(a, b *Error) int {
		// Path and message break ties so that the output does not depend on the order in
		// which the schema validator visits an object's keys.
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Path, b.Path), cmp.Compare(a.Msg, b.Msg))
	})
	return r.errs
}

// parentPath strips the last segment: "a.b[2]" → "a.b", "a.b" → "a", "a" → "".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// childPath appends a key segment.
func childPath(p, key string) string {
	if p == "" {
		return key
	}
	return p + "." + key
}

// indexPath appends an index segment.
func indexPath(p string, i int) string {
	return p + "[" + strconv.Itoa(i) + "]"
}
