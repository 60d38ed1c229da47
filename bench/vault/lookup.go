package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"custos.dev/custos/consent"
)

// count returns the rows of a table of the data store.
func (b *bench) count(ctx context.Context, table string) (int64, error) {
	var n int64
	err := b.db.R.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n)
	return n, err
}

// plan prints how the engine runs a query.
func (b *bench) plan(ctx context.Context, query string, args ...any) error {
	prefix := "EXPLAIN QUERY PLAN "
	if b.c.engine == "postgres" {
		prefix = "EXPLAIN "
	}
	rows, err := b.db.R.QueryContext(ctx, prefix+b.db.Q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var lines []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		lines = append(lines, strings.TrimSpace(vals[len(vals)-1].String))
	}
	fmt.Printf("plan: %s\n", strings.Join(lines, " | "))
	return rows.Err()
}

const historyQuery = `SELECT seq, consent_id, action, purpose, category, separate, given_by, channel, statement_version, at
		FROM consent_ledger WHERE subject_id = ? ORDER BY seq`

func (b *bench) lookup(ctx context.Context) error {
	c := b.c
	sizes := slices.Clone(c.lookupRows)
	slices.Sort(sizes)
	if err := b.fillTenants(ctx); err != nil {
		return err
	}
	type result struct {
		rows     int
		p50, p99 time.Duration
	}
	var results []result
	have := 0 // subjects filled
	rng := rand.New(rand.NewPCG(5, 6))
	for _, rows := range sizes {
		want := max(1, rows/ledgerPerSubject)
		if want > have {
			start := time.Now()
			if err := b.withBigCache(ctx, func() error {
				if err := b.fillSubjects(ctx, have, want); err != nil {
					return err
				}
				return b.fillLedger(ctx, have, want)
			}); err != nil {
				return err
			}
			filled := time.Since(start)
			start = time.Now()
			if err := b.settle(ctx, []string{"subjects", "consent_ledger"}, nil); err != nil {
				return err
			}
			fmt.Printf("fill: subjects %d..%d and their %d ledger rows in %.0fs (%s rows/s), then %s in %.0fs\n",
				have, want, (want-have)*ledgerPerSubject, filled.Seconds(),
				fmtRate(float64((want-have)*(ledgerPerSubject+1))/filled.Seconds()), settleWhat(c.engine), time.Since(start).Seconds())
			have = want
		}
		n, err := b.count(ctx, "consent_ledger")
		if err != nil {
			return err
		}
		fmt.Printf("-- ledger of %d rows, %d subjects (10 rows each: 8 grants, 2 withdrawals)\n", n, have)
		if err := b.plan(ctx, historyQuery, subjectID(0)); err != nil {
			return err
		}
		look := func(id string) (time.Duration, error) {
			start := time.Now()
			h, err := b.db.ConsentHistory(ctx, id)
			if err != nil {
				return 0, err
			}
			cur := consent.Current(h)
			el := time.Since(start)
			if len(h) != ledgerPerSubject || len(cur) != 6 {
				return 0, fmt.Errorf("subject %s: %d entries, %d current; want 10 and 6", id, len(h), len(cur))
			}
			return el, nil
		}
		for range min(1000, c.lookups) { // warm-up
			if _, err := look(subjectID(rng.IntN(have))); err != nil {
				return err
			}
		}
		var p50s, p99s []float64
		for r := range c.reps {
			lat := make([]time.Duration, 0, c.lookups)
			stop := deadline(c.repTime)
			for range c.lookups {
				d, err := look(subjectID(rng.IntN(have)))
				if err != nil {
					return err
				}
				lat = append(lat, d)
				if stop() {
					break
				}
			}
			p50, p99 := pct(lat, 0.50), pct(lat, 0.99)
			p50s, p99s = append(p50s, us(p50)), append(p99s, us(p99))
			fmt.Printf("rep %d: %d lookups, p50 %.0fµs, p99 %.0fµs; load %s\n", r+1, len(lat), us(p50), us(p99), load1())
		}
		res := result{rows: int(n), p50: time.Duration(median(p50s) * 1e3), p99: time.Duration(median(p99s) * 1e3)}
		results = append(results, res)
		fmt.Printf("summary lookup %s: %d ledger rows (%d subjects): p50 %.0fµs, p99 %.0fµs (medians of %d reps of %d random subjects; load %s)\n",
			c.engine, res.rows, have, us(res.p50), us(res.p99), c.reps, c.lookups, load1())
	}
	if len(results) > 1 {
		first, last := results[0], results[len(results)-1]
		fmt.Printf("summary lookup %s: ratio %d rows / %d rows: p50 %.2f×, p99 %.2f× (ledger %.0f× larger)\n",
			c.engine, last.rows, first.rows, float64(last.p50)/float64(first.p50), float64(last.p99)/float64(first.p99),
			float64(last.rows)/float64(first.rows))
	}
	return nil
}

func settleWhat(engine string) string {
	if engine == "postgres" {
		return "VACUUM (ANALYZE), CHECKPOINT and sync"
	}
	return "WAL checkpoint and sync"
}
