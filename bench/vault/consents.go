package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"time"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/consent"
)

// consentSubjects is how many subjects the grants go to.
const consentSubjects = 10_000

// singleGrants bounds a repetition of one grant per transaction, which is commit-bound.
const singleGrants = 5000

// grantEvent is subject/consents.go's consentEvent for a grant.
func grantEvent(by auth.Principal, tenant string, e *consent.Entry) *auditlog.Event {
	ev := &auditlog.Event{Actor: by.Actor(), Role: string(by.Role), Action: "consent." + string(e.Action), Tenant: tenant,
		Subject: e.SubjectID, Object: "consent/" + e.ConsentID, RIDs: []string{"R-PUR-2", "R-NOT-1"}, Time: e.At}
	ev.Details = map[string]string{"purpose": e.Purpose, "given_by": string(e.GivenBy), "channel": e.Channel,
		"statement_version": e.StatementVersion}
	if e.Category != "" {
		ev.Details["category"] = e.Category
	}
	if e.Separate {
		ev.Details["separate"] = "true"
	}
	return ev
}

func randomID(prefix string) string {
	var b [12]byte
	_, _ = crand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

type consentResult struct {
	prefill, batch int
	rate           float64
}

// runConsents measures each ledger size and batch size on a store of its own, so that
// every batch size starts from the same ledger.
func runConsents(ctx context.Context, c config) error {
	var results []consentResult
	for _, prefill := range c.prefill {
		for _, size := range c.batches {
			b, err := open(ctx, c)
			if err != nil {
				return err
			}
			rate, err := b.consents(ctx, prefill, size)
			b.close()
			if err != nil {
				return err
			}
			results = append(results, consentResult{prefill, size, rate})
		}
	}
	for _, prefill := range c.prefill {
		name := c.engine
		if c.label != "" {
			name += " [" + c.label + "]"
		}
		line := fmt.Sprintf("summary consents %s: ledger of %d rows:", name, prefill)
		best := 0.0
		for _, r := range results {
			if r.prefill != prefill {
				continue
			}
			line += fmt.Sprintf(" batch %d: %s grants/s,", r.batch, fmtRate(r.rate))
			if r.batch > 1 {
				best = max(best, r.rate)
			}
		}
		fmt.Printf("%s (medians of %d reps; load %s)\n", strings.TrimSuffix(line, ","), c.reps, load1())
		if c.engine == "sqlite" && best > 0 {
			verdict := "met"
			if best < 20000 {
				verdict = "NOT met"
			}
			fmt.Printf("summary consents %s: ledger of %d rows: goal 20,000 grants/s with batched commits: %s (best batched median %s/s)\n",
				name, prefill, verdict, fmtRate(best))
		}
	}
	return nil
}

// consents appends grants in transactions of size on a fresh store holding a ledger of
// prefill rows, and returns the median rate.
func (b *bench) consents(ctx context.Context, prefill, size int) (float64, error) {
	c := b.c
	subjects := max(consentSubjects, prefill/ledgerPerSubject)
	start := time.Now()
	if err := b.withBigCache(ctx, func() error {
		if err := b.fillTenants(ctx); err != nil {
			return err
		}
		if err := b.fillSubjects(ctx, 0, subjects); err != nil {
			return err
		}
		return b.fillLedger(ctx, 0, prefill/ledgerPerSubject)
	}); err != nil {
		return 0, err
	}
	if err := b.settle(ctx, []string{"tenants", "subjects", "consent_ledger"}, nil); err != nil {
		return 0, err
	}
	fmt.Printf("-- batch %d, fresh store: %d subjects, ledger of %d rows (filled in %.0fs); a grant is a ledger row plus its signed audit event, as GrantConsent writes them\n",
		size, subjects, prefill/ledgerPerSubject*ledgerPerSubject, time.Since(start).Seconds())
	rng := rand.New(rand.NewPCG(3, uint64(size)))
	total := c.grants
	if size == 1 {
		total = min(total, singleGrants)
	}
	nb := (total + size - 1) / size
	var rates []float64
	var seq uint64
	for r := range c.reps {
		// The batches are built before the clock starts: the store is measured.
		entries := make([][]*consent.Entry, nb)
		events := make([][]*auditlog.Event, nb)
		now := time.Now().UTC()
		for k := range nb {
			for range size {
				i := rng.IntN(subjects)
				p := ledgerPurposes[rng.IntN(len(ledgerPurposes))]
				id := randomID("cn_")
				if c.orderedIDs {
					seq++
					id = fmt.Sprintf("cn_ffff%020x", uint64(now.UnixNano())+seq)
				}
				e := &consent.Entry{ConsentID: id, SubjectID: subjectID(i), Action: consent.Grant, Purpose: p,
					Category: "administrator_data", Separate: p == "transfer_to_licensor" || p == "third_party_analytics",
					GivenBy: consent.BySubject, Channel: "web", StatementVersion: "4.0", At: now}
				entries[k] = append(entries[k], e)
				events[k] = append(events[k], grantEvent(auth.System, tenantID(i%benchTenants), e))
			}
		}
		rows, err := b.count(ctx, "consent_ledger")
		if err != nil {
			return 0, err
		}
		done, stop := 0, deadline(c.repTime)
		cpu0 := cpuTime()
		start := time.Now()
		for k := range nb {
			if err := b.db.AppendConsents(ctx, entries[k], events[k]); err != nil {
				return 0, fmt.Errorf("append consents: %w", err)
			}
			done += len(entries[k])
			if stop() {
				break
			}
		}
		el := time.Since(start)
		cpu := cpuTime() - cpu0
		rates = append(rates, float64(done)/el.Seconds())
		fmt.Printf("rep %d: %d grants from a ledger of %d rows: %s grants/s; this process's CPU %.1fµs per grant; load %s\n",
			r+1, done, rows, fmtRate(rates[r]), us(cpu)/float64(done), load1())
	}
	m := median(rates)
	fmt.Printf("batch %d on a ledger of %d rows: median %s grants/s (%s)\n", size, prefill, fmtRate(m), fmtRates(rates))
	return m, nil
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
