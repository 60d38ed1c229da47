package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/policy"
)

// accessFixture is a tenant with an administrator (e-mail in its sealed profile), a
// customer-admin token bound to it, and an end user with customer data.
type accessFixture struct {
	tenant, admin, user string
	custAdmin           string // the customer-admin token secret for tenant
	custAdminID         string
}

func newAccessFixture(t *testing.T, e *env, adminEmail string) accessFixture {
	t.Helper()
	var f accessFixture
	f.tenant = e.json(auth.RoleOperatorAdmin, "POST", "/v1/tenants", `{"name":"示例客户有限公司"}`, 201)["id"].(string)
	f.admin = e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects", `{"tenant_id":"`+f.tenant+`","kind":"customer_administrator","email":"`+adminEmail+`"}`, 201)["id"].(string)
	f.user = e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects", `{"tenant_id":"`+f.tenant+`","kind":"end_user"}`, 201)["id"].(string)
	e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+f.user+"/records/customer_data", `{"content":"客户的业务数据 order 42"}`, 201)
	if _, err := e.store.Tenant(context.Background(), f.tenant); err != nil {
		t.Fatal(err)
	}
	svc := auth.NewService(e.store)
	secret, tok, err := svc.Create(context.Background(), auth.System, auth.RoleCustomerAdmin, f.tenant, "customer admin", "")
	if err != nil {
		t.Fatal(err)
	}
	f.custAdmin, f.custAdminID = secret, tok.ID
	// Real-name verification is not needed: troubleshooting is not a service purpose.
	return f
}

// as calls the API with a raw token secret.
func (e *env) as(secret, method, path, body string) resp {
	e.t.Helper()
	saved := e.tokens["raw"]
	e.tokens["raw"] = secret
	defer func() { e.tokens["raw"] = saved }()
	return e.do("raw", method, path, body)
}

func (e *env) asJSON(secret, method, path, body string, want int) map[string]any {
	e.t.Helper()
	r := e.as(secret, method, path, body)
	if r.status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	var out map[string]any
	_ = json.Unmarshal(r.body, &out)
	return out
}

func homeRequest(tenant string) string {
	return `{"requester":"工程师 E1024","entity":"operator","country":"CN","ticket":"INC-1001","tenant_id":"` + tenant +
		`","categories":["customer_data"],"purpose":"troubleshooting","justification":"排查存储故障 storage fault","duration":"PT2H"}`
}

func abroadRequest(tenant, extra string) string {
	return `{"requester":"engineer 77","entity":"us_licensor","country":"US","ticket":"INC-2002","tenant_id":"` + tenant +
		`","categories":["customer_data"],"purpose":"troubleshooting","justification":"escalated fault"` + extra + `}`
}

func (e *env) readRecord(role auth.Role, sub, purpose string) resp {
	e.t.Helper()
	q := ""
	if purpose != "" {
		q = "?purpose=" + purpose
	}
	return e.do(role, "GET", "/v1/subjects/"+sub+"/records/customer_data"+q, "")
}

func TestAccessGrants(t *testing.T) {
	engines(t, func(t *testing.T, o envOptions) {
		e := newEnvWith(t, o)
		f := newAccessFixture(t, e, "admin.access@example.cn")
		support := auth.RoleSupportEngineer

		t.Run("NoGrantNoAccess", func(t *testing.T) { // R-RES-2, R-SUP-1
			r := e.readRecord(support, f.user, "troubleshooting")
			if p := r.problem(t); r.status != 403 || !strings.Contains(string(p.Decision), `"reason":"access_grant_required"`) {
				t.Fatalf("%d %s", r.status, r.body)
			}
			// The masked form shows something of the data too: refused as well.
			if r := e.readRecord(support, f.user, ""); r.status != 403 {
				t.Fatalf("masked read without a grant: %d %s", r.status, r.body)
			}
			d := e.json(support, "POST", "/v1/subjects/"+f.user+"/decisions", `{"category":"customer_data","purpose":"troubleshooting"}`, 200)
			if dd := d["decision"].(map[string]any); dd["allow"] != false || dd["reason"] != "access_grant_required" {
				t.Fatalf("decision %v", d)
			}
		})

		var id string
		t.Run("RequestApproveRead", func(t *testing.T) { // R-RES-2, R-SUP-1
			ar := e.json(support, "POST", "/v1/access-requests", homeRequest(f.tenant), 201)
			id = ar["id"].(string)
			if ar["state"] != "pending" || ar["duration_seconds"] != float64(7200) {
				t.Fatalf("request %v", ar)
			}
			// Still pending: no access.
			if r := e.readRecord(support, f.user, "troubleshooting"); r.status != 403 {
				t.Fatalf("read while pending: %d", r.status)
			}
			// Another tenant's administrator cannot see or approve it.
			if r := e.do(auth.RoleCustomerAdmin, "POST", "/v1/access-requests/"+id+"/approve", ""); r.status != 404 {
				t.Fatalf("other tenant approves: %d %s", r.status, r.body)
			}
			got := e.asJSON(f.custAdmin, "POST", "/v1/access-requests/"+id+"/approve", "", 200)
			if got["state"] != "active" || got["customer_approver"] != f.custAdminID {
				t.Fatalf("approved %v", got)
			}
			d := e.json(support, "POST", "/v1/subjects/"+f.user+"/decisions", `{"category":"customer_data","purpose":"troubleshooting"}`, 200)
			if dd := d["decision"].(map[string]any); dd["allow"] != true {
				t.Fatalf("decision under a grant %v", d)
			}
			// The facts-based decision knows the engineer's grants too, and takes no claims.
			facts := `{"question":{"actor":{"location":"cn"},"subject":{"tenant":"` + f.tenant + `","state":"active","real_name_verified":true},"category":"customer_data","purpose":"troubleshooting"}}`
			if r := e.do(support, "POST", "/v1/decisions", facts); r.status != 200 || !strings.Contains(string(r.body), `"allow":true`) {
				t.Fatalf("facts decision under a grant: %d %s", r.status, r.body)
			}
			claim := `{"question":{"actor":{"location":"cn","grants":[{"tenant":"t9","category":"customer_data"}]},"subject":{"tenant":"t9","state":"active","real_name_verified":true},"category":"customer_data","purpose":"troubleshooting"}}`
			if r := e.do(support, "POST", "/v1/decisions", claim); r.status != 403 || r.problem(t).Field != "question.actor.grants" {
				t.Fatalf("claimed grant: %d %s", r.status, r.body)
			}
			before := e.auditSize()
			v := e.json(support, "GET", "/v1/subjects/"+f.user+"/records/customer_data?purpose=troubleshooting", "", 200)
			if v["masked"] != false || !strings.Contains(v["fields"].(map[string]any)["content"].(string), "order 42") {
				t.Fatalf("read %v", v)
			}
			// Another purpose is not covered by the grant.
			if r := e.readRecord(support, f.user, "improve_technology"); r.status != 403 {
				t.Fatalf("purpose beyond the grant: %d", r.status)
			}
			// The read is listed to the customer, with its audit event.
			reads := e.asJSON(f.custAdmin, "GET", "/v1/access-reads", "", 200)["reads"].([]any)
			if len(reads) != 1 {
				t.Fatalf("reads %v", reads)
			}
			rd := reads[0].(map[string]any)
			if rd["grant_id"] != id || rd["records"] != float64(1) || rd["purpose"] != "troubleshooting" || rd["country"] != "CN" ||
				rd["reader_label"] != "test" || rd["subject_ids"].([]any)[0] != f.user {
				t.Fatalf("read %v", rd)
			}
			idx := int64(rd["audit_index"].(float64))
			if idx < before {
				t.Fatalf("audit index %d before %d", idx, before)
			}
			leaves, _ := e.store.ReadLeaves(context.Background(), idx, 1)
			ev, _ := auditlog.DecodeLeaf(leaves[0].Data)
			if ev.Action != "record.read" || ev.Details["grant"] != id || ev.Details["access_read"] != rd["id"] || !contains(ev.RIDs, "R-RES-2") {
				t.Fatalf("event %+v", ev)
			}
			// The subject's view, for subject requests.
			of, err := e.access.ReadsOfSubject(context.Background(), f.user)
			if err != nil || len(of) != 1 || of[0].GrantID != id || of[0].Reader == "" || of[0].Records != 1 {
				t.Fatalf("ReadsOfSubject %+v %v", of, err)
			}
			// Only the tenant's own administrators see its reads.
			if r := e.do(auth.RoleCustomerAdmin, "GET", "/v1/access-reads?tenant_id="+f.tenant, ""); r.status != 403 {
				t.Fatalf("other tenant lists reads: %d", r.status)
			}
		})

		t.Run("ResolveEndsAtOnce", func(t *testing.T) { // R-RES-2
			got := e.json(support, "POST", "/v1/access-requests/"+id+"/resolve", "", 200)
			if got["state"] != "ended" || got["end_reason"] != "resolved" {
				t.Fatalf("resolved %v", got)
			}
			if r := e.readRecord(support, f.user, "troubleshooting"); r.status != 403 {
				t.Fatalf("read after the end: %d", r.status)
			}
			// The history survives the end, each step with its audit event.
			h := e.asJSON(f.custAdmin, "GET", "/v1/access-requests/"+id, "", 200)["history"].([]any)
			var actions []string
			for _, c := range h {
				actions = append(actions, c.(map[string]any)["action"].(string))
			}
			if strings.Join(actions, ",") != "requested,customer_approved,ended" {
				t.Fatalf("history %v", actions)
			}
			if r := e.do(support, "POST", "/v1/access-requests/"+id+"/resolve", ""); r.status != 409 {
				t.Fatalf("resolve twice: %d", r.status)
			}
			facts := `{"question":{"actor":{"location":"cn"},"subject":{"tenant":"` + f.tenant + `","state":"active","real_name_verified":true},"category":"customer_data","purpose":"troubleshooting"}}`
			if r := e.do(support, "POST", "/v1/decisions", facts); r.status != 200 || !strings.Contains(string(r.body), `"reason":"access_grant_required"`) {
				t.Fatalf("facts decision after the end: %d %s", r.status, r.body)
			}
		})

		t.Run("HistoryAndReadsAppendOnly", func(t *testing.T) { // R-RES-2: the record survives the end
			for _, stmt := range []string{
				"UPDATE access_request_history SET reason = 'x'", "DELETE FROM access_request_history",
				"UPDATE access_reads SET records = 0", "DELETE FROM access_reads",
			} {
				if _, err := e.sqlDB().ExecContext(context.Background(), stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
		})

		t.Run("DenialIsFinal", func(t *testing.T) {
			id := e.json(support, "POST", "/v1/access-requests", homeRequest(f.tenant), 201)["id"].(string)
			e.asJSON(f.custAdmin, "POST", "/v1/access-requests/"+id+"/deny", "", 200)
			if r := e.as(f.custAdmin, "POST", "/v1/access-requests/"+id+"/approve", ""); r.status != 409 {
				t.Fatalf("approve after denial: %d", r.status)
			}
		})

		t.Run("CustomerRevokes", func(t *testing.T) { // R-SUP-3-like end by the customer, R-RES-2
			id := e.json(support, "POST", "/v1/access-requests", homeRequest(f.tenant), 201)["id"].(string)
			e.asJSON(f.custAdmin, "POST", "/v1/access-requests/"+id+"/approve", "", 200)
			e.json(support, "GET", "/v1/subjects/"+f.user+"/records/customer_data?purpose=troubleshooting", "", 200)
			got := e.asJSON(f.custAdmin, "POST", "/v1/access-requests/"+id+"/revoke", "", 200)
			if got["end_reason"] != "revoked" {
				t.Fatalf("revoked %v", got)
			}
			if r := e.readRecord(support, f.user, "troubleshooting"); r.status != 403 {
				t.Fatalf("read after revocation: %d", r.status)
			}
		})

		t.Run("ApproverLosesRole", func(t *testing.T) { // R-RES-2
			svc := auth.NewService(e.store)
			secret, tok, err := svc.Create(context.Background(), auth.System, auth.RoleCustomerAdmin, f.tenant, "second admin", "")
			if err != nil {
				t.Fatal(err)
			}
			id := e.json(support, "POST", "/v1/access-requests", homeRequest(f.tenant), 201)["id"].(string)
			e.asJSON(secret, "POST", "/v1/access-requests/"+id+"/approve", "", 200)
			e.json(support, "GET", "/v1/subjects/"+f.user+"/records/customer_data?purpose=troubleshooting", "", 200)
			e.json(auth.RoleOperatorAdmin, "DELETE", "/v1/tokens/"+tok.ID, "", 204)
			// The very next read is refused, before any sweep ran.
			if r := e.readRecord(support, f.user, "troubleshooting"); r.status != 403 {
				t.Fatalf("read after the approver lost the role: %d", r.status)
			}
			n, err := e.access.Sweep(context.Background())
			if err != nil || n != 1 {
				t.Fatalf("sweep %d %v", n, err)
			}
			got := e.json(auth.RolePrivacyOfficer, "GET", "/v1/access-requests/"+id, "", 200)
			if got["state"] != "ended" || got["end_reason"] != "approver_revoked" {
				t.Fatalf("after sweep %v", got)
			}
		})

		t.Run("ExpiryAndCap", func(t *testing.T) {
			r := e.do(support, "POST", "/v1/access-requests", strings.Replace(homeRequest(f.tenant), "PT2H", "PT9H", 1))
			if p := r.problem(t); r.status != 422 || p.Field != "duration" {
				t.Fatalf("over the cap: %d %s", r.status, r.body)
			}
			id := e.json(support, "POST", "/v1/access-requests", strings.Replace(homeRequest(f.tenant), "PT2H", "PT1M", 1), 201)["id"].(string)
			e.asJSON(f.custAdmin, "POST", "/v1/access-requests/"+id+"/approve", "", 200)
			e.json(support, "GET", "/v1/subjects/"+f.user+"/records/customer_data?purpose=troubleshooting", "", 200)
			// A minute later the grant has run out: refused at once, ended by the sweep.
			later := time.Now().Add(61 * time.Second)
			e.subjects.Now = func() time.Time { return later }
			e.access.Now = func() time.Time { return later }
			defer func() { e.subjects.Now, e.access.Now = nil, nil }()
			if r := e.readRecord(support, f.user, "troubleshooting"); r.status != 403 {
				t.Fatalf("read after expiry: %d", r.status)
			}
			if n, err := e.access.Sweep(context.Background()); err != nil || n < 1 {
				t.Fatalf("sweep %d %v", n, err)
			}
			if got := e.json(auth.RolePrivacyOfficer, "GET", "/v1/access-requests/"+id, "", 200); got["end_reason"] != "expired" {
				t.Fatalf("after expiry %v", got)
			}
			// A pending request expires after a day.
			pid := e.json(support, "POST", "/v1/access-requests", homeRequest(f.tenant), 201)["id"].(string)
			day := time.Now().Add(25 * time.Hour)
			e.access.Now = func() time.Time { return day }
			if r := e.as(f.custAdmin, "POST", "/v1/access-requests/"+pid+"/approve", ""); r.status != 409 {
				t.Fatalf("approve after the pending time: %d %s", r.status, r.body)
			}
			if got := e.json(auth.RolePrivacyOfficer, "GET", "/v1/access-requests/"+pid, "", 200); got["state"] != "expired" {
				t.Fatalf("pending after a day %v", got)
			}
			// The sweep expires the pending requests nobody touched.
			e.access.Now = nil
			sid := e.json(support, "POST", "/v1/access-requests", homeRequest(f.tenant), 201)["id"].(string)
			e.access.Now = func() time.Time { return day }
			if n, err := e.access.Sweep(context.Background()); err != nil || n < 1 {
				t.Fatalf("sweep %d %v", n, err)
			}
			if got := e.json(auth.RolePrivacyOfficer, "GET", "/v1/access-requests/"+sid, "", 200); got["state"] != "expired" || got["end_reason"] != "expired" {
				t.Fatalf("swept pending %v", got)
			}
		})

		t.Run("SecondApproval", func(t *testing.T) {
			e.asJSON(f.custAdmin, "PUT", "/v1/tenants/"+f.tenant+"/access-settings", `{"second_approval":true}`, 200)
			id := e.json(support, "POST", "/v1/access-requests", homeRequest(f.tenant), 201)["id"].(string)
			if got := e.asJSON(f.custAdmin, "POST", "/v1/access-requests/"+id+"/approve", "", 200); got["state"] != "pending" {
				t.Fatalf("after the customer's approval %v", got)
			}
			if r := e.readRecord(support, f.user, "troubleshooting"); r.status != 403 {
				t.Fatalf("read before the operator's approval: %d", r.status)
			}
			if got := e.json(auth.RoleOperatorAdmin, "POST", "/v1/access-requests/"+id+"/approve", "", 200); got["state"] != "active" {
				t.Fatalf("after both %v", got)
			}
			e.json(support, "GET", "/v1/subjects/"+f.user+"/records/customer_data?purpose=troubleshooting", "", 200)
			e.asJSON(f.custAdmin, "PUT", "/v1/tenants/"+f.tenant+"/access-settings", `{"second_approval":false}`, 200)
			e.json(support, "POST", "/v1/access-requests/"+id+"/resolve", "", 200)
		})

		t.Run("NoPIInAuditOrLogs", func(t *testing.T) {
			size := e.auditSize()
			leaves, err := e.store.ReadLeaves(context.Background(), 0, int(size))
			if err != nil || int64(len(leaves)) != size {
				t.Fatalf("read %d of %d leaves: %v", len(leaves), size, err)
			}
			var all strings.Builder
			for _, l := range leaves {
				all.Write(l.Data)
			}
			all.WriteString(e.logs.String())
			for _, pi := range []string{"admin.access@example.cn", "工程师 E1024", "排查存储故障", "客户的业务数据"} {
				if strings.Contains(all.String(), pi) {
					t.Fatalf("%q in the audit log or the logs", pi)
				}
			}
		})

		t.Run("FromAbroadNeedsItsBasis", func(t *testing.T) { // R-RES-3
			abroad := auth.Role("support-abroad")
			// The country must agree with the token's location.
			if r := e.do(abroad, "POST", "/v1/access-requests", homeRequest(f.tenant)); r.status != 422 {
				t.Fatalf("abroad token claiming CN: %d", r.status)
			}
			if r := e.do(abroad, "POST", "/v1/access-requests", strings.Replace(abroadRequest(f.tenant, ""), "troubleshooting", "improve_technology", 1)); r.status != 422 {
				t.Fatalf("a purpose the abroad rule does not list: %d", r.status)
			}
			id := e.json(abroad, "POST", "/v1/access-requests", abroadRequest(f.tenant, ""), 201)["id"].(string)
			r := e.as(f.custAdmin, "POST", "/v1/access-requests/"+id+"/approve", "")
			if p := r.problem(t); r.status != 422 || p.Field != "transfer" {
				t.Fatalf("approve without a mechanism: %d %s", r.status, r.body)
			}
			e.json(abroad, "POST", "/v1/access-requests/"+id+"/resolve", "", 200)
			full := `,"transfer":{"mechanism":"standard_contract","reference":"SC-备案-2025-0001"},"consent":{"basis":"separate_consent","reference":"consent campaign 7"},"recipient":{"contact":"privacy@licensor.example"}`
			ar := e.json(abroad, "POST", "/v1/access-requests", abroadRequest(f.tenant, full), 201)
			if rc := ar["recipient"].(map[string]any); rc["name"] != "Microsoft Corporation" {
				t.Fatalf("recipient name not taken from the policy: %v", rc)
			}
			id = ar["id"].(string)
			e.asJSON(f.custAdmin, "POST", "/v1/access-requests/"+id+"/approve", "", 200)
			e.json(abroad, "GET", "/v1/subjects/"+f.user+"/records/customer_data?purpose=troubleshooting", "", 200)
			c := e.json(auth.RolePrivacyOfficer, "GET", "/v1/access-abroad", "", 200)
			if c["people"] != float64(1) || c["sensitive_people"] != float64(0) {
				t.Fatalf("counts %v", c)
			}
			// The same person again is not counted twice.
			e.json(abroad, "GET", "/v1/subjects/"+f.user+"/records/customer_data?purpose=troubleshooting", "", 200)
			if c := e.json(auth.RolePrivacyOfficer, "GET", "/v1/access-abroad", "", 200); c["people"] != float64(1) {
				t.Fatalf("counted twice %v", c)
			}
			e.json(abroad, "POST", "/v1/access-requests/"+id+"/resolve", "", 200)
		})
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// smallThresholds is the default policy with abroad thresholds of 2 and 3 people (1 for
// sensitive PI), so that crossing them is testable.
func smallThresholds(t *testing.T) *policy.Engine {
	t.Helper()
	doc := strings.Replace(string(policy.DefaultDocument()), "people: [100000, 1000000]", "people: [2, 3]", 1)
	doc = strings.Replace(doc, "sensitive_people: [10000]", "sensitive_people: [1]", 1)
	d, err := policy.Parse("small.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := policy.Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// R-RES-3: the people reached from abroad are counted per calendar year, and crossing a
// threshold raises an audited alert, once.
func TestAccessAbroadThresholds(t *testing.T) {
	engines(t, func(t *testing.T, o envOptions) {
		o.policy = smallThresholds(t)
		e := newEnvWith(t, o)
		f := newAccessFixture(t, e, "admin.thresholds@example.cn")
		users := []string{f.user}
		for range 2 {
			u := e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects", `{"tenant_id":"`+f.tenant+`","kind":"end_user"}`, 201)["id"].(string)
			e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+u+"/records/customer_data", `{"content":"x"}`, 201)
			users = append(users, u)
		}
		full := `,"transfer":{"mechanism":"exemption","exemption":"contract_necessity","reference":"memo 12"},"consent":{"basis":"exemption","reference":"memo 12"},"recipient":{"name":"Licensor","contact":"dpo@licensor.example"}`
		id := e.json("support-abroad", "POST", "/v1/access-requests", abroadRequest(f.tenant, full), 201)["id"].(string)
		e.asJSON(f.custAdmin, "POST", "/v1/access-requests/"+id+"/approve", "", 200)
		for i, u := range users {
			e.json("support-abroad", "GET", "/v1/subjects/"+u+"/records/customer_data?purpose=troubleshooting", "", 200)
			c := e.json(auth.RoleAuditor, "GET", "/v1/access-abroad", "", 200)
			alerts := c["alerts"].([]any)
			want := map[int]int{0: 0, 1: 1, 2: 2}[i]
			if c["people"] != float64(i+1) || len(alerts) != want {
				t.Fatalf("after %d people: %v", i+1, c)
			}
			if want > 0 {
				a := alerts[want-1].(map[string]any)
				leaves, _ := e.store.ReadLeaves(context.Background(), int64(a["audit_index"].(float64)), 1)
				ev, _ := auditlog.DecodeLeaf(leaves[0].Data)
				if ev.Action != "access.abroad_threshold" || ev.Details["threshold"] != []string{"", "2", "3"}[want] || !contains(ev.RIDs, "R-RES-3") {
					t.Fatalf("alert event %+v", ev)
				}
			}
		}
	})
}

// R-RES-2: a grant ended on one instance refuses the very next read on another sharing the
// database, whatever that instance's in-memory index still says.
func TestAccessEndHoldsAcrossInstances(t *testing.T) {
	engines(t, func(t *testing.T, o envOptions) {
		a := newEnvWith(t, o)
		o2 := o
		o2.share = a
		b := newEnvWith(t, o2)
		b.tokens = a.tokens
		f := newAccessFixture(t, a, "admin.instances@example.cn")
		id := a.json(auth.RoleSupportEngineer, "POST", "/v1/access-requests", homeRequest(f.tenant), 201)["id"].(string)
		a.asJSON(f.custAdmin, "POST", "/v1/access-requests/"+id+"/approve", "", 200)
		if err := b.access.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		b.json(auth.RoleSupportEngineer, "GET", "/v1/subjects/"+f.user+"/records/customer_data?purpose=troubleshooting", "", 200)
		a.asJSON(f.custAdmin, "POST", "/v1/access-requests/"+id+"/revoke", "", 200)
		// b has not reloaded its index: its decisions may lag, its reads may not.
		p, err := auth.NewService(b.store).Authenticate(context.Background(), b.tokens[auth.RoleSupportEngineer])
		if err != nil {
			t.Fatal(err)
		}
		cat, _ := policy.Default().CategoryByName("customer_data")
		purpose, _ := policy.Default().PurposeByName("troubleshooting")
		if !b.access.Holds(p, f.tenant, cat, purpose, time.Now()) {
			t.Fatal("the other instance's index was expected to lag here")
		}
		if r := b.readRecord(auth.RoleSupportEngineer, f.user, "troubleshooting"); r.status != 403 {
			t.Fatalf("read on the other instance after revocation: %d %s", r.status, r.body)
		}
		if err := b.access.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		if b.access.Holds(p, f.tenant, cat, purpose, time.Now()) || b.access.Index().Len() != 0 {
			t.Fatalf("index after reload holds %d grants", b.access.Index().Len())
		}
	})
}
