package httpapi

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"custos.dev/custos"
	"custos.dev/custos/policy"
)

// The reference for every test here is DecodeStrict: decodeDecisionRequest must accept what
// it accepts and produce what it produces.

const fullQuestion = `{"actor":{"role":"support-engineer","tenant":"t1","location":"cn",
	"grants":[{"tenant":"t1","category":"customer_data"}]},
	"subject":{"tenant":"t1","state":"active","minor":false,"under_14":false,
	"guardian_consent":false,"real_name_verified":true,
	"consents":[{"purpose":"marketing","category":"administrator_data","separate":true}]},
	"category":"administrator_data","purpose":"marketing"}`

func TestDecodeDecisionRequestValid(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       *decisionRequest // checked besides the comparison with DecodeStrict
	}{
		{name: "single", body: `{"question":` + fullQuestion + `}`, want: &decisionRequest{Question: &policy.Facts{
			Actor: policy.ActorFacts{Role: "support-engineer", Tenant: "t1", Location: "cn",
				Grants: []policy.GrantFacts{{Tenant: "t1", Category: "customer_data"}}},
			Subject: policy.SubjectFacts{Tenant: "t1", State: "active", RealNameVerified: true,
				Consents: []policy.ConsentFacts{{Purpose: "marketing", Category: "administrator_data", Separate: true}}},
			Category: "administrator_data", Purpose: "marketing",
		}}},
		{name: "batch", body: `{"questions":[` + fullQuestion + `,{"category":"payment_data"},{}]}`},
		{name: "nested consents and grants", body: `{"questions":[{"actor":{"grants":[{"tenant":"a","category":"x"},{"tenant":"b"}]},
			"subject":{"consents":[{"purpose":"p1"},{"purpose":"p2","category":"c","separate":false},{"separate":true}]}},
			{"subject":{"consents":[{"purpose":"p3"}]}}]}`},
		{name: "whitespace everywhere", body: " \t\r\n{ \"questions\" :\n[ { \"category\" : \"c\" , \"subject\" : { \"minor\" : true } } ] }\n\t "},
		{name: "escapes", body: `{"question":{"category":"a\"b\\c\/d\b\f\n\r\t","purpose":"\u0041\u00e9\u4e2d"}}`,
			want: &decisionRequest{Question: &policy.Facts{Category: "a\"b\\c/d\b\f\n\r\t", Purpose: "Aé中"}}},
		{name: "surrogate pair", body: `{"question":{"category":"\ud83d\ude00"}}`,
			want: &decisionRequest{Question: &policy.Facts{Category: "😀"}}},
		{name: "lone surrogates", body: `{"question":{"category":"\ud800x\udc00\ud800\u0041\ud800\ud800\ude00"}}`,
			want: &decisionRequest{Question: &policy.Facts{Category: "\uFFFDx\uFFFD\uFFFDA\uFFFD\U00010200"}}},
		{name: "unicode", body: `{"question":{"subject":{"tenant":"租户一"}}}`},
		{name: "invalid utf-8 replaced", body: "{\"question\":{\"category\":\"a\xffb\xe4\xb8\xed\xa0\x80\"}}",
			want: &decisionRequest{Question: &policy.Facts{Category: "a\uFFFDb\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD"}}},
		{name: "null body", body: `null`, want: &decisionRequest{}},
		{name: "null question and questions", body: `{"question":null,"questions":null}`, want: &decisionRequest{}},
		{name: "null leaves values", body: `{"question":{"actor":null,"subject":{"tenant":null,"minor":null,"consents":null},"category":null}}`,
			want: &decisionRequest{Question: &policy.Facts{}}},
		{name: "null elements", body: `{"questions":[null,{"actor":{"grants":[null]}}]}`,
			want: &decisionRequest{Questions: []policy.Facts{{}, {Actor: policy.ActorFacts{Grants: []policy.GrantFacts{{}}}}}}},
		{name: "empty arrays", body: `{"questions":[{"actor":{"grants":[]},"subject":{"consents":[]}}]}`,
			want: &decisionRequest{Questions: []policy.Facts{{Actor: policy.ActorFacts{Grants: []policy.GrantFacts{}},
				Subject: policy.SubjectFacts{Consents: []policy.ConsentFacts{}}}}}},
		{name: "empty batch", body: `{"questions":[]}`, want: &decisionRequest{Questions: []policy.Facts{}}},
		{name: "case-variant keys", body: `{"QUESTIONS":[{"Actor":{"ROLE":"auditor","Grants":[{"TeNaNt":"t"}]},"SUBJECT":{"Under_14":true,"CONSENTS":[{"SEPARATE":true}]}}]}`},
		{name: "folded non-ascii key", body: `{"queſtion":{"ſubject":{"ſtate":"active"},"\u017fubject":{"tenant":"t"}}}`,
			want: &decisionRequest{Question: &policy.Facts{Subject: policy.SubjectFacts{State: "active", Tenant: "t"}}}},
		{name: "escaped keys", body: `{"\u0071uestion":{"cat\u0065gory":"c","\u0050URPOSE":"p"}}`,
			want: &decisionRequest{Question: &policy.Facts{Category: "c", Purpose: "p"}}},
		{name: "duplicate scalars", body: `{"question":{"category":"a","category":"b","purpose":"p","purpose":null,"Category":"c"}}`,
			want: &decisionRequest{Question: &policy.Facts{Category: "c", Purpose: "p"}}},
		{name: "duplicate objects merge", body: `{"question":{"actor":{"role":"auditor"}},"question":{"actor":{"tenant":"t"},"category":"c"}}`,
			want: &decisionRequest{Question: &policy.Facts{Actor: policy.ActorFacts{Role: "auditor", Tenant: "t"}, Category: "c"}}},
		{name: "duplicate arrays merge", body: `{"questions":[{"category":"a"},{"category":"b"},{"category":"c"}],
			"questions":[{"purpose":"x"}],"questions":[{"purpose":"y"},{"purpose":"z"}]}`,
			want: &decisionRequest{Questions: []policy.Facts{{Category: "a", Purpose: "y"}, {Category: "b", Purpose: "z"}}}},
		{name: "duplicate arrays after empty", body: `{"questions":[{"category":"a"}],"questions":[],"questions":[{"purpose":"y"}]}`,
			want: &decisionRequest{Questions: []policy.Facts{{Purpose: "y"}}}},
		{name: "duplicate nested arrays", body: `{"question":{"subject":{"consents":[{"purpose":"a"},{"purpose":"b"}],"consents":[{"separate":true}],
			"consents":[{"category":"c"},{"category":"d"},{"category":"e"}]},"actor":{"grants":[{"tenant":"t"}],"grants":[{"category":"c"},{}]}}}`},
		{name: "question and questions", body: `{"question":{},"questions":[{}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got, want decisionRequest
			if err := decodeDecisionRequest([]byte(tc.body), &got); err != nil {
				t.Fatalf("decodeDecisionRequest: %v", err)
			}
			if err := DecodeStrict([]byte(tc.body), &want); err != nil {
				t.Fatalf("DecodeStrict rejects the case itself: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("differs from DecodeStrict (-want +got):\n%s", diff)
			}
			if tc.want != nil {
				if diff := cmp.Diff(*tc.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			}
		})
	}
}

// Every name of the default policy is interned, and nothing else is found.
func TestKnownStrings(t *testing.T) {
	known := knownStrings()
	e := policy.Default()
	names := []string{"cn", "abroad", "support-engineer", "privacy-officer", "customer-admin", "legal_hold", "erased"}
	for _, c := range e.Categories() {
		names = append(names, c.Name)
	}
	for _, p := range e.Purposes() {
		names = append(names, p.Name)
	}
	for _, name := range names {
		if s, ok := known.lookup([]byte(name)); !ok || s != name {
			t.Errorf("lookup(%q) = %q, %v", name, s, ok)
		}
	}
	for _, name := range []string{"unknown", "t1", "c", "marketin", "marketingg", "Marketing", "租户"} {
		if s, ok := known.lookup([]byte(name)); ok {
			t.Errorf("lookup(%q) = %q, want not found", name, s)
		}
	}
}

// The slices of different questions share slabs; an append to one must not reach another.
func TestDecodeDecisionRequestSlicesDoNotOverlap(t *testing.T) {
	var req decisionRequest
	body := `{"questions":[{"subject":{"consents":[{"purpose":"a"}]}},{"subject":{"consents":[{"purpose":"b"}]}}]}`
	if err := decodeDecisionRequest([]byte(body), &req); err != nil {
		t.Fatal(err)
	}
	_ = append(req.Questions[0].Subject.Consents, policy.ConsentFacts{Purpose: "x"})
	if got := req.Questions[1].Subject.Consents[0].Purpose; got != "b" {
		t.Fatalf("appending to question 0's consents changed question 1's to %q", got)
	}
}

func TestDecodeDecisionRequestErrors(t *testing.T) {
	for _, tc := range []struct {
		name, body, field, msg string
	}{
		{"empty body", ``, "", "empty body: want a JSON object"},
		{"whitespace body", " \n\t", "", "empty body: want a JSON object"},
		{"body is an array", `[]`, "(body)", "want an object, got JSON array"},
		{"body is a number", `13800138000`, "(body)", "want an object, got JSON number"},
		{"body is a string", `"x"`, "(body)", "want an object, got JSON string"},

		{"unknown field top level", `{"questionz":[]}`, "questionz", "unknown field"},
		{"unknown field question", `{"question":{"categories":"x"}}`, "question.categories", "unknown field"},
		{"unknown field questions", `{"questions":[{},{"who":1}]}`, "questions[1].who", "unknown field"},
		{"unknown field actor", `{"questions":[{"actor":{"name":"x"}}]}`, "questions[0].actor.name", "unknown field"},
		{"unknown field grant", `{"questions":[{"actor":{"grants":[{},{"scope":"x"}]}}]}`, "questions[0].actor.grants[1].scope", "unknown field"},
		{"unknown field subject", `{"question":{"subject":{"age":12}}}`, "question.subject.age", "unknown field"},
		{"unknown field consent", `{"question":{"subject":{"consents":[{"given":true}]}}}`, "question.subject.consents[0].given", "unknown field"},
		{"unknown field escaped", `{"question":{"\u00e9":1}}`, "question.é", "unknown field"},
		{"unknown field kelvin", `{"question":{"K":1}}`, "question.K", "unknown field"},

		{"type question", `{"question":[]}`, "question", "want an object, got JSON array"},
		{"type questions", `{"questions":{}}`, "questions", "want an array, got JSON object"},
		{"type questions element", `{"questions":[{},{},"13800138000"]}`, "questions[2]", "want an object, got JSON string"},
		{"type actor", `{"question":{"actor":"x"}}`, "question.actor", "want an object, got JSON string"},
		{"type role", `{"question":{"actor":{"role":1}}}`, "question.actor.role", "want a string, got JSON number"},
		{"type grants", `{"question":{"actor":{"grants":{}}}}`, "question.actor.grants", "want an array, got JSON object"},
		{"type grant", `{"question":{"actor":{"grants":[true]}}}`, "question.actor.grants[0]", "want an object, got JSON bool"},
		{"type grant tenant", `{"question":{"actor":{"grants":[{"tenant":false}]}}}`, "question.actor.grants[0].tenant", "want a string, got JSON bool"},
		{"type subject", `{"question":{"subject":1.5e3}}`, "question.subject", "want an object, got JSON number"},
		{"type minor", `{"question":{"subject":{"minor":"yes"}}}`, "question.subject.minor", "want a boolean, got JSON string"},
		{"type consents", `{"question":{"subject":{"consents":"all"}}}`, "question.subject.consents", "want an array, got JSON string"},
		{"type consent purpose", `{"questions":[{},{},{},{"subject":{"consents":[{"purpose":-0.5}]}}]}`, "questions[3].subject.consents[0].purpose", "want a string, got JSON number"},
		{"type consent separate", `{"question":{"subject":{"consents":[{"separate":[]}]}}}`, "question.subject.consents[0].separate", "want a boolean, got JSON array"},
		{"type category", `{"question":{"category":{"name":"x"}}}`, "question.category", "want a string, got JSON object"},

		{"malformed key", `{"question" 1}`, "", "malformed JSON at byte 13"},
		{"malformed value", `{"question":x}`, "", "malformed JSON at byte 13"},
		{"malformed escape", `{"question":{"category":"a\x"}}`, "", "malformed JSON at byte 28"},
		{"malformed unicode escape", `{"question":{"category":"\u12G4"}}`, "", "malformed JSON at byte 30"},
		{"control character", "{\"question\":{\"category\":\"a\nb\"}}", "", "malformed JSON at byte 27"},
		{"trailing comma object", `{"question":{},}`, "", "malformed JSON at byte 16"},
		{"trailing comma array", `{"questions":[{},]}`, "", "malformed JSON at byte 18"},
		{"malformed literal", `{"question":nul}`, "", "malformed JSON at byte 16"},
		{"malformed number", `{"question":{"category":01}}`, "", "malformed JSON at byte 26"},
		{"missing comma", `{"question":{} "questions":[]}`, "", "malformed JSON at byte 16"},
		{"truncated in key", `{"questions":[{"act`, "", "truncated JSON at byte 19"},
		{"truncated in value", `{"question":{"category":"pay`, "", "truncated JSON at byte 28"},
		{"truncated after value", `{"question":{}`, "", "truncated JSON at byte 14"},
		{"trailing object", `{} {}`, "", "trailing data after the JSON value"},
		{"trailing garbage", `{"question":{}}x`, "", "trailing data after the JSON value"},
		{"trailing null", `null null`, "", "trailing data after the JSON value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got decisionRequest
			err := decodeDecisionRequest([]byte(tc.body), &got)
			var ce *custos.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *custos.Error", err)
			}
			if ce.Kind != custos.KindInvalid || ce.Field != tc.field || ce.Message != tc.msg {
				t.Errorf("got kind %q field %q message %q, want invalid %q %q", ce.Kind, ce.Field, ce.Message, tc.field, tc.msg)
			}
			if diff := cmp.Diff(decisionRequest{}, got); diff != "" {
				t.Errorf("request not left zero:\n%s", diff)
			}
			var want decisionRequest
			if err := DecodeStrict([]byte(tc.body), &want); err == nil {
				t.Errorf("DecodeStrict accepts the case")
			}
		})
	}
}

// Where a body's only problem is its syntax, both decoders point at the same byte.
func TestDecodeDecisionRequestSyntaxOffsetsMatchStdlib(t *testing.T) {
	for _, body := range []string{
		`{"question" 1}`, `{"question":x}`, `{"question":{"category":"a\x"}}`, "{\"question\":{\"category\":\"a\nb\"}}",
		`{"question":{},}`, `{"questions":[{},]}`, `{"question":nul}`, `{"question":{} "questions":[]}`, `{"question":{"category":01}}`,
	} {
		var a, b decisionRequest
		got, want := decodeDecisionRequest([]byte(body), &a), DecodeStrict([]byte(body), &b)
		if custos.PublicMessage(got) != custos.PublicMessage(want) {
			t.Errorf("%s: got %q, encoding/json %q", body, custos.PublicMessage(got), custos.PublicMessage(want))
		}
	}
}

// publicMessage is every message decodeDecisionRequest may give: fixed words and byte
// offsets, so no value from the body can reach a log or a problem document through it.
var publicMessage = regexp.MustCompile(`^(empty body: want a JSON object|trailing data after the JSON value|unknown field|` +
	`(malformed|truncated) JSON at byte \d+|want (a string|a boolean|an object|an array), got JSON (string|number|bool|object|array))$`)

// FuzzDecisionDecodeMatchesStdlib checks decodeDecisionRequest against DecodeStrict on any
// body: both accept and produce the same request, or both reject with an invalid-input
// error (and ours leaves the request zero and its message free of input).
func FuzzDecisionDecodeMatchesStdlib(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want decisionRequest
		gotErr := decodeDecisionRequest(data, &got)
		wantErr := DecodeStrict(data, &want)
		switch {
		case gotErr == nil && wantErr == nil:
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%q: differs from DecodeStrict (-want +got):\n%s", data, diff)
			}
		case gotErr != nil && wantErr != nil:
			if k := custos.KindOf(gotErr); k != custos.KindInvalid {
				t.Fatalf("%q: kind %s: %v", data, k, gotErr)
			}
			if k := custos.KindOf(wantErr); k != custos.KindInvalid {
				t.Fatalf("%q: DecodeStrict kind %s: %v", data, k, wantErr)
			}
			if msg := custos.PublicMessage(gotErr); !publicMessage.MatchString(msg) {
				t.Fatalf("%q: unexpected message %q", data, msg)
			}
			if diff := cmp.Diff(decisionRequest{}, got); diff != "" {
				t.Fatalf("%q: request not left zero:\n%s", data, diff)
			}
		default:
			t.Fatalf("%q: verdicts differ: ours %v, DecodeStrict %v", data, gotErr, wantErr)
		}
	})
}

// TestDecodeDecisionRequestRandomMatchesStdlib complements the fuzz test, whose mutations
// seldom build a well-formed request with a duplicate key or a folded one: it generates
// requests of the right shape with such variations (and the occasional error) and checks
// both decoders agree on each.
func TestDecodeDecisionRequestRandomMatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	g := &requestGen{r: r}
	accepted := 0
	for range 10000 {
		body := g.request()
		var got, want decisionRequest
		gotErr := decodeDecisionRequest([]byte(body), &got)
		wantErr := DecodeStrict([]byte(body), &want)
		switch {
		case gotErr == nil && wantErr == nil:
			accepted++
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s: differs from DecodeStrict (-want +got):\n%s", body, diff)
			}
		case (gotErr == nil) != (wantErr == nil):
			t.Fatalf("%s: verdicts differ: ours %v, DecodeStrict %v", body, gotErr, wantErr)
		}
	}
	if accepted < 2500 {
		t.Errorf("only %d of 10000 generated requests were valid; the generator has drifted", accepted)
	}
}

// requestGen writes decision requests with the variations encoding/json tolerates.
type requestGen struct {
	r *rand.Rand
	b strings.Builder
}

func (g *requestGen) request() string {
	g.b.Reset()
	g.object(func() {
		switch g.r.IntN(3) {
		case 0:
			g.key("question")
			g.maybe(g.facts)
		case 1:
			g.key("questions")
			g.array(func() { g.maybe(g.facts) })
		default:
			g.key("question")
			g.maybe(g.facts)
			g.b.WriteByte(',')
			g.key("questions")
			g.array(g.facts)
		}
	})
	if g.r.IntN(50) == 0 {
		g.b.WriteString(" x")
	}
	return g.b.String()
}

// maybe writes v, or once in a while null or a value of the wrong type.
func (g *requestGen) maybe(v func()) {
	switch g.r.IntN(40) {
	case 0:
		g.b.WriteString("null")
	case 1:
		g.b.WriteString([]string{`1`, `"x"`, `true`, `[]`, `{}`}[g.r.IntN(5)])
	default:
		v()
	}
}

func (g *requestGen) facts() {
	grant := func() { g.fields([]genField{{"tenant", g.str}, {"category", g.str}}) }
	consent := func() { g.fields([]genField{{"purpose", g.str}, {"category", g.str}, {"separate", g.bool}}) }
	actor := []genField{{"role", g.str}, {"tenant", g.str}, {"location", g.str}, {"grants", func() { g.array(grant) }}}
	subject := []genField{{"tenant", g.str}, {"state", g.str}, {"minor", g.bool}, {"under_14", g.bool},
		{"guardian_consent", g.bool}, {"real_name_verified", g.bool}, {"consents", func() { g.array(consent) }}}
	g.fields([]genField{
		{"actor", func() { g.maybe(func() { g.fields(actor) }) }},
		{"subject", func() { g.maybe(func() { g.fields(subject) }) }},
		{"category", g.str}, {"purpose", g.str},
	})
}

type genField struct {
	name  string
	value func()
}

// fields writes an object with a random selection of the fields, some twice, in random
// order, once in a while with an unknown key.
func (g *requestGen) fields(fs []genField) {
	g.r.Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
	g.object(func() {
		first := true
		for _, f := range fs {
			for range g.r.IntN(3) {
				if !first {
					g.b.WriteByte(',')
				}
				first = false
				g.key(f.name)
				f.value()
			}
		}
		if g.r.IntN(100) == 0 {
			if !first {
				g.b.WriteByte(',')
			}
			g.key("extra")
			g.b.WriteString("1")
		}
	})
}

func (g *requestGen) object(members func()) {
	g.ws()
	g.b.WriteByte('{')
	members()
	g.ws()
	g.b.WriteByte('}')
}

func (g *requestGen) array(elem func()) {
	g.ws()
	if g.r.IntN(20) == 0 {
		g.b.WriteString("null")
		return
	}
	g.b.WriteByte('[')
	for i := range g.r.IntN(4) {
		if i > 0 {
			g.b.WriteByte(',')
		}
		g.maybe(elem)
	}
	g.b.WriteByte(']')
}

// key writes name as encoding/json would still match it: as is, in mixed case, with a
// long s (U+017F) for an s, or with a letter escaped.
func (g *requestGen) key(name string) {
	g.ws()
	var k strings.Builder
	for _, c := range []byte(name) {
		switch n := g.r.IntN(30); {
		case n == 0 && c >= 'a' && c <= 'z':
			k.WriteByte(c - 'a' + 'A')
		case n == 1 && c == 's':
			k.WriteString("ſ")
		case n == 2:
			fmt.Fprintf(&k, `\u%04x`, c)
		default:
			k.WriteByte(c)
		}
	}
	g.b.WriteString(`"` + k.String() + `":`)
	g.ws()
}

func (g *requestGen) str() {
	pool := []string{`"auditor"`, `"cn"`, `"abroad"`, `"active"`, `"marketing"`, `"payment_data"`, `"t1"`, `""`,
		`"\u79df\u6237"`, `"租户"`, `"a\"b\\c\n"`, `"\ud83d\ude00"`, `"\ud800x"`, "\"\xff\xfe\"", `null`}
	g.maybe(func() { g.b.WriteString(pool[g.r.IntN(len(pool))]) })
}

func (g *requestGen) bool() {
	g.maybe(func() { g.b.WriteString([]string{"true", "false", "null"}[g.r.IntN(3)]) })
}

func (g *requestGen) ws() {
	if g.r.IntN(8) == 0 {
		g.b.WriteString([]string{" ", "\n", "\t ", "\r\n"}[g.r.IntN(4)])
	}
}

// batchBody is a batch of n questions of the kind the API serves: a handful of tenants,
// the default policy's names, some grants and consents.
func batchBody(n int) []byte {
	roles := []string{"support-engineer", "privacy-officer", "auditor", "customer-admin", "service"}
	states := []string{"active", "active", "active", "trial", "cancelled"}
	cats := []string{"customer_data", "administrator_data", "payment_data", "support_data"}
	purposes := []string{"complete_transaction", "manage_account", "marketing", "fraud_prevention", "improve_services"}
	var sb strings.Builder
	sb.WriteString(`{"questions":[`)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		tenant := fmt.Sprintf("tenant-%03d", i%97)
		fmt.Fprintf(&sb, `{"actor":{"role":%q,"tenant":%q,"location":%q,"grants":[{"tenant":%q,"category":%q}]},`,
			roles[i%len(roles)], tenant, []string{"cn", "abroad"}[i%2], tenant, cats[i%len(cats)])
		fmt.Fprintf(&sb, `"subject":{"tenant":%q,"state":%q,"minor":%t,"under_14":false,"guardian_consent":false,"real_name_verified":true,`,
			tenant, states[i%len(states)], i%7 == 0)
		fmt.Fprintf(&sb, `"consents":[{"purpose":%q,"category":%q,"separate":true},{"purpose":"marketing"}]},`,
			purposes[(i+1)%len(purposes)], cats[(i+2)%len(cats)])
		fmt.Fprintf(&sb, `"category":%q,"purpose":%q}`, cats[i%len(cats)], purposes[i%len(purposes)])
	}
	sb.WriteString(`]}`)
	return []byte(sb.String())
}

// The point of the decoder is few allocations: a batch costs a few dozen (the slice of
// questions, string arenas, slabs), not several per question.
func TestDecodeDecisionRequestAllocations(t *testing.T) {
	body := batchBody(1000)
	var want decisionRequest
	if err := DecodeStrict(body, &want); err != nil {
		t.Fatal(err)
	}
	var got decisionRequest
	allocs := testing.AllocsPerRun(10, func() {
		if err := decodeDecisionRequest(body, &got); err != nil {
			t.Fatal(err)
		}
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("differs from DecodeStrict:\n%s", diff)
	}
	if allocs > 50 {
		t.Errorf("%v allocations for 1,000 questions, want at most 50", allocs)
	}
}

func BenchmarkDecodeDecisions(b *testing.B) {
	body := batchBody(MaxBatch)
	knownStrings() // built once per process, not per decode
	for _, bc := range []struct {
		name   string
		decode func([]byte, *decisionRequest) error
	}{
		{"decoder=custom", decodeDecisionRequest},
		{"decoder=encoding_json", func(data []byte, req *decisionRequest) error { return DecodeStrict(data, req) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var req decisionRequest
				if err := bc.decode(body, &req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
