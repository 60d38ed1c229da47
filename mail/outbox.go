package mail

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"custos.dev/custos"
)

// Sealer encrypts queued messages at rest (a vault data key).
type Sealer interface {
	Seal(plaintext, associatedData []byte) ([]byte, error)
	Open(ciphertext, associatedData []byte) ([]byte, error)
}

// Queued is a message as the outbox stores it: sealed, under an id derived from its Key.
type Queued struct {
	ID       string
	Sealed   []byte
	Attempts int
	NextAt   time.Time
}

// Store is the outbox's table. Queue rows are written by the domain's own transactions
// (see Seal); the outbox only reads due rows and records what happened to them.
type Store interface {
	// DueMail lists at most limit unsent, unfailed messages whose next attempt is due.
	DueMail(ctx context.Context, now time.Time, limit int) ([]Queued, error)
	// ClaimMail moves a due message's next attempt to until, if nobody else has (its
	// attempts and next attempt are still those read); it reports whether it did.
	ClaimMail(ctx context.Context, q Queued, until time.Time) (bool, error)
	// MailSent records a delivery and forgets the sealed message.
	MailSent(ctx context.Context, id string, at time.Time) error
	// MailFailed records a failed attempt: retried at next, or given up when next is zero.
	MailFailed(ctx context.Context, id string, attempts int, next time.Time, reason string, at time.Time) error
}

// ID is the outbox id of a message: from its Key, so that queuing it twice queues it once.
func ID(m Message) string {
	if m.Key == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		return "mail_" + hex.EncodeToString(b[:])
	}
	sum := sha256.Sum256([]byte("custos-outbox\x00" + m.Key))
	return "mail_" + hex.EncodeToString(sum[:16])
}

func outboxAD(id string) []byte { return []byte("mail-outbox\x00" + id) }

// Seal validates m and seals it for the outbox table under its id.
func Seal(s Sealer, m Message) (Queued, error) {
	if s == nil {
		return Queued{}, custos.Errorf(custos.KindUnavailable, "mail is not configured")
	}
	if err := m.Validate(); err != nil {
		return Queued{}, err
	}
	id := ID(m)
	if m.Key == "" {
		m.Key = id
	}
	plain, err := json.Marshal(m)
	if err != nil {
		return Queued{}, custos.Internal(fmt.Errorf("seal mail: %w", err))
	}
	sealed, err := s.Seal(plain, outboxAD(id))
	if err != nil {
		return Queued{}, custos.Internal(fmt.Errorf("seal mail: %w", err))
	}
	return Queued{ID: id, Sealed: sealed}, nil
}

// Outbox delivers queued mail.
type Outbox struct {
	Store  Store
	Sealer Sealer
	// Sender delivers; nil leaves mail queued (custos runs without --smtp).
	Sender Sender
	Log    *slog.Logger
	// MaxAttempts before a message is given up (default 30: with the backoff below, about
	// four days).
	MaxAttempts int
	// Batch is how many messages one pass sends at most (default 200).
	Batch int
	Now   func() time.Time
}

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Backoff is the wait after the n-th failed attempt (n ≥ 1): 30 s doubling, at most 4 h.
func Backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < 4*time.Hour; i++ {
		d *= 2
	}
	return min(d, 4*time.Hour)
}

// Deliver runs one pass: every due message is claimed, opened and sent. It returns how
// many were sent. A failed message is retried later; one pass never stops for one bad
// message.
func (o *Outbox) Deliver(ctx context.Context) (int, error) {
	if o.Sender == nil {
		return 0, nil
	}
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	maxAttempts, batch := o.MaxAttempts, o.Batch
	if maxAttempts <= 0 {
		maxAttempts = 30
	}
	if batch <= 0 {
		batch = 200
	}
	now := o.now()
	due, err := o.Store.DueMail(ctx, now, batch)
	if err != nil {
		return 0, fmt.Errorf("mail: due: %w", err)
	}
	sent := 0
	for _, q := range due {
		if ctx.Err() != nil {
			return sent, ctx.Err()
		}
		// Claim for longer than a send can take, so another instance's pass skips it.
		ok, err := o.Store.ClaimMail(ctx, q, now.Add(5*time.Minute))
		if err != nil {
			return sent, fmt.Errorf("mail: claim: %w", err)
		}
		if !ok {
			continue
		}
		attempts := q.Attempts + 1
		err = o.send(ctx, q)
		if err == nil {
			if err := o.Store.MailSent(ctx, q.ID, o.now()); err != nil {
				return sent, fmt.Errorf("mail: record sent: %w", err)
			}
			sent++
			continue
		}
		next := o.now().Add(Backoff(attempts))
		if attempts >= maxAttempts || custos.KindOf(err) == custos.KindInvalid {
			next = time.Time{}
		}
		log.Warn("mail delivery failed", "mail_id", q.ID, "attempt", attempts, "final", next.IsZero(), "reason", err.Error())
		if err := o.Store.MailFailed(ctx, q.ID, attempts, next, err.Error(), o.now()); err != nil {
			return sent, fmt.Errorf("mail: record failure: %w", err)
		}
	}
	return sent, nil
}

func (o *Outbox) send(ctx context.Context, q Queued) error {
	plain, err := o.Sealer.Open(q.Sealed, outboxAD(q.ID))
	if err != nil {
		return custos.Errorf(custos.KindInvalid, "queued message does not open")
	}
	var m Message
	if err := json.Unmarshal(plain, &m); err != nil {
		return custos.Errorf(custos.KindInvalid, "queued message does not decode")
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return o.Sender.Send(sctx, m)
}
