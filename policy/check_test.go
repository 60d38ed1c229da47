package policy

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// minimalDoc is the smallest valid document; the error cases below break it in one place each.
const minimalDoc = `statement:
  name: {zh: 声明, en: statement}
  operator: op
  current: "1.0"
  versions:
    - {version: "1.0", date: "2021-12", rids: [R-NOT-1]}
  rids: [R-NOT-1]
bases:
  - name: contract
    description: {zh: 合同, en: contract}
    rids: [R-SHR-7]
  - name: consent
    description: {zh: 同意, en: consent}
    rids: [R-SHR-7]
purposes:
  - name: provide_service
    description: {zh: 提供服务, en: provide}
    service: true
    rids: [R-PUR-1]
  - name: marketing
    description: {zh: 营销, en: marketing}
    rids: [R-COM-2]
categories:
  - name: customer_data
    description: {zh: 客户数据, en: customer data}
    sensitive: false
    mainland_only: true
    fields:
      - name: content
        kind: plain
    regions: [cn-north]
    purposes:
      - purpose: provide_service
        basis: contract
        rids: [R-PUR-1]
    retention:
      cancelled:
        duration: P30D
        action: delete
        rids: [R-RET-2]
    rids: [R-INV-1]
recipients:
  - name: affiliate
    legal_name: Affiliate Ltd
    kind: affiliate
    country: CN
    purposes: [provide_service]
    categories: [customer_data]
    contract: dpa
    rids: [R-SHR-1]
message_types:
  - name: service
    description: {zh: 服务消息, en: service}
    purpose: provide_service
    unsubscribable: false
    rids: [R-COM-1]
access:
  - name: support
    role: support-engineer
    category: customer_data
    requires_grant: true
    rids: [R-RES-2]
`

func TestMinimalDocumentIsValid(t *testing.T) {
	if err := Check("min.yaml", []byte(minimalDoc)); err != nil {
		t.Fatalf("the base of the error cases must be valid:\n%v", err)
	}
}

// TestDefaultDocumentCompiles proves that Default cannot panic: the embedded document parses,
// passes every check and compiles.
func TestDefaultDocumentCompiles(t *testing.T) {
	if err := Check("default.yaml", DefaultDocument()); err != nil {
		t.Fatalf("default.yaml:\n%v", err)
	}
	e := Default()
	var names []string
	for _, c := range e.Categories() {
		names = append(names, c.Name)
	}
	want := []string{"customer_data", "administrator_data", "real_name_data", "payment_data",
		"support_data", "registration_data", "cookie_data", "diagnostic_data"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("categories (-want +got):\n%s", diff)
	}
}

// posOfText returns the 1-based line and column (in characters, as the YAML parser counts) where
// the first occurrence of sub starts in doc.
func posOfText(t *testing.T, doc, sub string) (int, int) {
	t.Helper()
	i := strings.Index(doc, sub)
	if i < 0 {
		t.Fatalf("test bug: %q is not in the document", sub)
	}
	line := strings.Count(doc[:i], "\n") + 1
	col := utf8.RuneCountInString(doc[strings.LastIndex(doc[:i], "\n")+1:i]) + 1
	return line, col
}

func replaceOnce(t *testing.T, doc, old, new string) string {
	t.Helper()
	if strings.Count(doc, old) != 1 {
		t.Fatalf("test bug: %q occurs %d times in the base document", old, strings.Count(doc, old))
	}
	return strings.Replace(doc, old, new, 1)
}

func TestCheckErrors(t *testing.T) {
	many := func(prefix string, n int, entry func(i int) string) string {
		var b strings.Builder
		b.WriteString(prefix)
		for i := range n {
			b.WriteString(entry(i))
		}
		return b.String()
	}
	tests := []struct {
		name     string
		old, new string // the change to minimalDoc
		doc      string // or a whole document instead
		at       string // the error is where this text starts in the changed document ("" = 1:1)
		msg      string // and its message contains this
	}{
		{name: "SyntaxError", old: "operator: op\n", new: "operator: op: x\n", at: "op: x", msg: "YAML syntax error"},
		{name: "TabIndentation", old: "  operator: op\n", new: "\toperator: op\n", at: "\toperator", msg: "YAML syntax error"},
		{name: "UnterminatedString", old: "operator: op\n", new: "operator: 'op\n", at: "'op", msg: "single-quoted"},
		{name: "DuplicateYAMLKey", old: "operator: op\n", new: "operator: op\n  operator: op2\n", at: "operator: op2", msg: "already defined"},
		{name: "UnknownTopLevelKey", old: "access:\n", new: "colour: red\naccess:\n", at: "colour", msg: `unknown key "colour"`},
		{name: "UnknownFieldKey", old: "    sensitive: false\n", new: "    sensitive: false\n    colour: red\n", at: "colour", msg: `unknown key "colour"`},
		{name: "WrongType", old: "    sensitive: false\n", new: "    sensitive: maybe\n", at: "maybe", msg: "want boolean, got string"},
		{name: "MissingTopLevelSection", doc: strings.Split(minimalDoc, "message_types:")[0], at: "", msg: `missing required key "message_types"`},
		{name: "UnknownCategoryOfRecipient", old: "categories: [customer_data]", new: "categories: [customer_dat]", at: "customer_dat]", msg: `unknown category "customer_dat"`},
		{name: "UnknownCategoryOfAccessRule", old: "    category: customer_data\n", new: "    category: client_data\n", at: "client_data", msg: `unknown category "client_data"`},
		{name: "UnknownPurpose", old: "      - purpose: provide_service\n", new: "      - purpose: provide_servce\n", at: "provide_servce", msg: `unknown purpose "provide_servce"`},
		{name: "UnknownPurposeOfRecipient", old: "purposes: [provide_service]", new: "purposes: [provide_service, spying]", at: "spying", msg: `unknown purpose "spying"`},
		{name: "PurposeWithoutBasis", old: "        basis: contract\n", new: "", at: "purpose: provide_service", msg: `missing required key "basis"`},
		{name: "UnknownBasis", old: "        basis: contract\n", new: "        basis: contrakt\n", at: "contrakt", msg: `unknown basis "contrakt"`},
		{name: "UndeclaredBasis", old: "        basis: contract\n", new: "        basis: legal_duty\n", at: "legal_duty", msg: "not declared under bases"},
		{name: "UnknownDeclaredBasis", old: "  - name: consent\n", new: "  - name: goodwill\n", at: "goodwill", msg: "must be one of"},
		{name: "RetentionWithoutAction", old: "        action: delete\n", new: "", at: "duration: P30D", msg: `missing required key "action"`},
		{name: "RetentionUnknownAction", old: "        action: delete\n", new: "        action: shred\n", at: "shred", msg: "must be one of"},
		{name: "BadDuration", old: "duration: P30D", new: "duration: P30X", at: "P30X", msg: `bad duration "P30X"`},
		{name: "CancelledWhileActive", old: "duration: P30D", new: "duration: while_active", at: "while_active", msg: "bounded period"},
		{name: "RecipientWithoutCountry", old: "    country: CN\n", new: "", at: "name: affiliate", msg: `missing required key "country"`},
		{name: "RecipientBadCountry", old: "    country: CN\n", new: "    country: China\n", at: "China", msg: "does not match"},
		{name: "MainlandOnlyCategoryAbroad", old: "    country: CN\n", new: "    country: US\n", at: "customer_data]", msg: "R-RES-1"},
		{name: "UnknownRID", old: "    rids: [R-INV-1]\n", new: "    rids: [R-INV-99]\n", at: "R-INV-99", msg: `unknown R-ID "R-INV-99"`},
		{name: "MalformedRID", old: "    rids: [R-INV-1]\n", new: "    rids: [INV-1]\n", at: "INV-1]", msg: "does not match"},
		{name: "NoRIDs", old: "    rids: [R-INV-1]\n", new: "    rids: []\n", at: "[]", msg: "at least 1"},
		{name: "DuplicatePurposeName", old: "  - name: marketing\n", new: "  - name: marketing\n    description: {zh: 营销, en: marketing}\n    rids: [R-COM-2]\n  - name: marketing\n",
			at: "marketing\n    description: {zh: 营销, en: marketing}\n    rids: [R-COM-2]\ncategories", msg: `duplicate purpose "marketing" (first at line 20)`},
		{name: "DuplicateCategoryPurpose", old: "        rids: [R-PUR-1]\n    retention:", new: "        rids: [R-PUR-1]\n      - {purpose: provide_service, basis: contract, rids: [R-PUR-1]}\n    retention:",
			at: "provide_service, basis", msg: `duplicate purpose "provide_service"`},
		{name: "SecurityCodeStorable", old: "        kind: plain\n", new: "        kind: plain\n      - {name: cvv, kind: security_code, storable: true}\n", at: "true}", msg: "R-PAY-1"},
		// R-RET-3: anonymisation never keeps a direct identifier, and generalises only what it understands.
		{name: "AnonymiseKeepsIdentifier", old: "        kind: plain\n", new: "        kind: plain\n      - {name: phone, kind: identifier, validator: cn_mobile, anonymise: keep}\n", at: "keep}", msg: "R-RET-3"},
		{name: "AnonymiseProvinceOfIP", old: "        kind: plain\n", new: "        kind: plain\n      - {name: ip, kind: identifier, validator: ip, anonymise: province}\n", at: "province}", msg: "cn_resident_id"},
		{name: "AnonymiseUnknownMethod", old: "        kind: plain\n", new: "        kind: plain\n      - {name: note, kind: plain, anonymise: blur}\n", at: "blur}", msg: "must be one of"},
		{name: "RegionOutsideMainland", old: "regions: [cn-north]", new: "regions: [cn-north, hk-central]", at: "hk-central", msg: "outside mainland China"},
		{name: "MarketingNotUnsubscribable", old: "  - name: service\n", new: "  - name: newsletter\n", at: "false\n    rids: [R-COM-1]", msg: "R-COM-1"},
		{name: "RetainedUseNeedsLegalDuty", old: "    service: true\n", new: "    service: true\n    retained_use: true\n", at: "contract\n        rids: [R-PUR-1]", msg: "must be legal_duty"},
		{name: "CurrentVersionNotListed", old: "current: \"1.0\"", new: "current: \"2.0\"", at: "\"2.0\"", msg: "not among the versions"},
		{name: "OverlappingAccessRules", old: "    rids: [R-RES-2]\n", new: "    rids: [R-RES-2]\n  - {name: support2, role: support-engineer, category: customer_data, location: abroad, requires_grant: false, rids: [R-RES-2]}\n",
			at: "name: support2", msg: "duplicate access rule for"},
		{name: "Alias", old: "    regions: [cn-north]\n", new: "    regions: &r [cn-north]\n    x: *r\n", at: "*r", msg: "aliases are not supported"},
		{name: "TwoDocuments", doc: minimalDoc + "---\nstatement: {}\n", at: "statement: {}", msg: "more than one YAML document"},
		{name: "EmptyDocument", doc: "# nothing\n", at: "", msg: "empty document"},
		{name: "DeepNesting", doc: "statement: " + strings.Repeat("[", 32) + "[X" + strings.Repeat("]", 33) + "\n", at: "[X", msg: "nested more than 32 levels"},
		{name: "DeepNestingAfterText", doc: "statement:\n  name: {zh: \"营[销\", en: " + strings.Repeat("[", 31) + "[X" + strings.Repeat("]", 32) + "}\n", at: "[X", msg: "nested more than 32 levels"},
		{name: "TooLarge", doc: minimalDoc + "#" + strings.Repeat("x", maxDocumentSize) + "\n", at: "", msg: "the limit is"},
		{name: "Infinity", old: "    sensitive: false\n", new: "    sensitive: .inf\n", at: ".inf", msg: "infinity"},
		{name: "ChineseColumn", old: "    description: {zh: 客户数据, en: customer data}\n", new: "    description: {zh: 客户数据, en: customer data, fr: données}\n", at: "fr:", msg: `unknown key "fr"`},
		{name: "TooManyPurposes", doc: strings.Replace(minimalDoc, "purposes:\n  - name: provide_service", many("purposes:\n", 63, func(i int) string {
			return fmt.Sprintf("  - {name: p%d, description: {zh: 目的, en: purpose}, rids: [R-PUR-2]}\n", i)
		})+"  - name: provide_service", 1), at: "name: marketing", msg: "more than 64 purposes"},
		{name: "TooManyCategories", doc: strings.Replace(minimalDoc, "recipients:", many("", 32, func(i int) string {
			return fmt.Sprintf("  - {name: c%d, description: {zh: 类, en: cat}, sensitive: false, fields: [{name: f, kind: plain}], regions: [cn-north],"+
				" purposes: [{purpose: marketing, basis: consent, rids: [R-PUR-2]}], retention: {cancelled: {duration: P0D, action: delete, rids: [R-RET-2]}}, rids: [R-INV-1]}\n", i)
		})+"recipients:", 1), at: "name: c31,", msg: "more than 32 categories"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.doc
			if doc == "" {
				doc = replaceOnce(t, minimalDoc, tt.old, tt.new)
			}
			wantLine, wantCol := 1, 1
			if tt.at != "" {
				wantLine, wantCol = posOfText(t, doc, tt.at)
			}
			err := Check("bad.yaml", []byte(doc))
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Check = %v (%T), want policy.Errors", err, err)
			}
			if len(errs) != 1 {
				t.Errorf("want exactly one error, got %d:\n%v", len(errs), err)
			}
			e := errs[0]
			got := fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Column)
			want := fmt.Sprintf("bad.yaml:%d:%d", wantLine, wantCol)
			if got != want || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got  %v\nwant %s: ...%s...", e, want, tt.msg)
			}
			// The printed form is what `custos policy check` shows and editors parse.
			if !regexp.MustCompile(`^bad\.yaml:\d+:\d+: `).MatchString(e.Error()) {
				t.Errorf("Error() = %q, want FILE:LINE:COL: message", e.Error())
			}
		})
	}
}

func TestErrorsListEveryProblemInSourceOrder(t *testing.T) {
	doc := replaceOnce(t, minimalDoc, "categories: [customer_data]", "categories: [nope]")
	doc = replaceOnce(t, doc, "    rids: [R-INV-1]\n", "    rids: [R-INV-99]\n")
	err := Check("x.yaml", []byte(doc))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 2 {
		t.Fatalf("want two errors, got %v", err)
	}
	if errs[0].Line >= errs[1].Line {
		t.Errorf("errors out of order: %v", err)
	}
	if n := strings.Count(err.Error(), "\n"); n != 1 {
		t.Errorf("Errors.Error() prints %d lines, want one per error:\n%s", n+1, err)
	}
}

// TestCompileGoDocument proves that a document built in Go meets the same checks as a parsed
// one: Compile is not a back door around Check.
func TestCompileGoDocument(t *testing.T) {
	doc, err := Parse("min.yaml", []byte(minimalDoc))
	if err != nil {
		t.Fatal(err)
	}
	built := *doc
	built.file, built.pos = "", nil
	built.Categories = append([]CategoryDecl(nil), doc.Categories...)
	built.Categories[0].Purposes = []CategoryPurpose{{Purpose: "provide_service", RIDs: []string{"R-PUR-1"}}}
	_, err = Compile(&built)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Compile = %v, want Errors", err)
	}
	want := Errors{{Path: "categories[0].purposes[0].basis", Msg: `"" does not match the pattern ^[a-z][a-z0-9_]*$`}}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := Compile(nil); err == nil {
		t.Error("Compile(nil) succeeded")
	}
}

func TestSchemaIsValidAndEmbedded(t *testing.T) {
	if _, err := compiledSchema(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(Schema()), `"$schema"`) {
		t.Error("Schema() does not return the JSON Schema")
	}
}

// TestCatalogueMatchesRequirements keeps rids.txt in step with REQUIREMENTS.md, which lives in
// shared/ beside the repository (in CI too) rather than in it.
func TestCatalogueMatchesRequirements(t *testing.T) {
	var ids []string
	for _, r := range Catalogue() {
		if r.Summary == "" {
			t.Errorf("%s has no summary", r.ID)
		}
		ids = append(ids, r.ID)
	}
	if len(ids) < 40 {
		t.Fatalf("catalogue has %d entries; rids.txt is not being read", len(ids))
	}
	raw, err := os.ReadFile("../../shared/statement/REQUIREMENTS.md")
	if err != nil {
		t.Skipf("REQUIREMENTS.md not beside the repository: %v", err)
	}
	var want []string
	for _, m := range regexp.MustCompile(`(?m)^\| (R-[A-Z]+-[0-9]+) \|`).FindAllStringSubmatch(string(raw), -1) {
		want = append(want, m[1])
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("rids.txt differs from REQUIREMENTS.md (-want +got):\n%s", diff)
	}
}

// TestDefaultDocumentDecisions spot-checks that the default document says what the statement
// says, beyond merely being valid.
func TestDefaultDocumentSaysWhatTheStatementSays(t *testing.T) {
	e := Default()
	cat := func(name string) Category {
		c, ok := e.CategoryByName(name)
		if !ok {
			t.Fatalf("no category %s", name)
		}
		return c
	}
	// R-NOT-1
	var versions []string
	for _, v := range e.Versions() {
		versions = append(versions, v.Version+" "+v.Date)
	}
	if diff := cmp.Diff([]string{"1.0 2018-11", "2.0 2020-06", "3.0 2021-04", "4.0 2021-12"}, versions); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	if v := e.CurrentVersion(); v.Version != "4.0" {
		t.Errorf("current version %q, want 4.0", v.Version)
	}
	// R-INV-2
	for name, want := range map[string]bool{"real_name_data": true, "payment_data": true, "support_data": true, "administrator_data": false} {
		if got := e.Sensitive(cat(name)); got != want {
			t.Errorf("Sensitive(%s) = %v, want %v", name, got, want)
		}
	}
	// R-PAY-1
	sc, ok := e.Field(cat("payment_data"), "security_code")
	if !ok || sc.Kind != KindSecurityCode || sc.IsStorable() {
		t.Errorf("payment_data.security_code = %+v, %v; want an unstorable security code", sc, ok)
	}
	// R-RES-1
	if e.AllowedRegion(cat("customer_data"), "us-east") || !e.AllowedRegion(cat("customer_data"), "cn-east-2") {
		t.Error("customer_data regions are not mainland China only")
	}
	// R-RET-2, R-RET-3
	for _, c := range e.Categories() {
		r, ok := e.Retention(c.ID, StateCancelled)
		if !ok || r.Period.WhileActive || r.Action == ActionNone {
			t.Errorf("%s: cancelled retention %+v, %v; want a bounded period and an action", c.Name, r, ok)
		}
	}
	// R-COM-1/2/3
	unsub := map[string]bool{}
	for _, m := range e.MessageTypes() {
		unsub[m.Name] = m.Unsubscribable
	}
	if diff := cmp.Diff(map[string]bool{"service": false, "marketing": true, "survey": true}, unsub); diff != "" {
		t.Errorf("message types (-want +got):\n%s", diff)
	}
	// R-SHR-1: the affiliate named in the statement, the US licensor.
	var affiliate, licensor bool
	for _, r := range e.Recipients() {
		affiliate = affiliate || r.LegalName == "北京世纪互联宽带数据中心有限公司" && r.Kind == "affiliate"
		licensor = licensor || r.Kind == "technology_licensor" && r.Country == "US"
	}
	if !affiliate || !licensor {
		t.Errorf("recipients lack the affiliate (%v) or the US licensor (%v)", affiliate, licensor)
	}
	if d, ok := e.Deadline("subject_request_answer"); !ok || d.Days != 30 {
		t.Errorf("subject_request_answer = %v, %v; want P30D (R-DSR-6)", d, ok)
	}
}
