package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/httpapi"
	"custos.dev/custos/store/postgres"
	"custos.dev/custos/store/postgres/pgtest"
	"custos.dev/custos/store/sqlite"
)

// Known values planted in tests; none may appear in any stored byte, log line, audit event
// or error message.
const (
	plantMobile   = "13912345678"
	plantEmail    = "zhang.wei.custos@example.com"
	plantIDNumber = "11010519491231002X"
	plantCard     = "6222021234567890128"
	plantName     = "张伟测试者"
	plantAddress  = "北京市朝阳区酒仙桥路六号院测试地址"
	plantCVV      = "739"
)

func engines(t *testing.T, fn func(t *testing.T, o envOptions)) {
	t.Run("SQLite", func(t *testing.T) { fn(t, envOptions{}) })
	t.Run("PostgreSQL", func(t *testing.T) {
		pgtest.DSN(t) // skips without CUSTOS_TEST_POSTGRES (fails in CI)
		fn(t, envOptions{postgres: true})
	})
}

func (e *env) json(role auth.Role, method, path, body string, want int) map[string]any {
	e.t.Helper()
	r := e.do(role, method, path, body)
	if r.status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	var out map[string]any
	if len(r.body) > 0 {
		_ = json.Unmarshal(r.body, &out)
	}
	return out
}

// setup makes a tenant t1's customer admin subject with administrator, real-name and payment
// data, and returns the tenant and subject ids. The customer-admin token is bound to t1 by id.
func setup(t *testing.T, e *env) (string, string) {
	t.Helper()
	tn := e.json(auth.RoleOperatorAdmin, "POST", "/v1/tenants", `{"name":"示例科技有限公司"}`, 201)["id"].(string)
	sb := e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects", `{"tenant_id":"`+tn+`","kind":"customer_administrator","birth_date":"1985-03-04","email":"`+plantEmail+`","mobile":"+86 139-1234-5678"}`, 201)["id"].(string)
	e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/administrator_data",
		`{"name":"`+plantName+`","email":"`+plantEmail+`","mobile":"`+plantMobile+`","address":"`+plantAddress+`"}`, 201)
	e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/real_name_data", `{"id_number":"`+plantIDNumber+`","legal_name":"`+plantName+`"}`, 201)
	e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/payment_data", `{"card_number":"`+plantCard+`","holder_name":"`+plantName+`"}`, 201)
	return tn, sb
}

func TestVault(t *testing.T) {
	engines(t, func(t *testing.T, o envOptions) {
		e := newEnvWith(t, o)
		tn, sb := setup(t, e)

		t.Run("UndeclaredCategoryAndFieldRefused", func(t *testing.T) { // R-INV-1
			r := e.do(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/shoe_data", `{"size":"42"}`)
			if p := r.problem(t); r.status != 422 || p.Field != "category" {
				t.Fatalf("%d %+v", r.status, p)
			}
			r = e.do(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/administrator_data", `{"name":"x","shoe_size":"42"}`)
			if p := r.problem(t); r.status != 422 || p.Field != "shoe_size" {
				t.Fatalf("%d %+v", r.status, p)
			}
		})

		t.Run("SecurityCodeNeverStored", func(t *testing.T) { // R-PAY-1
			for _, c := range []struct{ body, field string }{
				{`{"card_number":"` + plantCard + `","security_code":"` + plantCVV + `"}`, "security_code"},
				{`{"card_number":"` + plantCard + `","cvv":"` + plantCVV + `"}`, "cvv"},
				{`{"card_number":"` + plantCard + `","extra":{"CVN2":` + plantCVV + `}}`, "extra.CVN2"},
				{`{"card_number":"` + plantCard + `","安全码":"` + plantCVV + `"}`, "安全码"},
				{`{"card_number":"` + plantCard + `","cards":[{"cvc":"` + plantCVV + `"}]}`, "cards[0].cvc"},
			} {
				r := e.do(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/payment_data", c.body)
				p := r.problem(t)
				if r.status != 422 || p.Field != c.field {
					t.Fatalf("%s: %d field %q", c.body, r.status, p.Field)
				}
				if strings.Contains(string(r.body), plantCVV) {
					t.Fatalf("the error echoes the security code: %s", r.body)
				}
			}
		})

		t.Run("CardNumbersLuhnAndMasked", func(t *testing.T) { // R-PAY-2
			r := e.do(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/payment_data", `{"card_number":"6222021234567890124"}`)
			if p := r.problem(t); r.status != 422 || p.Field != "card_number" || strings.Contains(string(r.body), "6222021234567890124") {
				t.Fatalf("bad Luhn: %d %s", r.status, r.body)
			}
			got := e.json(auth.RoleOperatorAdmin, "GET", "/v1/subjects/"+sb+"/records/payment_data", "", 200)
			f := got["fields"].(map[string]any)
			if f["card_number"] != "622202*********0128" { // first 6 and last 4 shown
				t.Fatalf("card masked as %q", f["card_number"])
			}
			if got["masked"] != true {
				t.Fatal("a read without purpose was not masked")
			}
		})

		t.Run("MaskingFormats", func(t *testing.T) {
			f := e.json(auth.RoleOperatorAdmin, "GET", "/v1/subjects/"+sb+"/records/administrator_data", "", 200)["fields"].(map[string]any)
			if f["mobile"] != "139****5678" || f["email"] != "z***@example.com" || f["name"] != "张****" || f["address"] != "北********" {
				t.Fatalf("masked %v", f)
			}
			rn := e.json(auth.RoleOperatorAdmin, "GET", "/v1/subjects/"+sb+"/records/real_name_data", "", 200)["fields"].(map[string]any)
			if rn["id_number"] != "110105********002X" {
				t.Fatalf("resident ID masked as %v", rn["id_number"])
			}
			v := e.json(auth.RoleOperatorAdmin, "GET", "/v1/subjects/"+sb, "", 200)
			if v["mobile"] != "139****5678" || v["email"] != "z***@example.com" {
				t.Fatalf("subject view %v", v)
			}
		})

		t.Run("UnmaskedReadNeedsAllowedPurposeAndIsAudited", func(t *testing.T) {
			before := e.auditSize()
			got := e.json(auth.RolePrivacyOfficer, "GET", "/v1/subjects/"+sb+"/records/administrator_data?purpose=manage_account", "", 200)
			if got["masked"] != false || got["fields"].(map[string]any)["mobile"] != plantMobile {
				t.Fatalf("allowed purpose: %v", got)
			}
			if e.auditSize() != before+1 {
				t.Fatal("the unmasked read was not audited")
			}
			leaves, _ := e.store.ReadLeaves(context.Background(), before, 1)
			ev, _ := auditlog.DecodeLeaf(leaves[0].Data)
			if ev.Action != "record.read" || ev.Details["purpose"] != "manage_account" {
				t.Fatalf("event %+v", ev)
			}
			// Marketing is not a declared purpose of administrator data: no consent, no read.
			r := e.do(auth.RolePrivacyOfficer, "GET", "/v1/subjects/"+sb+"/records/administrator_data?purpose=marketing", "")
			if p := r.problem(t); r.status != 403 || p.Type != httpapi.ProblemBase+"purpose-denied" || !strings.Contains(string(p.Decision), `"allow":false`) {
				t.Fatalf("purpose without consent: %d %s", r.status, r.body)
			}
		})

		t.Run("LookupByTokenNeverPlaintext", func(t *testing.T) {
			for _, q := range []string{"email=" + plantEmail, "mobile=%2B8613912345678", "mobile=" + plantMobile, "id_number=" + strings.ToLower(plantIDNumber)} {
				got := e.json(auth.RoleOperatorAdmin, "GET", "/v1/subjects?"+q, "", 200)
				ids := got["subjects"].([]any)
				if len(ids) != 1 || ids[0] != sb {
					t.Fatalf("%s: %v", q, ids)
				}
			}
		})

		t.Run("RealNameVerifiedThenLocked", func(t *testing.T) { // R-PUR-3, R-DSR-2
			r := e.do(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/real_name_data", `{"id_number":"110105194912310021"}`)
			if p := r.problem(t); r.status != 422 || p.Field != "id_number" {
				t.Fatalf("bad check digit: %d %+v", r.status, p)
			}
			r = e.do(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/real_name_data", `{"business_licence_code":"91110000ABCDEFGHIJ"}`)
			if r.status != 422 {
				t.Fatalf("bad USCC: %d", r.status)
			}
			// Before verification, service purposes are denied (R-PUR-3).
			d := e.json(auth.RolePrivacyOfficer, "POST", "/v1/subjects/"+sb+"/decisions", `{"category":"customer_data","purpose":"provide_service"}`, 200)["decision"].(map[string]any)
			if d["allow"] != false || d["rid"] != "R-PUR-3" {
				t.Fatalf("unverified tenant: %v", d)
			}
			e.json(auth.RolePrivacyOfficer, "POST", "/v1/tenants/"+tn+"/real-name/verify", `{"subject_id":"`+sb+`"}`, 200)
			d = e.json(auth.RolePrivacyOfficer, "POST", "/v1/subjects/"+sb+"/decisions", `{"category":"customer_data","purpose":"provide_service"}`, 200)["decision"].(map[string]any)
			if d["allow"] != true {
				t.Fatalf("verified tenant: %v", d)
			}
			r = e.do(auth.RolePrivacyOfficer, "PUT", "/v1/subjects/"+sb+"/records/real_name_data", `{"id_number":"`+plantIDNumber+`"}`)
			if r.status != 409 {
				t.Fatalf("privacy officer changed verified data: %d", r.status)
			}
			if r := e.do(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/real_name_data", `{"id_number":"`+plantIDNumber+`"}`); r.status != 400 {
				t.Fatalf("operator without a reason: %d", r.status)
			}
			e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/real_name_data?reason=ticket-77", `{"id_number":"`+plantIDNumber+`","legal_name":"`+plantName+`"}`, 200)
		})

		t.Run("CustomerAdminStaysInItsTenant", func(t *testing.T) { // R-INV-3
			// The customer-admin token is bound to tenant "t1", not to tn.
			r := e.do(auth.RoleCustomerAdmin, "GET", "/v1/subjects/"+sb+"/records/administrator_data", "")
			if r.status != 403 {
				t.Fatalf("other tenant's record: %d", r.status)
			}
			if got := e.json(auth.RoleCustomerAdmin, "GET", "/v1/subjects?email="+plantEmail, "", 200)["subjects"].([]any); len(got) != 0 {
				t.Fatalf("lookup crossed tenants: %v", got)
			}
		})

		t.Run("ConsentLedger", func(t *testing.T) { // R-PUR-2, R-NOT-1
			ask := func() map[string]any {
				return e.json(auth.RolePrivacyOfficer, "POST", "/v1/subjects/"+sb+"/decisions", `{"category":"administrator_data","purpose":"marketing"}`, 200)["decision"].(map[string]any)
			}
			if d := ask(); d["allow"] != false || d["reason"] != "consent_required" {
				t.Fatalf("no consent: %v", d)
			}
			g := e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects/"+sb+"/consents", `{"purpose":"marketing","category":"administrator_data","channel":"web"}`, 201)
			if g["statement_version"] != "4.0" || g["given_by"] != "subject" {
				t.Fatalf("grant %v", g)
			}
			if d := ask(); d["allow"] != true {
				t.Fatalf("with consent: %v", d)
			}
			e.json(auth.RoleOperatorAdmin, "DELETE", "/v1/subjects/"+sb+"/consents/"+g["consent_id"].(string)+"?channel=app", "", 200)
			if d := ask(); d["allow"] != false {
				t.Fatalf("withdrawal did not hold for the next decision: %v", d)
			}
			if r := e.do(auth.RoleOperatorAdmin, "DELETE", "/v1/subjects/"+sb+"/consents/"+g["consent_id"].(string), ""); r.status != 404 {
				t.Fatalf("withdrawing twice: %d", r.status)
			}
			l := e.json(auth.RoleOperatorAdmin, "GET", "/v1/subjects/"+sb+"/consents", "", 200)
			if len(l["current"].([]any)) != 0 || len(l["history"].([]any)) != 2 {
				t.Fatalf("ledger %v", l)
			}
			// Sensitive data: an ordinary consent does not count where a separate one is needed.
			e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects/"+sb+"/consents", `{"purpose":"marketing","category":"payment_data","channel":"web"}`, 201)
			d := e.json(auth.RolePrivacyOfficer, "POST", "/v1/subjects/"+sb+"/decisions", `{"category":"payment_data","purpose":"marketing"}`, 200)["decision"].(map[string]any)
			if d["allow"] != false {
				t.Fatalf("ordinary consent for sensitive data: %v", d)
			}
			e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects/"+sb+"/consents", `{"purpose":"marketing","category":"payment_data","channel":"web","separate":true}`, 201)
			d = e.json(auth.RolePrivacyOfficer, "POST", "/v1/subjects/"+sb+"/decisions", `{"category":"payment_data","purpose":"marketing"}`, 200)["decision"].(map[string]any)
			if d["allow"] != true {
				t.Fatalf("separate consent: %v", d)
			}
			if r := e.do(auth.RoleOperatorAdmin, "POST", "/v1/subjects/"+sb+"/consents", `{"purpose":"marketing","channel":"web","statement_version":"9.9"}`); r.status != 422 {
				t.Fatalf("unknown statement version: %d", r.status)
			}
			// Append-only in the database too: history cannot be rewritten behind custos.
			for _, q := range []string{"UPDATE consent_ledger SET purpose = 'training'", "DELETE FROM consent_ledger"} {
				if _, err := e.sqlDB().Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Fatalf("%s: %v", q, err)
				}
			}
		})

		t.Run("Minors", func(t *testing.T) { // R-MIN-1
			kid := e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects", `{"tenant_id":"`+tn+`","kind":"end_user","birth_date":"2015-06-01"}`, 201)["id"].(string)
			r := e.do(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+kid+"/records/administrator_data", `{"name":"小明","address":"某地"}`)
			if p := r.problem(t); r.status != 422 || p.Field != "address" {
				t.Fatalf("minor's plain PI without guardian: %d %+v", r.status, p)
			}
			e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+kid+"/records/administrator_data", `{"name":"小明"}`, 201)
			d := e.json(auth.RolePrivacyOfficer, "POST", "/v1/subjects/"+kid+"/decisions", `{"category":"administrator_data","purpose":"manage_account"}`, 200)["decision"].(map[string]any)
			if d["allow"] != false || d["rid"] != "R-MIN-1" {
				t.Fatalf("minor without guardian: %v", d)
			}
			e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects/"+kid+"/consents", `{"purpose":"provide_service","given_by":"guardian","channel":"paper","separate":true}`, 201)
			e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+kid+"/records/administrator_data", `{"name":"小明","address":"某地"}`, 200)
			if v := e.json(auth.RoleOperatorAdmin, "GET", "/v1/subjects/"+kid, "", 200); v["minor"] != true {
				t.Fatalf("view %v", v)
			}
		})

		t.Run("SupportIntake", func(t *testing.T) { // R-SUP-4, R-PAY-1
			desc := "客户手机 " + plantMobile + "，卡号 " + plantCard + " CVV " + plantCVV + "，登录失败"
			e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+sb+"/records/support_data", `{"description":"`+desc+`","contact_name":"`+plantName+`"}`, 201)
			masked := e.json(auth.RoleSupportEngineer, "GET", "/v1/subjects/"+sb+"/records/support_data", "", 200)
			found, _ := json.Marshal(masked["pii_found"])
			if string(found) != `{"description":["bank_card","card_security_code","cn_mobile"]}` {
				t.Fatalf("PI types recorded: %s", found)
			}
			full := e.json(auth.RolePrivacyOfficer, "GET", "/v1/subjects/"+sb+"/records/support_data?purpose=resolve_support_incident", "", 200)
			d := full["fields"].(map[string]any)["description"].(string)
			if full["redacted"] != false || !strings.Contains(d, plantMobile) || !strings.Contains(d, plantCard) ||
				strings.Contains(d, " "+plantCVV) || !strings.Contains(d, "[card_security_code]") {
				t.Fatalf("resolving the incident reads %q (the security code must be gone before storage)", d)
			}
			for _, purpose := range []string{"training", "improve_support"} {
				red := e.json(auth.RolePrivacyOfficer, "GET", "/v1/subjects/"+sb+"/records/support_data?purpose="+purpose, "", 200)
				f := red["fields"].(map[string]any)
				if red["redacted"] != true || strings.Contains(f["description"].(string), plantMobile) || strings.Contains(f["description"].(string), plantCard) ||
					!strings.Contains(f["description"].(string), "[cn_mobile]") || f["contact_name"] == plantName {
					t.Fatalf("%s reads %v", purpose, f)
				}
			}
		})

		t.Run("NothingInLogsOrAudit", func(t *testing.T) { // R-PAY-1, R-SEC-1
			logs := e.logs.String()
			leaves, _ := e.store.ReadLeaves(context.Background(), 0, 100000)
			var audit bytes.Buffer
			for _, l := range leaves {
				audit.Write(l.Data)
			}
			// A 3-digit code also occurs by chance in ids and times: look for it as a value.
			for _, v := range []string{`"` + plantCVV + `"`, plantMobile, plantEmail, plantIDNumber, plantCard, plantName, plantAddress} {
				if strings.Contains(logs, v) {
					t.Errorf("a log line holds %q", v)
				}
				if bytes.Contains(audit.Bytes(), []byte(v)) {
					t.Errorf("an audit event holds %q", v)
				}
			}
		})

		t.Run("EncryptedAtRest", func(t *testing.T) { // R-SEC-1, R-PAY-1
			dump := e.dumpDataStore(t)
			for _, v := range []string{plantCVV + `"`, plantMobile, plantEmail, plantIDNumber, plantCard, plantName, plantAddress} {
				if bytes.Contains(dump, []byte(v)) {
					t.Errorf("the data store holds %q in plaintext", v)
				}
			}
		})

		t.Run("RegionNotAllowed", func(t *testing.T) { // R-RES-1
			o2 := o
			o2.region = "us-east"
			e2 := newEnvWith(t, o2)
			tn2 := e2.json(auth.RoleOperatorAdmin, "POST", "/v1/tenants", `{"name":"x"}`, 201)["id"].(string)
			s2 := e2.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects", `{"tenant_id":"`+tn2+`","kind":"end_user"}`, 201)["id"].(string)
			r := e2.do(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+s2+"/records/customer_data", `{"content":"x"}`)
			if p := r.problem(t); r.status != 422 || p.Field != "region" {
				t.Fatalf("customer data outside mainland China: %d %s", r.status, r.body)
			}
		})

		t.Run("ErasureByKeyDestruction", func(t *testing.T) {
			before := e.snapshot(t)
			e.json(auth.RolePrivacyOfficer, "DELETE", "/v1/subjects/"+sb, "", 204)
			if r := e.do(auth.RoleOperatorAdmin, "GET", "/v1/subjects/"+sb+"/records/administrator_data", ""); r.status != 404 {
				t.Fatalf("erased subject's record: %d", r.status)
			}
			if got := e.json(auth.RoleOperatorAdmin, "GET", "/v1/subjects?email="+plantEmail, "", 200)["subjects"].([]any); len(got) != 0 {
				t.Fatalf("lookup tokens survived: %v", got)
			}
			// Put the earlier copy of the data store back: the records are there, and
			// nothing of the subject decrypts, because its key is gone.
			e.restore(t, before)
			if r := e.do(auth.RoleOperatorAdmin, "GET", "/v1/subjects/"+sb+"/records/administrator_data", ""); r.status == 200 {
				t.Fatalf("a restored copy decrypted after erasure: %s", r.body)
			}
			if _, err := e.keys.Key(context.Background(), sb); err == nil {
				t.Fatal("the key survived erasure")
			}
		})
	})
}

// dumpDataStore returns every byte of the data store: the SQLite main file and WAL, or a
// pg_dump of the PostgreSQL schema.
func (e *env) dumpDataStore(t *testing.T) []byte {
	t.Helper()
	if e.dir != "" {
		var all []byte
		for _, f := range []string{"custos.db", "custos.db-wal"} {
			b, err := os.ReadFile(filepath.Join(e.dir, f))
			if err != nil && f == "custos.db" {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return all
	}
	out, err := exec.Command("pg_dump", "--schema", e.schema, "--data-only", os.Getenv(pgtest.EnvVar)).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	if !bytes.Contains(out, []byte("COPY "+e.schema+".records")) {
		t.Fatalf("pg_dump did not dump the records table")
	}
	return out
}

// snap is a copy of the data store's PI tables, as a backup would hold them.
type snap struct {
	subjects [][]any
	records  [][]any
	tokens   [][]any
}

func (e *env) sqlDB() *sql.DB {
	switch s := e.store.(type) {
	case *sqlite.Store:
		return s.W
	case *postgres.Store:
		return s.W
	}
	e.t.Fatalf("unknown store %T", e.store)
	return nil
}

func (e *env) q(s string) string {
	if _, ok := e.store.(*postgres.Store); !ok {
		return s
	}
	n := 0
	var b strings.Builder
	for _, r := range s {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func rowsOf(t *testing.T, db *sql.DB, query string) [][]any {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	return out
}

func (e *env) snapshot(t *testing.T) snap {
	db := e.sqlDB()
	return snap{
		subjects: rowsOf(t, db, "SELECT id, state, profile, erased_at FROM subjects"),
		records:  rowsOf(t, db, "SELECT subject_id, category, region, sealed, verified_at, created_at, updated_at FROM records"),
		tokens:   rowsOf(t, db, "SELECT kind, token, subject_id FROM lookup_tokens"),
	}
}

// restore puts a snapshot back over the live data store (the key store is not restored:
// it is kept apart, and a destroyed key stays destroyed).
func (e *env) restore(t *testing.T, s snap) {
	db := e.sqlDB()
	exec := func(q string, args ...any) {
		if _, err := db.Exec(e.q(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("DELETE FROM lookup_tokens")
	exec("DELETE FROM records")
	for _, r := range s.subjects {
		exec("UPDATE subjects SET state = ?, profile = ?, erased_at = ? WHERE id = ?", r[1], r[2], r[3], r[0])
	}
	for _, r := range s.records {
		exec("INSERT INTO records (subject_id, category, region, sealed, verified_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", r...)
	}
	for _, r := range s.tokens {
		exec("INSERT INTO lookup_tokens (kind, token, subject_id) VALUES (?, ?, ?)", r...)
	}
}
