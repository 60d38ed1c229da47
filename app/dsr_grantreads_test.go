package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"testing"
)

// TestAccessPackageListsGrantReads: a read of the subject's data by a support engineer
// under a grant the customer approved appears in the subject's access package, with the
// grant, the reader and the entity (R-RES-2, R-DSR-1).
func TestAccessPackageListsGrantReads(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		const addr = "sun.li.grantreads@example.cn"
		tn, sb := e.subject("individual_customer", addr)
		e.must("PUT", "/v1/subjects/"+sb+"/records/customer_data", e.admin(), `{"content":"客户业务数据"}`, 201)
		sup := e.tokens["support-engineer"]
		ar := e.must("POST", "/v1/access-requests", sup, `{"requester":"E2048","entity":"operator","country":"CN","ticket":"INC-9",
		"tenant_id":"`+tn+`","categories":["customer_data"],"purpose":"troubleshooting","justification":"errors","duration":"PT1H"}`, 201)["id"].(string)
		e.must("POST", "/v1/access-requests/"+ar+"/approve", e.customerAdmin(tn), `{}`, 200)
		e.must("GET", "/v1/subjects/"+sb+"/records/customer_data?purpose=troubleshooting", sup, "", 200)

		id, key := e.file(addr, `{"type":"access","email":"`+addr+`"}`, 1)
		e.sweep()
		if got := e.must("GET", "/v1/requests/"+id, key, "", 200); got["state"] != "completed" {
			t.Fatalf("request %v", got)
		}
		msgs := e.mp.WaitFor(t, addr, 2)
		links := slices.Compact(regexp.MustCompile(`http://\S+/v1/exports/dl_[A-Za-z0-9_-]+`).FindAllString(msgs[1].Text, -1))
		var pkg struct {
			GrantReads []struct {
				GrantID    string   `json:"grant_id"`
				Actor      string   `json:"actor"`
				Entity     string   `json:"entity"`
				Categories []string `json:"categories"`
			} `json:"grant_reads"`
		}
		for _, l := range links {
			res, err := http.Get(l)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.Header.Get("Content-Type") == "application/json" {
				validateExport(t, body)
				if err := json.Unmarshal(body, &pkg); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		if len(pkg.GrantReads) != 1 {
			t.Fatalf("grant_reads %+v, want the one read", pkg.GrantReads)
		}
		r := pkg.GrantReads[0]
		if r.GrantID != ar || r.Entity != "operator" || !slices.Equal(r.Categories, []string{"customer_data"}) || r.Actor == "" {
			t.Fatalf("grant read %+v", r)
		}
	})
}
