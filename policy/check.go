package policy

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Parse reads a policy document. filename is only used in error messages. The document goes
// through three gates, each run only when the previous one passed, so that errors are about
// what the author wrote rather than consequences of an earlier error:
//
//  1. YAML syntax (and the constructs refused here: aliases, merge keys, tags, several documents);
//  2. the JSON Schema (schema.json): keys, types, required entries, enumerations;
//  3. the Go checks: cross-references, R-IDs against the catalogue, durations, duplicates,
//     the engine's limits and the statement's own constraints (security codes, regions...).
//
// Any failure returns Errors, each located at the YAML node it is about.
func Parse(filename string, data []byte) (*Document, error) {
	r := &reporter{file: filename, source: true}
	tree, ok := readYAML(r, data)
	if !ok {
		return nil, r.result()
	}
	if !validateSchema(r, tree) {
		return nil, r.result()
	}
	doc, err := decodeTree(tree)
	if err != nil {
		r.at("", "%v", err)
		return nil, r.result()
	}
	doc.file, doc.pos = filename, r.pos
	validate(r, doc)
	if err := r.result(); err != nil {
		return nil, err
	}
	return doc, nil
}

// Check is the core of `custos policy check`: it parses the document and compiles it, so that
// a document that passes Check is one the engine accepts.
func Check(filename string, data []byte) error {
	doc, err := Parse(filename, data)
	if err != nil {
		return err
	}
	_, err = Compile(doc)
	return err
}

// decodeTree turns the schema-valid tree into a Document. Going through encoding/json keeps
// one description of the format (the struct tags) instead of a hand-written decoder.
func decodeTree(tree any) (*Document, error) {
	raw, err := json.Marshal(tree)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var doc Document
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return &doc, nil
}

// checkDocument runs gates 2 and 3 on a Document, which may have been built in Go rather than
// parsed: Compile calls it so that no unchecked document reaches the engine.
func checkDocument(doc *Document) error {
	r := &reporter{file: doc.file, pos: doc.pos, source: doc.pos != nil}
	raw, err := json.Marshal(doc)
	if err != nil {
		r.at("", "encode: %v", err)
		return r.result()
	}
	tree, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		r.at("", "encode: %v", err)
		return r.result()
	}
	if !validateSchema(r, tree) {
		return r.result()
	}
	validate(r, doc)
	return r.result()
}
