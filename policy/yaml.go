package policy

import (
	"errors"
	"fmt"
	"math"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// maxDocumentSize bounds the input: a statement is a few hundred lines (the default document is
// about 30 KiB), and the bound keeps a hostile file from costing much memory or time.
const maxDocumentSize = 1 << 20

// maxDepth bounds nesting. The schema's deepest path is six levels; anything much deeper is not
// a policy and would only make the recursive walk below expensive.
const maxDepth = 32

// readYAML parses data into a JSON-shaped tree (map[string]any, []any, string, bool, int64,
// float64, nil), the form the JSON Schema validator and encoding/json understand, and records
// where each node starts. Anchors are kept but aliases and merge keys are refused: each entry
// of a policy should be readable where it stands, and refusing aliases also rules out the
// "billion laughs" expansion attack.
func readYAML(r *reporter, data []byte) (tree any, ok bool) {
	if len(data) > maxDocumentSize {
		r.at("", "document is %d bytes; the limit is %d", len(data), maxDocumentSize)
		return nil, false
	}
	file, deep, err := parseYAML(data)
	if deep != nil {
		p := tokenPos(deep)
		r.errs = append(r.errs, &Error{File: r.file, Line: p.line, Column: p.col,
			Msg: fmt.Sprintf("nested more than %d levels deep", maxDepth)})
		return nil, false
	}
	if err != nil {
		// GetMessage, not Error: the parser's Error() prints the source around the token,
		// which costs seconds on a long line and repeats what the position already says.
		var ye yaml.Error
		e := &Error{File: r.file, Line: 1, Column: 1}
		if errors.As(err, &ye) {
			e.Msg = "YAML syntax error: " + ye.GetMessage()
			if p := tokenPos(ye.GetToken()); p.line > 0 {
				e.Line, e.Column = p.line, max(p.col, 1)
			}
		} else {
			e.Msg = "YAML syntax error: " + err.Error()
		}
		r.errs = append(r.errs, e)
		return nil, false
	}
	var body ast.Node
	n := 0
	for _, d := range file.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		n++
		if n == 1 {
			body = d.Body
		} else {
			p := posOf(d.Body)
			r.errs = append(r.errs, &Error{File: r.file, Line: p.line, Column: p.col,
				Msg: "more than one YAML document; a policy is exactly one"})
			return nil, false
		}
	}
	if body == nil {
		r.at("", "empty document")
		return nil, false
	}
	w := walker{r: r}
	tree = w.node(body, "", 0)
	return tree, len(r.errs) == 0
}

// parseYAML runs the third-party lexer and parser, and turns a panic inside them into an
// error: Check reads files from operators, and a parser bug must surface as a rejected
// document, not a crash. Between the two it bounds nesting (see tooDeep) and reports the token
// where the bound is crossed.
func parseYAML(data []byte) (f *ast.File, deep *token.Token, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, deep, err = nil, nil, fmt.Errorf("parser failure: %v", p)
		}
	}()
	tokens := lexer.Tokenize(string(data))
	if tk := tooDeep(tokens); tk != nil {
		return nil, tk, nil
	}
	f, err = parser.Parse(tokens, 0)
	return f, nil, err
}

// tooDeep finds nesting deeper than maxDepth before the parser sees it: the parser's time grows
// faster than linearly with depth (fifty thousand "[" take seconds), while the lexer's does
// not, so depth is bounded on the tokens. It counts open flow collections ("[", "{") and the
// block indicators ("- ", "? ") that open one line. Block nesting by indentation needs more
// columns per level and so stays shallow within the size limit.
func tooDeep(tokens token.Tokens) *token.Token {
	flow, indicators, line := 0, 0, -1
	for _, tk := range tokens {
		if tk == nil || tk.Position == nil {
			continue
		}
		if tk.Position.Line != line {
			line, indicators = tk.Position.Line, 0
		}
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			if flow > 0 {
				flow--
			}
		case token.SequenceEntryType, token.MappingKeyType:
			indicators++
		}
		if flow+indicators > maxDepth {
			return tk
		}
	}
	return nil
}

type walker struct {
	r *reporter
}

func (w *walker) record(path string, key, val position) {
	if w.r.pos == nil {
		w.r.pos = positions{}
	}
	w.r.pos[path] = nodePos{key: key, val: val}
}

// node converts n (found at path) and records its position.
func (w *walker) node(n ast.Node, path string, depth int) any {
	p := posOf(n)
	if _, ok := w.r.pos[path]; !ok {
		w.record(path, p, p)
	}
	if depth > maxDepth {
		w.r.at(path, "nested more than %d levels deep", maxDepth)
		return nil
	}
	switch n := n.(type) {
	case nil:
		return nil
	case *ast.NullNode:
		return nil
	case *ast.StringNode:
		return n.Value
	case *ast.LiteralNode:
		if n.Value == nil {
			return ""
		}
		return n.Value.Value
	case *ast.BoolNode:
		return n.Value
	case *ast.IntegerNode:
		switch v := n.Value.(type) {
		case int64:
			return v
		case uint64:
			return float64(v)
		}
		// An integer too large for int64: only its type matters, since the schema has no
		// numeric fields and will refuse it with "want ..., got number".
		return float64(0)
	case *ast.FloatNode:
		if math.IsInf(n.Value, 0) || math.IsNaN(n.Value) {
			w.r.at(path, "infinity and NaN are not valid in a policy document")
			return nil
		}
		return n.Value
	case *ast.InfinityNode, *ast.NanNode:
		// JSON has no such numbers, so neither the schema validator nor encoding/json could
		// carry them.
		w.r.at(path, "infinity and NaN are not valid in a policy document")
		return nil
	case *ast.AnchorNode:
		return w.node(n.Value, path, depth+1)
	case *ast.TagNode:
		// "!!str 4.0" is the one tag worth supporting: it is how YAML spells a quoted scalar.
		if n.Start != nil && n.Start.Value == "!!str" {
			if s, ok := n.Value.(ast.ScalarNode); ok && s.GetToken() != nil {
				return s.GetToken().Value
			}
		}
		w.r.at(path, "YAML tags are not supported in a policy document")
		return nil
	case *ast.AliasNode:
		w.r.at(path, "YAML aliases are not supported: write the value out")
		return nil
	case *ast.MappingNode:
		obj := make(map[string]any, len(n.Values))
		for _, mv := range n.Values {
			w.pair(obj, mv, path, depth)
		}
		return obj
	case *ast.MappingValueNode:
		obj := make(map[string]any, 1)
		w.pair(obj, n, path, depth)
		return obj
	case *ast.SequenceNode:
		arr := make([]any, 0, len(n.Values))
		for i, v := range n.Values {
			arr = append(arr, w.node(v, indexPath(path, i), depth+1))
		}
		return arr
	default:
		w.r.at(path, "unsupported YAML node %s", n.Type())
		return nil
	}
}

// pair converts one key: value entry into obj.
func (w *walker) pair(obj map[string]any, mv *ast.MappingValueNode, path string, depth int) {
	if mv == nil || mv.Key == nil {
		w.r.at(path, "mapping entry without a key")
		return
	}
	if mv.Key.IsMergeKey() {
		w.r.at(path, "YAML merge keys (<<) are not supported: write the entry out")
		return
	}
	key, ok := keyText(mv.Key)
	if !ok {
		p := posOf(mv.Key)
		w.r.errs = append(w.r.errs, &Error{File: w.r.file, Line: p.line, Column: p.col,
			Path: path, Msg: "a key must be a plain scalar"})
		return
	}
	cp := childPath(path, key)
	if _, dup := obj[key]; dup {
		// The parser refuses duplicate keys already; this guards the keys it spells differently
		// ("1" and 1) that end up equal here.
		p := posOf(mv.Key)
		w.r.errs = append(w.r.errs, &Error{File: w.r.file, Line: p.line, Column: p.col,
			Path: cp, Msg: fmt.Sprintf("duplicate key %q", key)})
		return
	}
	w.record(cp, posOf(mv.Key), posOf(mv.Value))
	obj[key] = w.node(mv.Value, cp, depth+1)
}

// keyText is the text of a scalar key.
func keyText(k ast.MapKeyNode) (string, bool) {
	switch k := k.(type) {
	case *ast.StringNode:
		return k.Value, true
	case *ast.MappingKeyNode:
		if s, ok := k.Value.(ast.ScalarNode); ok {
			return keyText(s)
		}
		return "", false
	case ast.ScalarNode:
		if tk := k.GetToken(); tk != nil {
			return tk.Value, true
		}
	}
	return "", false
}

// posOf is where a node starts. A block mapping's own token is not where a reader sees it
// start, so the first key is used instead.
func posOf(n ast.Node) position {
	if n == nil {
		return position{}
	}
	switch m := n.(type) {
	case *ast.MappingNode:
		if len(m.Values) > 0 && m.Values[0] != nil && m.Values[0].Key != nil {
			return tokenPos(m.Values[0].Key.GetToken())
		}
	case *ast.MappingValueNode:
		if m.Key != nil {
			return tokenPos(m.Key.GetToken())
		}
	case *ast.AnchorNode:
		return posOf(m.Value)
	}
	return tokenPos(n.GetToken())
}

func tokenPos(tk *token.Token) position {
	if tk == nil || tk.Position == nil {
		return position{}
	}
	return position{line: tk.Position.Line, col: tk.Position.Column}
}
