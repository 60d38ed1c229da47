// Package retention keeps the statement's promises about how long personal information
// lives: the lifecycle of subjects and tenants (active, trial, cancelled, on legal hold,
// erased, anonymised), the policy's retention clocks, and the sweep that deletes or
// anonymises what has expired, on time, across restarts and across instances.
//
//   - R-RET-2: a cancelled subject is restricted at once: the decision engine reads the
//     subject's state on every decision, and allows only retained uses (storage, security,
//     legal duties); cancellation starts every category's clock.
//   - R-RET-3: when a category's period ends, its records are deleted, or anonymised as the
//     policy declares per field; when a subject has nothing left, its key is destroyed.
//   - R-RET-4: a service termination is announced and mailed before its date, then its
//     subjects are cancelled and their data follows the policy.
//   - R-RET-5: trials have their own period.
//
// Legal holds suspend every deletion of the subjects they name, and network logs are kept
// at least six months whatever the policy says (NetworkLogFloor).
//
// The sweep is idempotent: every step is a conditional change in one transaction with its
// audit event, so a sweep killed half way is completed by the next one. This package must
// never log, audit or return in an error a PI value, and never reach into a store engine.
package retention

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"
	"time"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/policy"
)

// Lifecycle states of a subject (and of a tenant, which has no erased states).
const (
	StateActive     = "active"
	StateTrial      = "trial"
	StateCancelled  = "cancelled"
	StateLegalHold  = "legal_hold" // shown, never stored: a hold is an overlay on a state
	StateErased     = "erased"
	StateAnonymised = "anonymised"
)

// NetworkLogFloor is how long network logs are kept at least, from their last write,
// whatever the policy says (Cybersecurity Law art. 21: no less than six months).
var NetworkLogFloor = policy.Duration{Months: 6}

// NetworkLogCategories are the categories that hold network logs.
var NetworkLogCategories = []string{"diagnostic_data"}

// SubjectState is a subject's place in its lifecycle.
type SubjectState struct {
	ID           string
	TenantID     string
	State        string
	Since        time.Time
	TrialEndsAt  time.Time
	ErasedAt     time.Time
	AnonymisedAt time.Time
}

// TenantState is a tenant's place in its lifecycle.
type TenantState struct {
	ID          string
	State       string
	Since       time.Time
	TrialEndsAt time.Time
}

// Transition moves one subject from one of From to To, if it is in one of them.
type Transition struct {
	SubjectID   string
	From        []string
	To          string
	At          time.Time
	TrialEndsAt time.Time
	Event       *auditlog.Event
}

// TenantTransition moves a tenant, and each of its subjects in one of From, to To.
type TenantTransition struct {
	TenantID    string
	From        []string
	To          string
	At          time.Time
	TrialEndsAt time.Time
	Event       *auditlog.Event
	// SubjectEvent makes the audit event of each subject moved.
	SubjectEvent func(subjectID string) *auditlog.Event
}

// Hold is a legal hold: deletion of the named subjects is suspended until it is lifted or
// ends.
type Hold struct {
	ID         string    `json:"id"`
	SubjectIDs []string  `json:"subject_ids"`
	Reason     string    `json:"reason"`
	PlacedBy   string    `json:"placed_by"`
	PlacedAt   time.Time `json:"placed_at"`
	EndsAt     time.Time `json:"ends_at"`
	LiftedAt   time.Time `json:"lifted_at,omitzero"`
}

// Active reports whether the hold suspends deletion at t.
func (h *Hold) Active(t time.Time) bool { return h.LiftedAt.IsZero() && t.Before(h.EndsAt) }

// DueQuery selects records whose retention clock started at or before ClockBefore, for
// one category of subjects in one state. The clock is the cancellation time (cancelled),
// the trial's end (trial) or the record's last write (active).
type DueQuery struct {
	// SubjectID, when set, limits the query to one subject.
	SubjectID   string
	Category    string
	State       string
	ClockBefore time.Time
	// UpdatedBefore, when set, also requires the record's last write at or before it (the
	// network-log floor).
	UpdatedBefore time.Time
	// At is the time at which legal holds are judged; IncludeHeld keeps held subjects (the
	// schedule shows them, the sweep skips them).
	At          time.Time
	IncludeHeld bool
	// After continues a previous page (keyset on clock, subject).
	AfterClock   time.Time
	AfterSubject string
	Limit        int
}

// DueRecord is a record a DueQuery found.
type DueRecord struct {
	SubjectID string
	TenantID  string
	Category  string
	State     string
	Clock     time.Time
	UpdatedAt time.Time
	Held      bool
}

// DueSubject is a subject with no records left whose lifecycle says it should go.
type DueSubject struct {
	SubjectID    string
	TenantID     string
	State        string
	Anonymised   bool // some of its data left as anonymised records
	ClockStarted time.Time
}

// Anonymised is what anonymisation keeps of one record: no subject, no tenant, no key.
type Anonymised struct {
	ID       string            `json:"id"`
	Category string            `json:"category"`
	Month    string            `json:"month"` // YYYY-MM of the anonymisation
	Fields   map[string]string `json:"fields"`
}

// Termination is a service an operator ends on a date (R-RET-4).
type Termination struct {
	ID         string      `json:"id"`
	Service    policy.Text `json:"service"`
	AllTenants bool        `json:"all_tenants"`
	TenantIDs  []string    `json:"tenant_ids,omitempty"`
	EndsAt     time.Time   `json:"ends_at"`
	DeclaredBy string      `json:"declared_by"`
	DeclaredAt time.Time   `json:"declared_at"`
	NotifiedAt time.Time   `json:"notified_at,omitzero"`
	EndedAt    time.Time   `json:"ended_at,omitzero"`
}

// Announcement is a public notice (R-RET-4), Chinese first.
type Announcement struct {
	ID            string      `json:"id"`
	Kind          string      `json:"kind"`
	Title         policy.Text `json:"title"`
	Body          policy.Text `json:"body"`
	TerminationID string      `json:"termination_id,omitempty"`
	PublishedAt   time.Time   `json:"published_at"`
}

// Notice is one e-mail to one subject, delivered through the mail outbox in the same
// transaction that records it. Key makes it delivered once.
type Notice struct {
	SubjectID string
	To        string
	Subject   string
	Text      string
	Key       string
}

// Store keeps lifecycle state, holds, terminations and announcements, and applies the
// sweep's changes. Every change appends its audit events in the same transaction, and
// every change is conditional, so that applying it twice changes nothing the second time.
type Store interface {
	SubjectState(ctx context.Context, id string) (*SubjectState, error)
	TenantState(ctx context.Context, id string) (*TenantState, error)
	Transition(ctx context.Context, t Transition) (bool, error)
	TransitionTenant(ctx context.Context, t TenantTransition) (int, error)

	PlaceHold(ctx context.Context, h *Hold, ev *auditlog.Event) error
	LiftHold(ctx context.Context, id string, at time.Time, ev *auditlog.Event) (bool, error)
	Hold(ctx context.Context, id string) (*Hold, error)
	// Holds lists holds active at t, or every hold if all.
	Holds(ctx context.Context, at time.Time, all bool) ([]*Hold, error)

	DueRecords(ctx context.Context, q DueQuery) ([]DueRecord, error)
	// DueSubjects lists live subjects, not held at now, with no records left, that are
	// cancelled, or in a trial that ended at or before now.
	DueSubjects(ctx context.Context, now time.Time, limit int) ([]DueSubject, error)
	// DeleteRecords deletes the records, each only if its subject is still in the state it
	// was found in and not held at at.
	DeleteRecords(ctx context.Context, recs []DueRecord, at time.Time, evs []*auditlog.Event) (int, error)
	// AnonymiseRecords stores what anonymisation keeps and deletes the records, under the
	// same conditions as DeleteRecords.
	AnonymiseRecords(ctx context.Context, recs []DueRecord, out []Anonymised, at time.Time, evs []*auditlog.Event) (int, error)
	// FinishSubjects removes the lookup tokens and sealed profiles of subjects whose keys
	// are destroyed, and marks them erased or anonymised.
	FinishSubjects(ctx context.Context, subs []DueSubject, at time.Time, evs []*auditlog.Event) (int, error)
	AnonymisedRecords(ctx context.Context, category string, limit int) ([]Anonymised, error)
	// PendingKeyDestructions lists the category keys of deleted records still to be
	// destroyed (DeleteRecords and AnonymiseRecords queue them in their transaction);
	// KeysDestroyed clears them once destroyed.
	PendingKeyDestructions(ctx context.Context, limit int) ([]string, error)
	KeysDestroyed(ctx context.Context, keys []string) error

	// DeclareTermination stores a termination and publishes its announcement.
	DeclareTermination(ctx context.Context, t *Termination, ann *Announcement, ev *auditlog.Event) error
	Terminations(ctx context.Context) ([]*Termination, error)
	// Unnotified lists live subjects a termination affects that have no notice yet.
	Unnotified(ctx context.Context, terminationID string, limit int) ([]string, error)
	// RecordNotices records that subjects were told and queues their e-mail, in one
	// transaction.
	RecordNotices(ctx context.Context, terminationID string, subjectIDs []string, notices []Notice, at time.Time, evs []*auditlog.Event) error
	MarkNotified(ctx context.Context, terminationID string, at time.Time, ev *auditlog.Event) error
	// Affected lists live subjects a termination affects in one of states.
	Affected(ctx context.Context, terminationID string, states []string, limit int) ([]string, error)
	MarkEnded(ctx context.Context, terminationID string, at time.Time, ev *auditlog.Event) error
	Announcements(ctx context.Context, limit int) ([]*Announcement, error)
}

// Vault is what retention needs of the vault: a record in full (to anonymise it), a
// subject's e-mail address (to notify it) and forgetting a cached key.
type Vault interface {
	RecordFields(ctx context.Context, subjectID, category string) (map[string]string, error)
	ContactEmail(ctx context.Context, subjectID string) (string, error)
	// ForgetKey drops one key (a category's) from the cache; ForgetKeys all of a subject's.
	ForgetKey(id string)
	ForgetKeys(subjectID string)
}

// KeyDestroyer destroys subjects' data keys in the key store; destroying a key that is
// already gone is not an error.
type KeyDestroyer interface {
	DestroyKeys(ctx context.Context, subjectIDs []string) error
}

// Service is the lifecycle and the sweep.
type Service struct {
	Store  Store
	Vault  Vault
	Keys   KeyDestroyer
	Policy *policy.Engine
	Now    func() time.Time
	// Batch is how many records or subjects one transaction handles (default 500).
	Batch int
	Log   *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func (s *Service) batch() int {
	if s.Batch <= 0 {
		return 500
	}
	return s.Batch
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// sweepActor is the actor of the sweep's audit events.
const sweepActor = "job:retention"

func event(by auth.Principal, action, tenant, subject, object string, rids ...string) *auditlog.Event {
	return &auditlog.Event{Actor: by.Actor(), Role: string(by.Role), Action: action, Tenant: tenant,
		Subject: subject, Object: object, RIDs: rids}
}

func sweepEvent(action, tenant, subject, object string, rids ...string) *auditlog.Event {
	return &auditlog.Event{Actor: sweepActor, Role: "service", Action: action, Tenant: tenant,
		Subject: subject, Object: object, RIDs: rids}
}

// reasonCode is what a reason may look like to be copied into the audit log: a code or an
// identifier (a request ID), never free text that might carry PI.
var reasonCode = regexp.MustCompile(`^[A-Za-z0-9_.:/-]{1,100}$`)

func withReason(ev *auditlog.Event, reason string) *auditlog.Event {
	if ev.Details == nil {
		ev.Details = map[string]string{}
	}
	switch {
	case reason == "":
	case reasonCode.MatchString(reason):
		ev.Details["reason"] = reason
	default:
		ev.Details["reason_given"] = "true"
	}
	return ev
}

// newID returns prefix and 16 random bytes in hex.
func newID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
