package retention

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/policy"
)

// Report says what one sweep did.
type Report struct {
	Deleted    int `json:"deleted"`    // records deleted
	Anonymised int `json:"anonymised"` // records anonymised
	Erased     int `json:"erased"`     // subjects whose key was destroyed and who are gone
	Notified   int `json:"notified"`   // subjects told of a service termination
	Cancelled  int `json:"cancelled"`  // subjects cancelled by a service termination
}

// Sweep does everything that is due: service-termination notices and ends, then every
// record whose retention period has ended (deleted or anonymised as the policy says),
// then every subject with nothing left (its key destroyed). Each step is a conditional
// change in one transaction with its audit events, so a sweep that stops half way, killed
// or failed, is completed by the next one; two sweeps at once change nothing twice.
func (s *Service) Sweep(ctx context.Context) (Report, error) {
	var rep Report
	now := s.now()
	if err := s.sweepTerminations(ctx, now, &rep); err != nil {
		return rep, fmt.Errorf("retention sweep: terminations: %w", err)
	}
	for _, r := range s.rules() {
		if err := s.sweepRule(ctx, r, now, &rep); err != nil {
			return rep, fmt.Errorf("retention sweep: %s %s: %w", r.category, r.state, err)
		}
	}
	// Deleted records' category keys, including any a killed sweep left behind.
	if err := s.destroyPendingKeys(ctx); err != nil {
		return rep, fmt.Errorf("retention sweep: destroy keys: %w", err)
	}
	if err := s.finishSubjects(ctx, now, &rep); err != nil {
		return rep, fmt.Errorf("retention sweep: erase subjects: %w", err)
	}
	if rep != (Report{}) {
		s.log().InfoContext(ctx, "retention sweep", "deleted", rep.Deleted, "anonymised", rep.Anonymised,
			"erased", rep.Erased, "notified", rep.Notified, "cancelled", rep.Cancelled)
	}
	return rep, nil
}

func (s *Service) sweepRule(ctx context.Context, r rule, now time.Time, rep *Report) error {
	q := r.query(now)
	q.At, q.Limit = now, s.batch()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		recs, err := s.Store.DueRecords(ctx, q)
		if err != nil {
			return err
		}
		var due []DueRecord
		for _, d := range recs {
			if at, _ := r.dueAt(d); !at.After(now) {
				due = append(due, d)
			}
		}
		if len(due) > 0 {
			n, err := s.apply(ctx, r, due, now)
			if err != nil {
				return err
			}
			if r.action == policy.ActionAnonymise {
				rep.Anonymised += n
			} else {
				rep.Deleted += n
			}
		}
		if len(recs) < q.Limit {
			return nil
		}
		last := recs[len(recs)-1]
		q.AfterClock, q.AfterSubject = last.Clock, last.SubjectID
	}
}

func (s *Service) recordEvent(action string, r rule, d DueRecord) *auditlog.Event {
	rids := r.rids
	if r.state == StateTrial {
		rids = append([]string{"R-RET-5"}, rids...)
	}
	ev := sweepEvent(action, d.TenantID, d.SubjectID, "record/"+d.SubjectID+"/"+d.Category, appendUnique(rids, "R-RET-3")...)
	ev.Details = map[string]string{"category": d.Category, "state": d.State, "rule": r.describe(),
		"clock_start": d.Clock.UTC().Format(time.RFC3339)}
	return ev
}

func appendUnique(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(append([]string(nil), list...), s)
}

// apply deletes or anonymises one batch of due records.
func (s *Service) apply(ctx context.Context, r rule, due []DueRecord, now time.Time) (int, error) {
	if r.action != policy.ActionAnonymise {
		evs := make([]*auditlog.Event, len(due))
		for i, d := range due {
			evs[i] = s.recordEvent("retention.delete", r, d)
		}
		return s.Store.DeleteRecords(ctx, due, now, evs)
	}
	out := make([]Anonymised, len(due))
	evs := make([]*auditlog.Event, len(due))
	month := now.Format("2006-01")
	for i, d := range due {
		fields, err := s.Vault.RecordFields(ctx, d.SubjectID, d.Category)
		if err != nil && custos.KindOf(err) != custos.KindNotFound {
			return 0, err
		}
		// A record whose key is gone decrypts to nothing: nothing of it is kept.
		out[i] = Anonymised{ID: randomID(), Category: d.Category, Month: month, Fields: AnonymiseFields(s.Policy, r.cat, fields)}
		evs[i] = s.recordEvent("retention.anonymise", r, d)
	}
	return s.Store.AnonymiseRecords(ctx, due, out, now, evs)
}

// randomID is an anonymised record's key: random, so that it says nothing of when or from
// whom the record came.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "an_" + hex.EncodeToString(b[:])
}

// destroyPendingKeys destroys the category keys of records already deleted: the record's
// ciphertext may live on in backups, and without its key it opens no more (R-RET-3).
func (s *Service) destroyPendingKeys(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		keys, err := s.Store.PendingKeyDestructions(ctx, s.batch())
		if err != nil || len(keys) == 0 {
			return err
		}
		if err := s.Keys.DestroyKeys(ctx, keys); err != nil {
			return err
		}
		for _, k := range keys {
			s.Vault.ForgetKey(k)
		}
		if err := s.Store.KeysDestroyed(ctx, keys); err != nil {
			return err
		}
		if len(keys) < s.batch() {
			return nil
		}
	}
}

// finishSubjects destroys the keys of subjects with nothing left and marks them gone.
// The key goes first: once it is destroyed nothing of the subject decrypts, and a sweep
// killed before the mark finds the subject again and finishes it.
func (s *Service) finishSubjects(ctx context.Context, now time.Time, rep *Report) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		subs, err := s.Store.DueSubjects(ctx, now, s.batch())
		if err != nil || len(subs) == 0 {
			return err
		}
		ids := make([]string, len(subs))
		evs := make([]*auditlog.Event, len(subs))
		for i, d := range subs {
			ids[i] = d.SubjectID
			to := StateErased
			if d.Anonymised {
				to = StateAnonymised
			}
			rids := []string{"R-RET-3"}
			if d.State == StateTrial {
				rids = append(rids, "R-RET-5")
			}
			evs[i] = sweepEvent("retention.erase_subject", d.TenantID, d.SubjectID, "subject/"+d.SubjectID, rids...)
			evs[i].Details = map[string]string{"from": d.State, "to": to, "key": "destroyed"}
		}
		if err := s.Keys.DestroyKeys(ctx, ids); err != nil {
			return err
		}
		for _, id := range ids {
			s.Vault.ForgetKeys(id)
		}
		n, err := s.Store.FinishSubjects(ctx, subs, now, evs)
		if err != nil {
			return err
		}
		rep.Erased += n
		if n == 0 || len(subs) < s.batch() {
			return nil
		}
	}
}
