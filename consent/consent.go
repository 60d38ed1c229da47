// Package consent is the consent ledger: every grant and withdrawal of a subject's consent,
// with the purpose (and optionally the category), the statement version shown, the channel,
// the time, who gave it (the subject or a guardian) and whether it was a separate consent
// (单独同意). The ledger is append-only; the current state is derived from it, and the
// decision engine reads that state on every decision, so a withdrawal holds for the very
// next one (R-PUR-2, R-NOT-1, R-MIN-1).
//
// It must never store PI: purposes, channels and identifiers only.
package consent

import (
	"context"
	"slices"
	"time"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/policy"
)

// Action is what a ledger entry does.
type Action string

const (
	Grant    Action = "grant"
	Withdraw Action = "withdraw"
)

// GivenBy says who consented.
type GivenBy string

const (
	BySubject  GivenBy = "subject"
	ByGuardian GivenBy = "guardian"
)

// Channels consent may come through.
var Channels = []string{"web", "app", "email", "phone", "paper", "api", "console"}

// Entry is one row of the ledger.
type Entry struct {
	Seq              int64     `json:"seq"`
	ConsentID        string    `json:"consent_id"`
	SubjectID        string    `json:"subject_id"`
	Action           Action    `json:"action"`
	Purpose          string    `json:"purpose"`
	Category         string    `json:"category,omitempty"`
	Separate         bool      `json:"separate"`
	GivenBy          GivenBy   `json:"given_by"`
	Channel          string    `json:"channel"`
	StatementVersion string    `json:"statement_version"`
	At               time.Time `json:"at"`
}

// Store appends to the ledger and reads a subject's history. Appends carry their audit
// events in the same transaction.
type Store interface {
	AppendConsents(ctx context.Context, entries []*Entry, events []*auditlog.Event) error
	// ConsentHistory is a subject's ledger in order. Its cost depends on that subject's
	// entries only, never on the size of the ledger.
	ConsentHistory(ctx context.Context, subjectID string) ([]Entry, error)
}

// Current derives the consents in force from a subject's history: the grants that no
// later withdrawal of the same consent ID ended, in the order granted.
func Current(history []Entry) []Entry {
	withdrawn := map[string]bool{}
	for _, e := range history {
		if e.Action == Withdraw {
			withdrawn[e.ConsentID] = true
		}
	}
	var out []Entry
	for _, e := range history {
		if e.Action == Grant && !withdrawn[e.ConsentID] {
			out = append(out, e)
		}
	}
	return out
}

// Apply fills the decision engine's consent facts from the consents in force: each grant
// counts for its purpose, for its category or for every category, and as a separate
// consent when it was one. A guardian's grant also records the guardian's consent to a
// minor's use of the services (R-MIN-1). Grants naming purposes or categories the policy
// no longer has are ignored.
func Apply(eng *policy.Engine, current []Entry, q *policy.Question) {
	q.Consents.Reset()
	for _, e := range current {
		if e.GivenBy == ByGuardian {
			q.GuardianConsent = true
		}
		p, ok := eng.PurposeByName(e.Purpose)
		if !ok {
			continue
		}
		if e.Category == "" {
			q.Consents.GrantAll(p, e.Separate)
			continue
		}
		if c, ok := eng.CategoryByName(e.Category); ok {
			q.Consents.Grant(c, p, e.Separate)
		}
	}
}

// Active reports whether a consent ID is in force in a history.
func Active(history []Entry, consentID string) (Entry, bool) {
	current := Current(history)
	i := slices.IndexFunc(current, func(e Entry) bool { return e.ConsentID == consentID })
	if i < 0 {
		return Entry{}, false
	}
	return current[i], true
}
