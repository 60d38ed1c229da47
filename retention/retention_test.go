package retention_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/policy"
	"custos.dev/custos/retention"
	"custos.dev/custos/subject"
)

const (
	adminRecord = `{"name":"张三","email":"zhangsan@example.com","mobile":"13912345678","address":"北京市朝阳区"}`
	regRecord   = `{"name":"张三","email":"zhangsan@example.com","company":"示例公司"}`
)

// R-RET-2: cancellation restricts at once: the very next decision denies every purpose
// but storage, security and legal duties. Cancelling again is not an error and changes
// nothing.
func TestCancelRestrictsAtOnce(t *testing.T) {
	engines(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, nil)
		ctx := context.Background()
		tn := e.tenant("t")
		id := e.subject(tn, "a@example.com", map[string]string{"administrator_data": adminRecord})
		decide := func(purpose string) policy.Decision {
			d, err := e.subjects.Decide(ctx, admin, "cn", id, "administrator_data", purpose)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		if d := decide("manage_account"); !d.Allow {
			t.Fatalf("before cancellation manage_account = %+v, want allowed", d)
		}
		if err := e.ret.CancelSubject(ctx, admin, id, "dsr:req_1"); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"manage_account", "complete_transaction", "marketing", "fraud_prevention"} {
			if d := decide(p); d.Allow || d.Reason.String() != "account_cancelled" || d.RID != "R-RET-2" {
				t.Errorf("after cancellation %s = %+v, want denied account_cancelled R-RET-2", p, d)
			}
		}
		for _, p := range []string{"storage", "security", "legal_duty"} {
			if d := decide(p); !d.Allow {
				t.Errorf("after cancellation %s = %+v, want allowed (a retained use)", p, d)
			}
		}
		st := e.state(id)
		if st.State != retention.StateCancelled || !st.Since.Equal(start) {
			t.Errorf("state = %s since %v, want cancelled since %v (the clocks' start)", st.State, st.Since, start)
		}
		e.clock.Add(time.Hour)
		if err := e.ret.CancelSubject(ctx, admin, id, "again"); err != nil {
			t.Fatalf("cancelling a cancelled subject: %v", err)
		}
		if got := e.state(id).Since; !got.Equal(start) {
			t.Errorf("a second cancellation moved the clock to %v", got)
		}
		evs := e.events("lifecycle.cancel")
		if len(evs) != 1 || evs[0].Subject != id || !slices.Contains(evs[0].RIDs, "R-RET-2") || evs[0].Details["reason"] != "dsr:req_1" {
			t.Fatalf("cancel events = %+v, want one for the subject citing R-RET-2 with the reason code", evs)
		}
		e.verify()
	})
}

// A customer's administrator cancels its own tenant's subjects only (R-INV-3).
func TestCancelTenantBoundary(t *testing.T) {
	engines(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, nil)
		ctx := context.Background()
		mine, other := e.tenant("mine"), e.tenant("other")
		a := e.subject(mine, "", nil)
		b := e.subject(other, "", nil)
		ca := auth.Principal{TokenID: "ca", Role: auth.RoleCustomerAdmin, Tenant: mine, Location: "cn"}
		if err := e.ret.CancelSubject(ctx, ca, b, ""); custos.KindOf(err) != custos.KindForbidden {
			t.Fatalf("cancelling another tenant's subject: %v, want forbidden", err)
		}
		if err := e.ret.CancelSubject(ctx, ca, a, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.ret.CancelSubject(ctx, ca, "sb_nope", ""); custos.KindOf(err) != custos.KindNotFound {
			t.Fatalf("cancelling a missing subject: %v, want not found", err)
		}
		// A tenant's cancellation cancels each of its subjects, each audited.
		c := e.subject(other, "", nil)
		n, err := e.ret.CancelTenant(ctx, admin, other, "contract_end")
		if err != nil || n != 2 {
			t.Fatalf("CancelTenant = %d, %v; want 2 subjects", n, err)
		}
		for _, id := range []string{b, c} {
			if s := e.state(id).State; s != retention.StateCancelled {
				t.Errorf("subject of the cancelled tenant is %s", s)
			}
		}
		if got := len(e.events("lifecycle.cancel")); got != 3 {
			t.Errorf("%d subject cancel events, want 3", got)
		}
		e.verify()
	})
}

// R-RET-3: each category is deleted when its own period after cancellation ends, within
// the sweep that runs then; when nothing is left the key is destroyed and the subject is
// erased. The schedule says so in advance.
func TestSweepDeletesWhenEachPeriodEnds(t *testing.T) {
	engines(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, nil)
		ctx := context.Background()
		tn := e.tenant("t")
		id := e.subject(tn, "a@example.com", map[string]string{"administrator_data": adminRecord, "registration_data": regRecord})
		keep := e.subject(tn, "b@example.com", map[string]string{"registration_data": regRecord})
		if err := e.ret.CancelSubject(ctx, admin, id, ""); err != nil {
			t.Fatal(err)
		}
		// Registration data: P0D, so the first sweep deletes it.
		if rep := e.sweep(); rep.Deleted != 1 {
			t.Fatalf("first sweep = %+v, want 1 record deleted", rep)
		}
		if got := e.categories(id); !slices.Equal(got, []string{"administrator_data"}) {
			t.Fatalf("records left = %v, want administrator data (P3Y)", got)
		}
		if got := e.categories(keep); len(got) != 1 {
			t.Fatalf("an active subject lost records: %v", got)
		}
		// The deleted category's key is destroyed with it, so no backup of the record opens;
		// the subject's own key and its other category's key stay (R-RET-3).
		if e.hasKey(subject.CategoryKeyID(id, "registration_data")) {
			t.Fatal("the deleted category's key survives")
		}
		if !e.hasKey(id) || !e.hasKey(subject.CategoryKeyID(id, "administrator_data")) {
			t.Fatal("a key still needed was destroyed")
		}
		if n := e.count("SELECT COUNT(*) FROM pending_key_destructions"); n != 0 {
			t.Fatalf("%d key destructions left pending", n)
		}
		if _, err := e.subjects.GetRecord(ctx, admin, "cn", id, "administrator_data", ""); err != nil {
			t.Fatalf("the remaining category no longer reads: %v", err)
		}
		plan, err := e.ret.Schedule(ctx, officer, start.AddDate(5, 0, 0), 100)
		if err != nil {
			t.Fatal(err)
		}
		want := []retention.Entry{{SubjectID: id, TenantID: tn, Category: "administrator_data", State: "cancelled", Action: "delete",
			DueAt: start.AddDate(3, 0, 0), ClockStart: start, Rule: "cancelled P3Y delete", RIDs: []string{"R-RET-2", "R-RET-3"}}}
		if diff := cmp.Diff(want, plan.Entries); diff != "" {
			t.Fatalf("schedule (-want +got):\n%s", diff)
		}
		e.clock.Set(start.AddDate(3, 0, 0).Add(-time.Second))
		if rep := e.sweep(); rep != (retention.Report{}) {
			t.Fatalf("sweep a second early = %+v, want nothing", rep)
		}
		e.clock.Set(start.AddDate(3, 0, 0))
		if rep := e.sweep(); rep.Deleted != 1 || rep.Erased != 1 {
			t.Fatalf("sweep when due = %+v, want 1 deleted, 1 subject erased", rep)
		}
		st := e.state(id)
		if st.State != retention.StateErased || st.ErasedAt.IsZero() || e.hasKey(id) || len(e.categories(id)) != 0 {
			t.Fatalf("after expiry: state %s, key %v, records %v; want erased, no key, nothing", st.State, e.hasKey(id), e.categories(id))
		}
		if n := e.count("SELECT COUNT(*) FROM lookup_tokens WHERE subject_id = ?", id); n != 0 {
			t.Errorf("%d lookup tokens left", n)
		}
		if _, err := e.subjects.GetSubject(ctx, admin, id); custos.KindOf(err) != custos.KindNotFound {
			t.Errorf("erased subject still readable: %v", err)
		}
		if rep := e.sweep(); rep != (retention.Report{}) {
			t.Errorf("a sweep after everything was done did %+v", rep)
		}
		if got := e.events("retention.delete"); len(got) != 2 || !slices.Contains(got[1].RIDs, "R-RET-3") {
			t.Errorf("delete events = %+v", got)
		}
		if got := e.events("retention.erase_subject"); len(got) != 1 || got[0].Subject != id || got[0].Details["key"] != "destroyed" {
			t.Errorf("erase events = %+v", got)
		}
		e.verify()
	})
}

// Network logs (diagnostic data) are kept six months from their last write, even when
// the policy says less.
func TestNetworkLogFloor(t *testing.T) {
	doc := strings.Replace(string(policy.DefaultDocument()),
		"cancelled: {duration: P6M, action: anonymise, rids: [R-RET-2, R-RET-3]}",
		"cancelled: {duration: P0D, action: delete, rids: [R-RET-2, R-RET-3]}", 1)
	if doc == string(policy.DefaultDocument()) {
		t.Fatal("the default policy's diagnostic-data rule moved; update the test")
	}
	d, err := policy.Parse("short.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := policy.Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	engines(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, eng)
		ctx := context.Background()
		id := e.subject(e.tenant("t"), "", map[string]string{"diagnostic_data": `{"device_id":"dev-1","ip_address":"203.0.113.7"}`})
		e.clock.Add(30 * 24 * time.Hour)
		if err := e.ret.CancelSubject(ctx, admin, id, ""); err != nil {
			t.Fatal(err)
		}
		if rep := e.sweep(); rep.Deleted != 0 {
			t.Fatalf("sweep deleted network logs after a month: %+v", rep)
		}
		plan, err := e.ret.Schedule(ctx, officer, start.AddDate(1, 0, 0), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Entries) != 1 || !plan.Entries[0].DueAt.Equal(start.AddDate(0, 6, 0)) || !plan.Entries[0].NetworkLogFloor {
			t.Fatalf("schedule = %+v, want due six months after the record was written, by the floor", plan.Entries)
		}
		e.clock.Set(start.AddDate(0, 6, 0).Add(-time.Second))
		if rep := e.sweep(); rep.Deleted != 0 {
			t.Fatalf("deleted a second before six months: %+v", rep)
		}
		e.clock.Set(start.AddDate(0, 6, 0))
		if rep := e.sweep(); rep.Deleted != 1 || rep.Erased != 1 {
			t.Fatalf("sweep at six months = %+v, want the log deleted and the subject erased", rep)
		}
	})
}

// A legal hold suspends deletion until it is lifted or ends; only a privacy officer
// places one, and its reason stays out of the audit log.
func TestLegalHold(t *testing.T) {
	engines(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, nil)
		ctx := context.Background()
		tn := e.tenant("t")
		held := e.subject(tn, "", map[string]string{"registration_data": regRecord})
		free := e.subject(tn, "", map[string]string{"registration_data": regRecord})
		reason := "（2026）京0105民初12345号 张三诉某公司"
		if _, err := e.ret.PlaceHold(ctx, admin, retention.NewHold{SubjectIDs: []string{held}, Reason: reason, EndsAt: start.AddDate(1, 0, 0)}); custos.KindOf(err) != custos.KindForbidden {
			t.Fatalf("an operator admin placed a hold: %v", err)
		}
		h, err := e.ret.PlaceHold(ctx, officer, retention.NewHold{SubjectIDs: []string{held}, Reason: reason, EndsAt: start.AddDate(1, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{held, free} {
			if err := e.ret.CancelSubject(ctx, admin, id, ""); err != nil {
				t.Fatal(err)
			}
		}
		if rep := e.sweep(); rep.Deleted != 1 || rep.Erased != 1 {
			t.Fatalf("sweep = %+v, want only the free subject gone", rep)
		}
		if got := e.categories(held); len(got) != 1 || !e.hasKey(held) {
			t.Fatalf("held subject lost data: %v, key %v", got, e.hasKey(held))
		}
		lc, err := e.ret.Lifecycle(ctx, officer, held)
		if err != nil {
			t.Fatal(err)
		}
		if lc.State != retention.StateLegalHold || !slices.Equal(lc.LegalHolds, []string{h.ID}) || len(lc.Schedule) != 1 || !lc.Schedule[0].Held {
			t.Fatalf("lifecycle = %+v, want on legal hold with a held schedule entry", lc)
		}
		for _, ev := range e.events("") {
			for _, v := range ev.Details {
				if strings.Contains(v, "张三") || strings.Contains(v, "12345") {
					t.Fatalf("the hold's reason reached the audit log: %+v", ev)
				}
			}
		}
		if _, err := e.ret.LiftHold(ctx, officer, h.ID); err != nil {
			t.Fatal(err)
		}
		if rep := e.sweep(); rep.Deleted != 1 || rep.Erased != 1 {
			t.Fatalf("sweep after lifting = %+v, want the held subject gone", rep)
		}
		// A hold that ends by its date stops suspending without anyone lifting it.
		late := e.subject(tn, "", map[string]string{"registration_data": regRecord})
		if _, err := e.ret.PlaceHold(ctx, officer, retention.NewHold{SubjectIDs: []string{late}, Reason: "audit", EndsAt: start.Add(48 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := e.ret.CancelSubject(ctx, admin, late, ""); err != nil {
			t.Fatal(err)
		}
		if rep := e.sweep(); rep.Deleted != 0 {
			t.Fatalf("held subject deleted: %+v", rep)
		}
		e.clock.Set(start.Add(48 * time.Hour))
		if rep := e.sweep(); rep.Deleted != 1 {
			t.Fatalf("sweep after the hold ended = %+v", rep)
		}
		e.verify()
	})
}

// R-RET-5: a trial's data follows the trial rule from the trial's end; categories without
// one follow their cancelled rule from then. A purchase keeps it.
func TestTrial(t *testing.T) {
	engines(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, nil)
		ctx := context.Background()
		tn := e.tenant("t")
		recs := map[string]string{"customer_data": `{"content":"hello"}`, "registration_data": regRecord}
		trial := e.subject(tn, "", recs)
		bought := e.subject(tn, "", recs)
		end := start.AddDate(0, 0, 14)
		for _, id := range []string{trial, bought} {
			if err := e.ret.StartTrial(ctx, admin, id, end); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.ret.Activate(ctx, admin, bought); err != nil {
			t.Fatal(err)
		}
		if rep := e.sweep(); rep != (retention.Report{}) {
			t.Fatalf("sweep during the trial = %+v", rep)
		}
		e.clock.Set(end)
		if rep := e.sweep(); rep.Deleted != 1 {
			t.Fatalf("sweep at the trial's end = %+v, want registration data deleted (its cancelled rule, P0D)", rep)
		}
		e.clock.Set(end.AddDate(0, 0, 30))
		if rep := e.sweep(); rep.Deleted != 1 || rep.Erased != 1 {
			t.Fatalf("sweep 30 days after = %+v, want customer data deleted and the subject erased", rep)
		}
		if len(e.categories(bought)) != 2 || e.state(bought).State != retention.StateActive {
			t.Fatalf("the purchased trial lost data")
		}
		if ev := e.events("retention.erase_subject"); len(ev) != 1 || !slices.Contains(ev[0].RIDs, "R-RET-5") {
			t.Fatalf("erase events = %+v, want one citing R-RET-5", ev)
		}
	})
}

// Two sweeps at once (two instances) change each thing once: every record is deleted by
// exactly one of them, and the log verifies.
func TestConcurrentSweepsChangeOnce(t *testing.T) {
	engines(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, nil)
		ctx := context.Background()
		tn := e.tenant("t")
		const n = 30
		for i := 0; i < n; i++ {
			id := e.subject(tn, "", map[string]string{"registration_data": regRecord})
			if err := e.ret.CancelSubject(ctx, admin, id, ""); err != nil {
				t.Fatal(err)
			}
		}
		errs := make(chan error, 2)
		for range 2 {
			go func() { _, err := e.ret.Sweep(ctx); errs <- err }()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if got := len(e.events("retention.delete")); got != n {
			t.Errorf("%d delete events, want %d", got, n)
		}
		if got := len(e.events("retention.erase_subject")); got != n {
			t.Errorf("%d erase events, want %d", got, n)
		}
		e.verify()
	})
}

// A sweep killed after deleting records but before destroying their category keys leaves
// the destructions queued; the next sweep destroys the keys (R-RET-3).
func TestPendingKeyDestructionsSurviveACrash(t *testing.T) {
	engines(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, nil)
		tn := e.tenant("t")
		id := e.subject(tn, "c@example.com", map[string]string{"administrator_data": adminRecord})
		key := subject.CategoryKeyID(id, "administrator_data")
		if !e.hasKey(key) {
			t.Fatal("a record is sealed under its category's key")
		}
		// What a killed sweep leaves: the record gone, its key queued for destruction.
		if _, err := e.db.W.Exec(e.db.Q("DELETE FROM records WHERE subject_id = ?"), id); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.W.Exec(e.db.Q("INSERT INTO pending_key_destructions (key_id, created_at) VALUES (?, 0)"), key); err != nil {
			t.Fatal(err)
		}
		e.sweep()
		if e.hasKey(key) || !e.hasKey(id) {
			t.Fatalf("after the next sweep: category key %v, subject key %v; want destroyed, kept", e.hasKey(key), e.hasKey(id))
		}
		if n := e.count("SELECT COUNT(*) FROM pending_key_destructions"); n != 0 {
			t.Fatalf("%d still pending", n)
		}
	})
}
