package httpapi_test

import (
	"strings"
	"testing"

	"custos.dev/custos"
	"custos.dev/custos/httpapi"
	"custos.dev/custos/policy"
)

// FuzzDecodeRequest feeds arbitrary bodies to the strict decoder with the decision
// request's shape: it must never panic, must fail only with an "invalid" error, and its
// public message must never repeat the input (which may hold PI).
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"question":{"actor":{"role":"auditor"},"subject":{"tenant":"t1","state":"active"},"category":"payment_data","purpose":"fraud_prevention"}}`,
		`{"questions":[{"category":"x","purpose":"y"},{"category":"z"}]}`,
		`{"questions":[{"subject":{"consents":[{"purpose":"marketing","separate":true}]}}]}`,
		`{"question":{"category":13800138000}}`,
		`{"role":"auditor"}`, `[]`, `null`, `{"a":`, `{"question":{}} x`, "\xff\xfe", ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var req struct {
			Question  *policy.Facts  `json:"question,omitempty"`
			Questions []policy.Facts `json:"questions,omitempty"`
		}
		err := httpapi.DecodeStrict(data, &req)
		if err == nil {
			return
		}
		if k := custos.KindOf(err); k != custos.KindInvalid {
			t.Fatalf("kind %s for %q: %v", k, data, err)
		}
		msg := custos.PublicMessage(err)
		for _, v := range stringValues(string(data)) {
			if len(v) >= 6 && strings.Contains(msg, v) {
				t.Fatalf("message %q repeats input value %q", msg, v)
			}
		}
	})
}

// stringValues returns the quoted strings of a JSON text that follow a colon or sit in an
// array, that is values rather than keys (roughly; enough for the check above).
func stringValues(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != ':' && s[i] != '[' && s[i] != ',' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j < len(s) && s[j] == '"' {
			k := strings.IndexByte(s[j+1:], '"')
			if k > 0 {
				out = append(out, s[j+1:j+1+k])
			}
		}
	}
	return out
}
