package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"custos.dev/custos/auth"
	"custos.dev/custos/dsr"
)

// R-DSR-7, R-DSR-6: a decline needs one of the eight grounds, a written explanation and the
// external dispute route; the subject is told all three.
func TestDecline(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		const addr = "zhao.lei.decline@example.cn"
		e.subject("individual_customer", addr)
		id, key := e.file(addr, `{"type":"access","email":"`+addr+`"}`, 1)
		for name, c := range map[string]struct {
			body, field string
		}{
			"FreeTextGround":  {`{"ground":"we would rather not","explanation":"a long enough explanation","dispute_route":"网信办 12377"}`, "ground"},
			"NoExplanation":   {`{"ground":"trade_secret","explanation":"","dispute_route":"网信办 12377"}`, "explanation"},
			"NoDisputeRoute":  {`{"ground":"trade_secret","explanation":"a long enough explanation"}`, "dispute_route"},
			"UnknownProperty": {`{"ground":"trade_secret","explanation":"a long enough explanation","dispute_route":"网信办 12377","reason":"x"}`, "reason"},
		} {
			t.Run(name, func(t *testing.T) {
				st, b := e.call("POST", "/v1/requests/"+id+"/decline", e.officer(), c.body)
				if st != 422 && st != 400 || !strings.Contains(string(b), `"field":"`+c.field+`"`) {
					t.Fatalf("%d %s", st, b)
				}
			})
		}
		if st, _ := e.call("POST", "/v1/requests/"+id+"/decline", e.tokens[string(auth.RoleSupportEngineer)], `{}`); st != 403 {
			t.Fatalf("support engineer declines: %d", st)
		}
		const route = "向国家互联网信息办公室举报(12377)或向人民法院提起诉讼"
		got := e.must("POST", "/v1/requests/"+id+"/decline", e.officer(),
			`{"ground":"trade_secret","explanation":"所请求的信息涉及第三方商业秘密。The information requested is a third party's trade secret.","dispute_route":"`+route+`"}`, 200)
		if got["state"] != "declined" {
			t.Fatalf("%v", got)
		}
		e.deliverMail()
		m := e.mp.WaitFor(t, addr, 2)[1]
		for _, want := range []string{"涉及商业秘密的", "it involves trade secrets", route, "第三方商业秘密"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("decline mail lacks %q", want)
			}
		}
		ev := e.events("dsr.decline")
		if len(ev) != 1 || ev[0].Details["ground"] != "trade_secret" || strings.Contains(fmt.Sprint(ev[0]), "第三方") {
			t.Fatalf("decline event %+v", ev)
		}
		if g := e.must("GET", "/v1/requests/"+id, key, "", 200)["decline"].(map[string]any); g["dispute_route"] != route {
			t.Fatalf("the subject does not see the route: %v", g)
		}
		if e.engine == "sqlite" { // the officer's free text is sealed with the subject's key
			assertNotInFiles(t, e.data, "第三方商业秘密")
		}
		if st, _ := e.call("POST", "/v1/requests/"+id+"/decline", e.officer(), `{"ground":"trade_secret","explanation":"a long enough explanation","dispute_route":"12377"}`); st != 409 {
			t.Fatalf("declining twice: %d", st)
		}
	})
}

// R-INV-3: an end user's request about customer data is routed to its customer; nothing
// substantive happens until that customer's written instruction is recorded, and only that
// customer may give it.
func TestRoutedToCustomer(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		const addr = "end.user.routed@example.cn"
		tn, _ := e.subject("end_user", addr)
		id, key := e.file(addr, `{"type":"access","email":"`+addr+`"}`, 1)
		got := e.must("GET", "/v1/requests/"+id, key, "", 200)
		if got["routed_to"] != tn {
			t.Fatalf("routed_to %v, want %s", got["routed_to"], tn)
		}
		e.sweep()
		if got = e.must("GET", "/v1/requests/"+id, key, "", 200); got["state"] != "verified" {
			t.Fatalf("fulfilled without the customer's instruction: %v", got["state"])
		}
		other := e.customerAdmin("tn_someone_else")
		if st, _ := e.call("POST", "/v1/requests/"+id+"/instruction", other, `{"reference":"letter 7"}`); st != 404 {
			t.Fatalf("another customer instructs: %d", st)
		}
		own := e.customerAdmin(tn)
		if vs := e.must("GET", "/v1/requests", own, "", 200)["requests"].([]any); len(vs) != 1 {
			t.Fatalf("the customer's queue: %v", vs)
		}
		if vs := e.must("GET", "/v1/requests", other, "", 200)["requests"].([]any); len(vs) != 0 {
			t.Fatalf("another customer's queue: %v", vs)
		}
		e.must("POST", "/v1/requests/"+id+"/instruction", own, `{"reference":"书面指令 2026-11-27"}`, 200)
		e.sweep()
		if got = e.must("GET", "/v1/requests/"+id, key, "", 200); got["state"] != "completed" {
			t.Fatalf("after the instruction: %v", got["state"])
		}
		if len(e.events("dsr.customer_instruction")) != 1 {
			t.Fatal("instruction not audited")
		}
	})
}

// R-DSR-2: a correction of real-name data is refused at intake; other records are
// corrected (merged, validated, audited) once verified. R-PUR-2: a withdrawal by request
// goes into the consent ledger and the next decision sees it.
func TestCorrectionAndWithdrawal(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		const addr = "sun.li.correct@example.cn"
		_, sb := e.subject("individual_customer", addr)
		st, b := e.call("POST", "/v1/requests", "", `{"type":"correction","email":"`+addr+`","category":"real_name_data","fields":{"legal_name":"孙丽"}}`)
		if st != 422 || !strings.Contains(string(b), "R-DSR-2") {
			t.Fatalf("real-name correction: %d %s", st, b)
		}
		if st, b = e.call("POST", "/v1/requests", "", `{"type":"correction","email":"`+addr+`","category":"payment_data","fields":{"card_number":"6222021234567890124"}}`); st != 422 || strings.Contains(string(b), "6222021234567890124") {
			t.Fatalf("invalid card: %d %s", st, b)
		}
		id, key := e.file(addr, `{"type":"correction","email":"`+addr+`","category":"administrator_data","fields":{"address":"上海市浦东新区更正路二号"}}`, 1)
		e.sweep()
		if got := e.must("GET", "/v1/requests/"+id, key, "", 200); got["state"] != "completed" {
			t.Fatalf("correction: %v", got)
		}
		rec := e.must("GET", "/v1/subjects/"+sb+"/records/administrator_data?purpose=manage_account", e.officer(), "", 200)["fields"].(map[string]any)
		if rec["address"] != "上海市浦东新区更正路二号" || rec["name"] != "张伟测试者" {
			t.Fatalf("corrected record %v (want the address changed, the name kept)", rec)
		}

		e.must("POST", "/v1/subjects/"+sb+"/consents", e.admin(), `{"purpose":"marketing","category":"administrator_data","channel":"web"}`, 201)
		d := e.must("POST", "/v1/subjects/"+sb+"/decisions", e.officer(), `{"category":"administrator_data","purpose":"marketing"}`, 200)["decision"].(map[string]any)
		if d["allow"] != true {
			t.Fatalf("before withdrawal: %v", d)
		}
		wid, _ := e.file(addr, `{"type":"withdrawal","email":"`+addr+`","purposes":["marketing"]}`, 3)
		e.sweep()
		if got := e.must("GET", "/v1/requests/"+wid, e.officer(), "", 200); got["state"] != "completed" {
			t.Fatalf("withdrawal: %v", got)
		}
		d = e.must("POST", "/v1/subjects/"+sb+"/decisions", e.officer(), `{"category":"administrator_data","purpose":"marketing"}`, 200)["decision"].(map[string]any)
		if d["allow"] != false {
			t.Fatalf("after withdrawal: %v", d)
		}
		// Cancellation needs the retention service: without it, refused as unavailable.
		canceller := e.a.Requests.Canceller
		e.a.Requests.Canceller = nil
		defer func() { e.a.Requests.Canceller = canceller }()
		if st, _ := e.call("POST", "/v1/requests", "", `{"type":"cancellation","email":"`+addr+`"}`); st != 503 {
			t.Fatalf("cancellation without a canceller: %d", st)
		}
	})
}

// R-RET-2: a cancellation request hands the subject to the retention rules once verified:
// the account is cancelled, and uses other than retained ones are refused from then on.
func TestCancellation(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		const addr = "qian.cancel@example.cn"
		_, sb := e.subject("individual_customer", addr)
		id, _ := e.file(addr, `{"type":"cancellation","email":"`+addr+`"}`, 1)
		e.sweep()
		if got := e.must("GET", "/v1/requests/"+id, e.officer(), "", 200); got["state"] != "completed" {
			t.Fatalf("request %v", got["state"])
		}
		if got := e.must("GET", "/v1/subjects/"+sb, e.admin(), "", 200); got["state"] != "cancelled" {
			t.Fatalf("subject state %v, want cancelled", got["state"])
		}
		d := e.must("POST", "/v1/subjects/"+sb+"/decisions", e.officer(), `{"category":"administrator_data","purpose":"manage_account"}`, 200)["decision"].(map[string]any)
		if d["allow"] != false || d["rid"] != "R-RET-2" {
			t.Fatalf("decision after cancellation: %v", d)
		}
	})
}

// R-DSR-6, R-CON-1: the officer is told of a complaint at once and reminded 7 days and 1
// day before a request falls due; overdue requests lead the queue; the answer completes it.
func TestClockAndComplaint(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		const addr = "zhou.complaint@example.cn"
		e.subject("individual_customer", addr)
		early, _ := e.file(addr, `{"type":"complaint","email":"`+addr+`","text":"我的数据被用于营销。"}`, 1)
		e.clock.add(24 * time.Hour)
		late, key := e.file(addr, `{"type":"complaint","email":"`+addr+`","text":"第二个投诉。"}`, 2)
		e.deliverMail()
		if n := len(e.mp.WaitFor(t, officer, 2)); n != 2 {
			t.Fatalf("officer told of %d complaints", n)
		}
		e.sweep()
		if n := len(e.events("dsr.reminder")); n != 0 {
			t.Fatalf("%d reminders a month ahead", n)
		}
		e.clock.add(23 * 24 * time.Hour) // early is due in 6 days, late in 7
		e.sweep()
		e.sweep()
		rem := e.events("dsr.reminder")
		if len(rem) != 2 || rem[0].Details["before_due"] != "7d" {
			t.Fatalf("reminders at 7 days: %+v", rem)
		}
		e.clock.add(6*24*time.Hour + time.Hour) // early is overdue by 1h, late due in 23h
		e.sweep()
		rem = e.events("dsr.reminder")
		if len(rem) != 4 || rem[2].Details["before_due"] != "1d" {
			t.Fatalf("reminders at 1 day: %+v", rem)
		}
		msgs := e.mp.WaitFor(t, officer, 6)
		if !strings.Contains(msgs[len(msgs)-1].Subject, "1 day") {
			t.Fatalf("last officer mail: %q", msgs[len(msgs)-1].Subject)
		}
		// The queue: overdue first; due_before filters.
		q := e.must("GET", "/v1/requests?state=verified,in_progress", e.officer(), "", 200)["requests"].([]any)
		if len(q) != 2 || q[0].(map[string]any)["id"] != early || q[0].(map[string]any)["overdue"] != true {
			t.Fatalf("queue %v", q)
		}
		due := time.Now().Add(e.clock.off + 2*time.Hour).UTC().Format(time.RFC3339) // early (overdue) only
		if q = e.must("GET", "/v1/requests?due_before="+due, e.officer(), "", 200)["requests"].([]any); len(q) != 1 || q[0].(map[string]any)["id"] != early {
			t.Fatalf("due_before 2h ahead: %v", q)
		}
		due = time.Now().Add(e.clock.off + 24*time.Hour).UTC().Format(time.RFC3339)
		if q = e.must("GET", "/v1/requests?due_before="+due, e.officer(), "", 200)["requests"].([]any); len(q) != 2 {
			t.Fatalf("due_before a day ahead: %d", len(q))
		}
		if st, _ := e.call("GET", "/v1/requests?state=nonsense", e.officer(), ""); st != 400 {
			t.Fatalf("bad state filter: %d", st)
		}
		e.must("POST", "/v1/requests/"+late+"/answer", e.officer(), `{"text":"经核查,我们已停止将您的数据用于营销。We have stopped using your data for marketing."}`, 200)
		got := e.must("GET", "/v1/requests/"+late, key, "", 200)
		if got["state"] != "completed" || !strings.Contains(got["answer"].(string), "停止") {
			t.Fatalf("answered complaint: %v", got)
		}
		e.deliverMail()
		if m := e.mp.WaitFor(t, addr, 3); !strings.Contains(m[2].Text, "停止将您的数据用于营销") {
			t.Fatalf("answer mail %q", m[2].Text)
		}
		if e.engine == "sqlite" {
			assertNotInFiles(t, e.data, "停止将您的数据用于营销")
			assertNotInFiles(t, e.data, "我的数据被用于营销") // the complaint's text
		}
	})
}

// Staff file on a subject's behalf; the code still goes to the address on record.
func TestFiledByStaff(t *testing.T) {
	e := newDSREnv(t, "sqlite")
	const addr = "wu.staff@example.cn"
	tn, sb := e.subject("customer_administrator", addr)
	if st, _ := e.call("POST", "/v1/requests", e.customerAdmin("tn_other"), `{"type":"access","subject_id":"`+sb+`"}`); st != 403 {
		t.Fatalf("another tenant's admin files: %d", st)
	}
	got := e.must("POST", "/v1/requests", e.customerAdmin(tn), `{"type":"explanation","subject_id":"`+sb+`"}`, 201)
	if got["state"] != string(dsr.StateVerifying) || got["by_role"] != "customer-admin" {
		t.Fatalf("%v", got)
	}
	code := e.code(addr, 1)
	e.must("POST", "/v1/requests/"+got["id"].(string)+"/verify", "", `{"code":"`+code+`"}`, 200)
	e.sweep()
	e.deliverMail()
	if m := e.mp.WaitFor(t, addr, 2)[1]; !strings.Contains(m.Text, "administrator_data") && !strings.Contains(m.Text, "管理员数据") {
		t.Fatalf("explanation mail %q", m.Text)
	}
}

// A sweep pages through every open request: requests that wait long (complaints awaiting
// the officer's answer) and fall due first never crowd out the ones behind them (R-DSR-6).
func TestSweepReachesEveryOpenRequest(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		e.a.Requests.SweepPage = 2
		for i := range 5 {
			addr := fmt.Sprintf("waiting.%d@example.cn", i)
			e.subject("individual_customer", addr)
			e.file(addr, `{"type":"complaint","email":"`+addr+`","text":"投诉"}`, 1)
		}
		e.clock.add(time.Hour) // the access request falls due after every complaint
		const addr = "behind.them@example.cn"
		e.subject("individual_customer", addr)
		id, key := e.file(addr, `{"type":"access","email":"`+addr+`"}`, 1)
		e.sweep()
		if got := e.must("GET", "/v1/requests/"+id, key, "", 200); got["state"] != "completed" {
			t.Fatalf("the request behind five waiting ones: %v", got["state"])
		}
	})
}

// A request whose subject never proves who they are is closed as abandoned after the
// verification window (7 days), with its history and an audit event; a verified one is
// not touched (R-DSR-5, R-DSR-6).
func TestUnverifiedRequestsAreClosed(t *testing.T) {
	engines(t, func(t *testing.T, engine string) {
		e := newDSREnv(t, engine)
		const addr = "never.verifies@example.cn"
		_, sb := e.subject("individual_customer", addr)
		stale := e.must("POST", "/v1/requests", "", `{"type":"access","email":"`+addr+`"}`, 202)["id"].(string)
		unknown := e.must("POST", "/v1/requests", "", `{"type":"deletion","email":"nobody.on.record@example.cn"}`, 202)["id"].(string)
		const other = "does.verify@example.cn"
		e.subject("individual_customer", other)
		live, key := e.file(other, `{"type":"complaint","email":"`+other+`","text":"投诉"}`, 1)

		e.clock.add(7*24*time.Hour - time.Minute)
		e.sweep()
		if n := len(e.events("dsr.abandon")); n != 0 {
			t.Fatalf("%d closed before the window ended", n)
		}
		e.clock.add(2 * time.Minute)
		e.sweep()
		if n := len(e.events("dsr.abandon")); n != 2 {
			t.Fatalf("%d abandoned requests closed, want 2", n)
		}
		for _, id := range []string{stale, unknown} {
			got := e.must("GET", "/v1/requests/"+id, e.officer(), "", 200)
			if got["state"] != "withdrawn" {
				t.Fatalf("request %s: %v", id, got["state"])
			}
		}
		hist := e.must("GET", "/v1/requests/"+stale+"/history", e.officer(), "", 200)
		if !strings.Contains(fmt.Sprint(hist), "abandoned") {
			t.Fatalf("history %v", hist)
		}
		if got := e.must("GET", "/v1/requests/"+live, key, "", 200); got["state"] != "verified" {
			t.Fatalf("a verified request was touched: %v", got["state"])
		}
		// The subject can still make a new request.
		e.file(addr, `{"type":"access","email":"`+addr+`"}`, 2)
		_ = sb
	})
}
