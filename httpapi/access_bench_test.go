package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"custos.dev/custos/auth"
	"custos.dev/custos/store/postgres/pgtest"
	"custos.dev/custos/store/sqldb"
)

// BenchmarkConfirmGrant measures the authoritative check a read under a grant makes: the
// database lookup of the caller's active grant among 10,000, with its approvers' tokens,
// on each engine. It is what keeps an end effective from the next read on every instance.
func BenchmarkConfirmGrant(b *testing.B) {
	for _, pg := range []bool{false, true} {
		name := "SQLite"
		if pg {
			name = "PostgreSQL"
		}
		b.Run(name, func(b *testing.B) {
			if pg {
				pgtest.DSN(b)
			}
			e := newEnvWith(b, envOptions{postgres: pg})
			ctx := context.Background()
			now := time.Now()
			fillGrants(b, e.db, 10_000, now)
			p := auth.Principal{TokenID: fmt.Sprintf("tk%014d", 5), Role: auth.RoleSupportEngineer, Location: "cn"}
			tenant := fmt.Sprintf("tn_bench_%03d", 5%100)
			b.ReportAllocs()
			for b.Loop() {
				id, err := e.access.Confirm(ctx, p, tenant, "customer_data", "troubleshooting", now)
				if err != nil || id == "" {
					b.Fatalf("Confirm = %q, %v", id, err)
				}
			}
		})
	}
}

// fillGrants writes n active grants over 100 tenants straight into the tables, one token
// per grant, approved by one customer-admin token per tenant.
func fillGrants(tb testing.TB, db *sqldb.DB, n int, now time.Time) {
	tb.Helper()
	ctx := context.Background()
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		for t := range 100 {
			if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)"), fmt.Sprintf("tn_bench_%03d", t), "bench", sqldb.Micros(now)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO tokens (id, hash, role, tenant, created_at) VALUES (?, ?, 'customer-admin', ?, ?)"),
				fmt.Sprintf("ca%014d", t), []byte(fmt.Sprintf("hash-ca-%d", t)), fmt.Sprintf("tn_bench_%03d", t), sqldb.Micros(now)); err != nil {
				return err
			}
		}
		for i := range n {
			tok := fmt.Sprintf("tk%014d", i)
			if _, err := tx.ExecContext(ctx, db.Q("INSERT INTO tokens (id, hash, role, created_at) VALUES (?, ?, 'support-engineer', ?)"),
				tok, []byte("hash-"+tok), sqldb.Micros(now)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO access_requests (id, tenant_id, requester_token, requester, entity, country,
				ticket, categories, purpose, justification, duration_s, state, created_at, pending_until, customer_approver,
				customer_approved_at, starts_at, expires_at) VALUES (?, ?, ?, 'e', 'operator', 'CN', 't', ',customer_data,',
				'troubleshooting', 'j', 28800, 'active', ?, ?, ?, ?, ?, ?)`),
				fmt.Sprintf("ar_bench_%06d", i), fmt.Sprintf("tn_bench_%03d", i%100), tok, sqldb.Micros(now), sqldb.Micros(now.Add(time.Hour)),
				fmt.Sprintf("ca%014d", i%100), sqldb.Micros(now), sqldb.Micros(now), sqldb.Micros(now.Add(8*time.Hour))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}
