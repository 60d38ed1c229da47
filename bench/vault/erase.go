package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/subject"
)

// eraseTarget makes a subject through the service, as the API would: its own data key,
// e-mail and mobile tokens, and three records.
func (b *bench) eraseTarget(ctx context.Context, k int) (string, error) {
	i := 2_000_000_000 + k
	id, err := b.svc.CreateSubject(ctx, auth.System, subject.NewSubject{TenantID: tenantID(k % benchTenants),
		Kind: subject.KindCustomerAdministrator, Email: benchEmail(i), Mobile: benchMobile(i)})
	if err != nil {
		return "", fmt.Errorf("create subject: %w", err)
	}
	recs := map[string]string{
		"administrator_data": string(recordPlain(i)),
		"support_data":       fmt.Sprintf(`{"contact_name":"Bench Contact %d","contact_email":%q,"description":"cannot reach the console from the office network"}`, i, benchEmail(i)),
		"registration_data":  fmt.Sprintf(`{"name":"Bench Registrant %d","email":%q,"company":"Bench Company Ltd."}`, i, benchEmail(i)),
	}
	for cat, body := range recs {
		if _, err := b.svc.PutRecord(ctx, auth.System, id, cat, []byte(body), ""); err != nil {
			return "", fmt.Errorf("put %s: %w", cat, err)
		}
	}
	return id, nil
}

func (b *bench) erase(ctx context.Context) error {
	c := b.c
	sizes := slices.Clone(c.eraseSubjects)
	slices.Sort(sizes)
	if err := b.fillTenants(ctx); err != nil {
		return err
	}
	type result struct {
		subjects int
		median   time.Duration
	}
	var results []result
	have, made := 0, 0
	for _, size := range sizes {
		if size > have {
			start := time.Now()
			if err := b.withBigCache(ctx, func() error {
				if err := b.fillSubjects(ctx, have, size); err != nil {
					return err
				}
				return b.fillVault(ctx, have, size)
			}); err != nil {
				return err
			}
			filled := time.Since(start)
			start = time.Now()
			if err := b.settle(ctx, []string{"subjects", "records", "lookup_tokens"}, []string{"subject_keys"}); err != nil {
				return err
			}
			fmt.Printf("fill: subjects %d..%d with a key, a record and a lookup token each in %.0fs, then %s in %.0fs\n",
				have, size, filled.Seconds(), settleWhat(c.engine), time.Since(start).Seconds())
			have = size
		}
		ns, err := b.count(ctx, "subjects")
		if err != nil {
			return err
		}
		nr, err := b.count(ctx, "records")
		if err != nil {
			return err
		}
		var nk int64
		if err := b.keys.DB.R.QueryRowContext(ctx, "SELECT count(*) FROM subject_keys").Scan(&nk); err != nil {
			return err
		}
		fmt.Printf("-- store of %d subjects, %d records, %d keys\n", ns, nr, nk)
		var all []time.Duration
		var repMedians []float64
		for r := range c.reps {
			targets := make([]string, c.erasures)
			for j := range targets {
				if targets[j], err = b.eraseTarget(ctx, made); err != nil {
					return err
				}
				made++
			}
			lat := make([]time.Duration, 0, len(targets))
			stop := deadline(c.repTime)
			for _, id := range targets {
				start := time.Now()
				if err := b.svc.Erase(ctx, auth.System, id); err != nil {
					return fmt.Errorf("erase: %w", err)
				}
				lat = append(lat, time.Since(start))
				if stop() {
					break
				}
			}
			for _, id := range targets[:len(lat)] {
				if err := b.erased(ctx, id); err != nil {
					return err
				}
			}
			all = append(all, lat...)
			m := pct(lat, 0.5)
			repMedians = append(repMedians, us(m))
			fmt.Printf("rep %d: %d erasures, median %.2fms, max %.2fms; load %s\n", r+1, len(lat), us(m)/1e3, us(pct(lat, 1))/1e3, load1())
		}
		res := result{subjects: size, median: time.Duration(median(repMedians) * 1e3)}
		results = append(results, res)
		fmt.Printf("summary erase %s: store of %d subjects: %.2fms per erasure (median of %d rep medians; all %d: p50 %.2fms, p90 %.2fms; load %s)\n",
			c.engine, res.subjects, us(res.median)/1e3, len(repMedians), len(all), us(pct(all, 0.5))/1e3, us(pct(all, 0.9))/1e3, load1())
	}
	if len(results) > 1 {
		first, last := results[0], results[len(results)-1]
		fmt.Printf("summary erase %s: ratio %d / %d subjects: %.2f× (store %.0f× larger)\n", c.engine, last.subjects, first.subjects,
			float64(last.median)/float64(first.median), float64(last.subjects)/float64(first.subjects))
	}
	return nil
}

// erased checks that an erasure did its work: no key, no records, a subject marked erased.
func (b *bench) erased(ctx context.Context, id string) error {
	if _, err := b.keys.Key(ctx, id); custos.KindOf(err) != custos.KindNotFound {
		return fmt.Errorf("erase %s: key still readable (%v)", id, err)
	}
	if _, err := b.db.Record(ctx, id, "administrator_data"); custos.KindOf(err) != custos.KindNotFound {
		return fmt.Errorf("erase %s: record still there (%v)", id, err)
	}
	s, err := b.db.Subject(ctx, id)
	if err != nil {
		return err
	}
	if s.ErasedAt.IsZero() || len(s.Profile) != 0 {
		return fmt.Errorf("erase %s: subject not marked erased", id)
	}
	return nil
}
