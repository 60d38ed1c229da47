package access

import (
	"fmt"
	"testing"
	"time"

	"custos.dev/custos/policy"
)

func indexOf(tb testing.TB, n int, now time.Time) (*Index, *policy.Engine) {
	tb.Helper()
	eng := policy.Default()
	grants := make([]Grant, n)
	for i := range grants {
		grants[i] = Grant{ID: fmt.Sprintf("ar_%d", i), Token: fmt.Sprintf("%016x", i*7919), TenantID: fmt.Sprintf("tn_%032x", i%977),
			Categories: []string{"customer_data"}, Purpose: "troubleshooting", ExpiresAt: now.Add(time.Hour)}
	}
	var x Index
	x.store(build(eng, grants, 1))
	return &x, eng
}

// R-RES-2, R-SUP-1: the index answers for the token, tenant, category and purpose granted,
// until the grant's end and not a moment after.
func TestIndexHolds(t *testing.T) {
	now := time.Now()
	x, eng := indexOf(t, 100, now)
	cd, _ := eng.CategoryByName("customer_data")
	sd, _ := eng.CategoryByName("support_data")
	ts, _ := eng.PurposeByName("troubleshooting")
	sm, _ := eng.PurposeByName("service_monitoring")
	tok, tn := fmt.Sprintf("%016x", 5*7919), fmt.Sprintf("tn_%032x", 5)
	cases := []struct {
		name  string
		token string
		ten   string
		c     policy.Category
		p     policy.Purpose
		at    time.Time
		want  bool
	}{
		{"Granted", tok, tn, cd, ts, now, true},
		{"OtherTenant", tok, fmt.Sprintf("tn_%032x", 6), cd, ts, now, false},
		{"OtherToken", fmt.Sprintf("%016x", 6*7919), tn, cd, ts, now, false},
		{"OtherCategory", tok, tn, sd, ts, now, false},
		{"OtherPurpose", tok, tn, cd, sm, now, false},
		{"AtTheEnd", tok, tn, cd, ts, now.Add(time.Hour), false},
		{"OutOfRange", tok, tn, 40, ts, now, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := x.Holds(c.token, c.ten, c.c, c.p, c.at.UnixNano()); got != c.want {
				t.Fatalf("Holds = %v, want %v", got, c.want)
			}
		})
	}
	if x.Len() != 100 {
		t.Fatalf("Len %d", x.Len())
	}
	var empty Index
	if empty.Holds(tok, tn, cd, ts, now.UnixNano()) {
		t.Fatal("an empty index holds a grant")
	}
}

// BenchmarkDecide measures what the grant check adds to a decision: the same question
// decided with HasGrant given (the decision alone), and with HasGrant read from an index of
// 10,000 active grants first, for a holder and for a caller without a grant.
func BenchmarkDecide(b *testing.B) {
	now := time.Now()
	x, eng := indexOf(b, 10_000, now)
	cd, _ := eng.CategoryByName("customer_data")
	ts, _ := eng.PurposeByName("troubleshooting")
	q := policy.Question{Role: policy.RoleSupportEngineer, ActorAbroad: true, Category: cd, Purpose: ts,
		SubjectTenant: fmt.Sprintf("tn_%032x", 5), State: policy.StateActive, RealNameVerified: true}
	holder, stranger := fmt.Sprintf("%016x", 5*7919), "ffffffffffffffff"
	nanos := now.UnixNano()
	var sink policy.Decision
	b.Run("WithoutGrantCheck", func(b *testing.B) {
		q.HasGrant = true
		b.ReportAllocs()
		for b.Loop() {
			sink = eng.Decide(&q)
		}
	})
	b.Run("WithGrantCheck10k/Holder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			q.HasGrant = x.Holds(holder, q.SubjectTenant, cd, ts, nanos)
			sink = eng.Decide(&q)
		}
		if !sink.Allow {
			b.Fatal("the holder was denied")
		}
	})
	b.Run("WithGrantCheck10k/NoGrant", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			q.HasGrant = x.Holds(stranger, q.SubjectTenant, cd, ts, nanos)
			sink = eng.Decide(&q)
		}
		if sink.Allow {
			b.Fatal("a caller without a grant was allowed")
		}
	})
	_ = sink
}
