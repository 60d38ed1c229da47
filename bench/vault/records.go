package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"custos.dev/custos/auth"
	"custos.dev/custos/subject"
	"custos.dev/custos/vault"
)

const addressUnit = "Room 1201, Building 3, No. 88 Jianguo Road, Chaoyang District, Beijing 100022, China; "

var benchAddress = strings.Repeat(addressUnit, 1000/len(addressUnit)+1)[:1000]

// recordFields is subject i's administrator_data: about 1.1 KB of JSON, 1 KB of it the
// address.
func recordFields(i int) map[string]string {
	return map[string]string{"name": fmt.Sprintf("Bench Administrator %d", i), "email": benchEmail(i),
		"mobile": benchMobile(i), "address": benchAddress}
}

// recordPlain is what the service seals for subject i's record: json.Marshal of the
// checked fields (keys sorted), which is also the request body.
func recordPlain(i int) []byte {
	b, _ := json.Marshal(recordFields(i))
	return b
}

// The associated data the service binds (subject/service.go: recordAD, profileAD).
func recordAD(id, category string) []byte { return []byte("record\x00" + id + "\x00" + category) }
func profileAD(id string) []byte          { return []byte("profile\x00" + id) }

type recordRep struct {
	put, masked, purpose       float64 // records/s
	seal, openRec, openProf    time.Duration
	putOp, maskedOp, purposeOp time.Duration
}

func (b *bench) records(ctx context.Context) error {
	c := b.c
	n := c.records
	const category = "administrator_data"
	t, err := b.svc.CreateTenant(ctx, auth.System, "Bench tenant")
	if err != nil {
		return err
	}
	ids := make([]string, c.reps*n)
	start := time.Now()
	for i := range ids {
		if ids[i], err = b.svc.CreateSubject(ctx, auth.System, subject.NewSubject{TenantID: t.ID,
			Kind: subject.KindCustomerAdministrator, Email: benchEmail(i), Mobile: benchMobile(i)}); err != nil {
			return fmt.Errorf("create subject: %w", err)
		}
	}
	el := time.Since(start)
	fmt.Printf("setup: %d subjects through Service.CreateSubject in %.1fs (%s/s; not part of the figures)\n",
		len(ids), el.Seconds(), fmtRate(float64(len(ids))/el.Seconds()))
	fmt.Printf("record: %s, %d bytes of JSON (address %d bytes), sealed %d bytes; key cache 10,000 keys (all hits)\n",
		category, len(recordPlain(0)), len(benchAddress), len(recordPlain(0))+33)

	if err := c.startProfile(); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var reps []recordRep
	for r := range c.reps {
		var rep recordRep
		sub := ids[r*n : (r+1)*n]
		bodies := make([][]byte, n)
		for j := range sub {
			bodies[j] = recordPlain(r*n + j)
		}

		// Writes: every record is new.
		done, stop := 0, deadline(c.repTime)
		start := time.Now()
		for j, id := range sub {
			created, err := b.svc.PutRecord(ctx, auth.System, id, category, bodies[j], "")
			if err != nil {
				return fmt.Errorf("put record: %w", err)
			}
			if !created {
				return fmt.Errorf("put record: %s already had one", id)
			}
			done++
			if stop() {
				break
			}
		}
		el := time.Since(start)
		rep.put, rep.putOp = float64(done)/el.Seconds(), el/time.Duration(done)
		written := (r*n + done)

		// Reads of records written so far, masked, then unmasked for a purpose the
		// decision engine allows an operator administrator (declared, contract basis).
		pick := make([]string, n)
		for j := range pick {
			pick[j] = ids[rng.IntN(written)]
		}
		for _, purpose := range []string{"", "manage_account"} {
			done, stop := 0, deadline(c.repTime)
			start := time.Now()
			for _, id := range pick {
				v, err := b.svc.GetRecord(ctx, auth.System, "cn", id, category, purpose)
				if err != nil {
					return fmt.Errorf("get record (purpose %q): %w", purpose, err)
				}
				if v.Masked != (purpose == "") || len(v.Fields) != 4 {
					return fmt.Errorf("get record (purpose %q): masked=%v, %d fields", purpose, v.Masked, len(v.Fields))
				}
				done++
				if stop() {
					break
				}
			}
			el := time.Since(start)
			if purpose == "" {
				rep.masked, rep.maskedOp = float64(done)/el.Seconds(), el/time.Duration(done)
			} else {
				rep.purpose, rep.purposeOp = float64(done)/el.Seconds(), el/time.Duration(done)
			}
		}

		// The AEAD alone, on the same bytes with the same associated data, in the same run.
		if err := b.cryptoAlone(sub, bodies, &rep); err != nil {
			return err
		}
		fmt.Printf("rep %d: put %s/s (%.0fµs), get masked %s/s (%.0fµs), get manage_account %s/s (%.0fµs); seal %.1fµs, open record %.1fµs, open profile %.1fµs; load %s\n",
			r+1, fmtRate(rep.put), us(rep.putOp), fmtRate(rep.masked), us(rep.maskedOp), fmtRate(rep.purpose), us(rep.purposeOp),
			us(rep.seal), us(rep.openRec), us(rep.openProf), load1())
		reps = append(reps, rep)
	}

	get := func(f func(recordRep) float64) float64 {
		xs := make([]float64, len(reps))
		for i, r := range reps {
			xs[i] = f(r)
		}
		return median(xs)
	}
	put := get(func(r recordRep) float64 { return r.put })
	masked := get(func(r recordRep) float64 { return r.masked })
	purpose := get(func(r recordRep) float64 { return r.purpose })
	// Crypto per operation: a write seals the record and opens the profile (PutRecord reads
	// the birth date); a masked read opens the record; a read for a purpose opens the
	// profile and the record.
	sharePut := get(func(r recordRep) float64 { return 100 * us(r.seal+r.openProf) / us(r.putOp) })
	shareMasked := get(func(r recordRep) float64 { return 100 * us(r.openRec) / us(r.maskedOp) })
	sharePurpose := get(func(r recordRep) float64 { return 100 * us(r.openProf+r.openRec) / us(r.purposeOp) })
	seal := get(func(r recordRep) float64 { return us(r.seal) })
	open := get(func(r recordRep) float64 { return us(r.openRec) })
	fmt.Printf("summary records %s: put %s records/s, get masked %s records/s, get for a purpose %s records/s (medians of %d reps of %d; load %s)\n",
		c.engine, fmtRate(put), fmtRate(masked), fmtRate(purpose), len(reps), n, load1())
	fmt.Printf("summary records %s: crypto share: %.1f%% of put, %.1f%% of masked get, %.1f%% of get for a purpose (seal 1.1 KB %.1fµs, open %.1fµs)\n",
		c.engine, sharePut, shareMasked, sharePurpose, seal, open)
	return nil
}

// cryptoAlone times DataKey.Seal of the records' bytes, and Open of the sealed records and
// of sealed profiles, with the same associated data and a data key per subject, made by
// the same KEK.
func (b *bench) cryptoAlone(ids []string, plains [][]byte, rep *recordRep) error {
	n := len(ids)
	keys := make([]*vault.DataKey, n)
	profiles := make([][]byte, n)
	for j, id := range ids {
		_, dk, err := b.kek.NewDataKey(id)
		if err != nil {
			return err
		}
		keys[j] = dk
		p, _ := json.Marshal(subject.Profile{Email: benchEmail(j), Mobile: benchMobile(j)})
		if profiles[j], err = dk.Seal(p, profileAD(id)); err != nil {
			return err
		}
	}
	// Five passes over the records, the median pass per operation: the machine is shared.
	sealed := make([][]byte, n)
	var seal, openRec, openProf []float64
	for range 5 {
		start := time.Now()
		for j, id := range ids {
			var err error
			if sealed[j], err = keys[j].Seal(plains[j], recordAD(id, "administrator_data")); err != nil {
				return err
			}
		}
		seal = append(seal, float64(time.Since(start))/float64(n))
		start = time.Now()
		for j, id := range ids {
			if _, err := keys[j].Open(sealed[j], recordAD(id, "administrator_data")); err != nil {
				return err
			}
		}
		openRec = append(openRec, float64(time.Since(start))/float64(n))
		start = time.Now()
		for j, id := range ids {
			if _, err := keys[j].Open(profiles[j], profileAD(id)); err != nil {
				return err
			}
		}
		openProf = append(openProf, float64(time.Since(start))/float64(n))
	}
	rep.seal, rep.openRec, rep.openProf = time.Duration(median(seal)), time.Duration(median(openRec)), time.Duration(median(openProf))
	return nil
}
