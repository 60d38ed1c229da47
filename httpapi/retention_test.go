package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"custos.dev/custos/auth"
)

// The lifecycle and retention routes, with their roles, on both engines (R-RET-2,
// R-RET-3, R-RET-4, R-INV-3).
func TestRetentionAPI(t *testing.T) {
	engines(t, func(t *testing.T, o envOptions) {
		e := newEnvWith(t, o)
		tn := e.json(auth.RoleOperatorAdmin, "POST", "/v1/tenants", `{"name":"示例科技有限公司"}`, 201)["id"].(string)
		other := e.json(auth.RoleOperatorAdmin, "POST", "/v1/tenants", `{"name":"其他公司"}`, 201)["id"].(string)
		// The customer-admin token of this test is bound to tn.
		tok := e.json(auth.RoleOperatorAdmin, "POST", "/v1/tokens", `{"role":"customer-admin","tenant":"`+tn+`"}`, 201)
		e.tokens[auth.RoleCustomerAdmin] = tok["token"].(string)
		newSubject := func(tenant string) string {
			id := e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects", `{"tenant_id":"`+tenant+`","kind":"end_user","email":"`+plantEmail+`"}`, 201)["id"].(string)
			e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+id+"/records/administrator_data", `{"name":"`+plantName+`","email":"`+plantEmail+`"}`, 201)
			e.json(auth.RoleOperatorAdmin, "PUT", "/v1/subjects/"+id+"/records/registration_data", `{"company":"示例"}`, 201)
			return id
		}
		mine, theirs := newSubject(tn), newSubject(other)

		t.Run("CustomerAdminCancelsOwnTenantOnly", func(t *testing.T) {
			if r := e.do(auth.RoleCustomerAdmin, "POST", "/v1/subjects/"+theirs+"/cancel", ""); r.status != 403 {
				t.Fatalf("cancel another tenant's subject: %d %s", r.status, r.body)
			}
			if r := e.do(auth.RoleSupportEngineer, "POST", "/v1/subjects/"+mine+"/cancel", ""); r.status != 403 {
				t.Fatalf("support engineer cancelled: %d", r.status)
			}
			lc := e.json(auth.RoleCustomerAdmin, "POST", "/v1/subjects/"+mine+"/cancel", `{"reason":"dsr:req_42"}`, 200)
			if lc["state"] != "cancelled" {
				t.Fatalf("lifecycle after cancel = %v", lc)
			}
			// Idempotent.
			e.json(auth.RoleCustomerAdmin, "POST", "/v1/subjects/"+mine+"/cancel", "", 200)
		})

		t.Run("DecisionsDeniedAtOnce", func(t *testing.T) { // R-RET-2
			d := e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects/"+mine+"/decisions", `{"category":"administrator_data","purpose":"manage_account"}`, 200)["decision"].(map[string]any)
			if d["allow"] != false || d["reason"] != "account_cancelled" || d["rid"] != "R-RET-2" {
				t.Fatalf("decision after cancel = %v", d)
			}
			d = e.json(auth.RoleOperatorAdmin, "POST", "/v1/subjects/"+mine+"/decisions", `{"category":"administrator_data","purpose":"legal_duty"}`, 200)["decision"].(map[string]any)
			if d["allow"] != true {
				t.Fatalf("legal duty after cancel = %v", d)
			}
		})

		t.Run("Schedule", func(t *testing.T) {
			if r := e.do(auth.RoleCustomerAdmin, "GET", "/v1/retention/schedule", ""); r.status != 403 {
				t.Fatalf("customer admin read the schedule: %d", r.status)
			}
			until := time.Now().UTC().AddDate(4, 0, 0).Format(time.DateOnly)
			p := e.json(auth.RoleAuditor, "GET", "/v1/retention/schedule?until="+until, "", 200)
			entries := p["entries"].([]any)
			if len(entries) != 2 {
				t.Fatalf("schedule = %v, want registration (now) and administrator data (in 3 years)", p)
			}
			first := entries[0].(map[string]any)
			if first["subject_id"] != mine || first["category"] != "registration_data" || first["action"] != "delete" {
				t.Fatalf("first entry = %v", first)
			}
			if r := e.do(auth.RoleAuditor, "GET", "/v1/retention/schedule?until=tomorrow", ""); r.status != 400 || r.problem(t).Field != "until" {
				t.Fatalf("bad until: %d %s", r.status, r.body)
			}
		})

		t.Run("LegalHoldByPrivacyOfficer", func(t *testing.T) {
			body := `{"subject_ids":["` + mine + `"],"reason":"诉讼保全","ends_at":"` + time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `"}`
			if r := e.do(auth.RoleOperatorAdmin, "POST", "/v1/legal-holds", body); r.status != 403 {
				t.Fatalf("operator admin placed a hold: %d", r.status)
			}
			h := e.json(auth.RolePrivacyOfficer, "POST", "/v1/legal-holds", body, 201)
			rep, err := e.retention.Sweep(context.Background())
			if err != nil || rep.Deleted != 0 {
				t.Fatalf("sweep under hold = %+v, %v", rep, err)
			}
			lc := e.json(auth.RoleAuditor, "GET", "/v1/subjects/"+mine+"/lifecycle", "", 200)
			if lc["state"] != "legal_hold" {
				t.Fatalf("lifecycle = %v", lc)
			}
			// Erasure by hand is refused too while the hold lasts.
			if r := e.do(auth.RolePrivacyOfficer, "DELETE", "/v1/subjects/"+mine, ""); r.status != 409 {
				t.Fatalf("erasing a held subject: %d %s", r.status, r.body)
			}
			e.json(auth.RolePrivacyOfficer, "DELETE", "/v1/legal-holds/"+h["id"].(string), "", 200)
			rep, err = e.retention.Sweep(context.Background())
			if err != nil || rep.Deleted != 1 {
				t.Fatalf("sweep after lifting = %+v, %v", rep, err)
			}
		})

		t.Run("TerminationAndAnnouncement", func(t *testing.T) { // R-RET-4
			soon := time.Now().UTC().AddDate(0, 0, 10).Format(time.RFC3339)
			r := e.do(auth.RoleOperatorAdmin, "POST", "/v1/terminations", `{"service":{"zh":"示例服务","en":"Example"},"ends_at":"`+soon+`","tenant_ids":["`+other+`"]}`)
			if r.status != 422 || r.problem(t).Field != "ends_at" {
				t.Fatalf("termination without the lead time: %d %s", r.status, r.body)
			}
			later := time.Now().UTC().AddDate(0, 2, 0).Format(time.RFC3339)
			e.json(auth.RoleOperatorAdmin, "POST", "/v1/terminations", `{"service":{"zh":"示例服务","en":"Example"},"ends_at":"`+later+`","tenant_ids":["`+other+`"]}`, 201)
			for _, role := range auth.Roles {
				anns := e.json(role, "GET", "/v1/announcements", "", 200)["announcements"].([]any)
				if len(anns) != 1 || !strings.Contains(anns[0].(map[string]any)["title"].(map[string]any)["zh"].(string), "示例服务") {
					t.Fatalf("%s sees announcements %v", role, anns)
				}
			}
			ts := e.json(auth.RoleAuditor, "GET", "/v1/terminations", "", 200)["terminations"].([]any)
			if len(ts) != 1 {
				t.Fatalf("terminations = %v", ts)
			}
		})
	})
}
