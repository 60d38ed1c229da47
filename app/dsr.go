package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"custos.dev/custos/access"
	"custos.dev/custos/dsr"
)

// openRequests wires subject requests (package dsr) to the store, the vault and the mail
// outbox. The verification codes' hashes are keyed with a key derived from the vault's
// token key, which every instance on one database shares.
func (a *App) openRequests() error {
	raw, err := os.ReadFile(a.Config.VaultTokenKeyPath())
	if err != nil {
		return fmt.Errorf("subject requests: %w", err)
	}
	m := hmac.New(sha256.New, raw)
	m.Write([]byte("custos subject request codes v1"))
	public := a.Config.PublicURL
	if public == "" {
		public = "http://" + a.Config.Addr
	}
	a.Requests = &dsr.Service{Store: a.db, Subjects: a.Subjects, Policy: a.Policy, CodeKey: m.Sum(nil),
		OfficerEmail: a.Config.OfficerEmail, PublicURL: public, Log: a.Log,
		RetryBase: a.Config.WebhookRetryBase, HTTP: &http.Client{Timeout: 30 * time.Second}}
	if a.Retention != nil {
		a.Requests.Canceller = a.Retention // account cancellation (R-RET-2)
	}
	if a.Access != nil {
		a.Requests.Reads = grantReads{a.Access}
	}
	return nil
}

// grantReads gives access packages the reads under supervised-access grants.
type grantReads struct{ s *access.Service }

func (g grantReads) ReadsOfSubject(ctx context.Context, subjectID string) ([]dsr.GrantRead, error) {
	reads, err := g.s.ReadsOfSubject(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	out := make([]dsr.GrantRead, 0, len(reads))
	for _, r := range reads {
		actor := r.Reader
		if r.ReaderLabel != "" {
			actor += " (" + r.ReaderLabel + ")"
		}
		out = append(out, dsr.GrantRead{At: r.At, GrantID: r.GrantID, Actor: actor, Entity: r.Entity, Country: r.Country,
			Categories: r.Categories, Purpose: r.Purpose})
	}
	return out, nil
}

// SweepRequests runs one pass over subject requests: every fulfilment step that can be
// taken, the officer's reminders, then the deletion instructions due.
func (a *App) SweepRequests(ctx context.Context) error {
	_, err := a.Requests.Sweep(ctx)
	_, derr := a.Requests.Deliver(ctx)
	return errors.Join(err, derr)
}
