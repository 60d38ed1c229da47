package retention_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/policy"
	"custos.dev/custos/retention"
)

// R-RET-4: a termination is refused without the policy's notice lead time; declared, it
// publishes an announcement at once, the next sweep tells every affected subject (and
// only them), and at the date their accounts are cancelled, the clocks starting then.
func TestServiceTermination(t *testing.T) {
	engines(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, nil)
		ctx := context.Background()
		ended, other := e.tenant("ended"), e.tenant("other")
		a := e.subject(ended, "a@example.com", map[string]string{"registration_data": regRecord, "administrator_data": adminRecord})
		b := e.subject(ended, "", nil) // no e-mail: told by the announcement
		c := e.subject(other, "c@example.com", map[string]string{"registration_data": regRecord})
		svc := policy.Text{ZH: "示例云存储", EN: "Example Cloud Storage"}
		if _, err := e.ret.DeclareTermination(ctx, admin, retention.NewTermination{Service: svc, EndsAt: start.AddDate(0, 0, 29), TenantIDs: []string{ended}}); custos.KindOf(err) != custos.KindUnprocessable || custos.FieldOf(err) != "ends_at" {
			t.Fatalf("a termination 29 days ahead: %v, want refused on ends_at (the lead time is 30 days)", err)
		}
		if _, err := e.ret.DeclareTermination(ctx, officer, retention.NewTermination{Service: svc, EndsAt: start.AddDate(0, 2, 0), TenantIDs: []string{ended}}); custos.KindOf(err) != custos.KindForbidden {
			t.Fatalf("a privacy officer declared a termination: %v", err)
		}
		endsAt := start.AddDate(0, 2, 0)
		term, err := e.ret.DeclareTermination(ctx, admin, retention.NewTermination{Service: svc, EndsAt: endsAt, TenantIDs: []string{ended}})
		if err != nil {
			t.Fatal(err)
		}
		anns, err := e.ret.Announcements(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(anns) != 1 || anns[0].TerminationID != term.ID || !strings.Contains(anns[0].Title.ZH, "示例云存储") ||
			!strings.Contains(anns[0].Body.ZH, "2026年5月1日") || !strings.Contains(anns[0].Body.EN, "1 May 2026") {
			t.Fatalf("announcements = %+v", anns)
		}
		rep := e.sweep()
		if rep.Notified != 2 || rep.Cancelled != 0 {
			t.Fatalf("first sweep = %+v, want 2 subjects told, none cancelled", rep)
		}
		notices := e.events("termination.notify")
		channels := map[string]string{}
		for _, ev := range notices {
			channels[ev.Subject] = ev.Details["channel"]
		}
		if channels[a] != "email,announcement" || channels[b] != "announcement" || channels[c] != "" {
			t.Fatalf("notice channels = %v", channels)
		}
		if rep := e.sweep(); rep.Notified != 0 {
			t.Fatalf("a second sweep told subjects again: %+v", rep)
		}
		// One queued message, for the one subject with an address (delivery: app/retention_test.go).
		if n := e.count("SELECT COUNT(*) FROM mail_outbox"); n != 1 {
			t.Fatalf("%d messages queued, want 1", n)
		}
		e.clock.Set(endsAt.Add(-time.Second))
		if rep := e.sweep(); rep.Cancelled != 0 {
			t.Fatalf("subjects cancelled before the date: %+v", rep)
		}
		e.clock.Set(endsAt.Add(30 * time.Second))
		rep = e.sweep()
		if rep.Cancelled != 2 || rep.Deleted != 1 || rep.Erased != 1 {
			t.Fatalf("sweep at the date = %+v, want 2 cancelled, registration data deleted, the subject without data erased", rep)
		}
		if st := e.state(a); st.State != retention.StateCancelled || !st.Since.Equal(endsAt) {
			t.Fatalf("subject a is %s since %v, want cancelled since the termination date", st.State, st.Since)
		}
		if st := e.state(c); st.State != retention.StateActive || len(e.categories(c)) != 1 {
			t.Fatalf("a subject of another tenant was touched: %+v", st)
		}
		ts, err := e.ret.Terminations(ctx)
		if err != nil || len(ts) != 1 || ts[0].NotifiedAt.IsZero() || ts[0].EndedAt.IsZero() {
			t.Fatalf("terminations = %+v, %v", ts, err)
		}
		if got := len(e.events("termination.end")); got != 1 {
			t.Fatalf("%d end events", got)
		}
		e.verify()
	})
}
