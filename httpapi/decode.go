package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"custos.dev/custos"
)

// DefaultMaxBody bounds a request body: a batch of 10,000 decisions fits with room.
const DefaultMaxBody = 32 << 20

// decodeJSON reads exactly one JSON value into v, refusing unknown fields, trailing data,
// bodies over the limit and other media types. Its errors name the field and the reason,
// never the value sent.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	data, err := readJSONBody(w, r, limit)
	if err != nil {
		return err
	}
	return DecodeStrict(data, v)
}

// readJSONBody checks the media type and reads the body within the limit.
func readJSONBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, custos.FieldError(custos.KindInvalid, "Content-Type", "want application/json")
		}
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	data, err := io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, custos.Errorf(custos.KindTooLarge, "body is larger than %d bytes", limit)
		}
		return nil, custos.Errorf(custos.KindInvalid, "could not read the body")
	}
	return data, nil
}

// DecodeStrict decodes data into v with the API's rules (see decodeJSON).
func DecodeStrict(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return custos.Errorf(custos.KindInvalid, "empty body: want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, dec)
	}
	if _, err := dec.Token(); err != io.EOF {
		return custos.Errorf(custos.KindInvalid, "trailing data after the JSON value")
	}
	return nil
}

func jsonError(err error, dec *json.Decoder) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return custos.Errorf(custos.KindInvalid, "malformed JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return custos.FieldError(custos.KindInvalid, field, fmt.Sprintf("want %s, got JSON %s", jsonTypeName(typ.Type.Kind().String()), typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return custos.Errorf(custos.KindInvalid, "truncated JSON at byte %d", dec.InputOffset())
	}
	msg := err.Error()
	// encoding/json says `json: unknown field "name"`: the name is ours to show, the
	// value is not part of the message.
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		if f, err := strconv.Unquote(name); err == nil {
			name = f
		}
		return custos.FieldError(custos.KindInvalid, name, "unknown field")
	}
	var ce *custos.Error
	if errors.As(err, &ce) {
		return ce
	}
	return custos.Errorf(custos.KindInvalid, "malformed JSON")
}

func jsonTypeName(kind string) string {
	switch kind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return kind
}

// queryInt reads a non-negative integer query parameter.
func queryInt(r *http.Request, name string, required bool, def int64) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		if required {
			return 0, custos.FieldError(custos.KindInvalid, name, "required query parameter")
		}
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, custos.FieldError(custos.KindInvalid, name, "want a non-negative integer")
	}
	return n, nil
}
