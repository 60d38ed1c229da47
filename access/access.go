// Package access is supervised access to customer data (R-RES-2, R-RES-3, R-SUP-1): a
// support engineer asks for a time-bound grant on one tenant's data for a ticket; the
// customer's administrator approves (and, where the tenant asks for it, an operator manager
// too); the grant ends at its expiry, when the ticket is solved, when the customer revokes
// it, or when an approver loses the role. Every read under a grant is recorded and shown to
// the customer, and access from outside mainland China carries its legal basis and is
// counted per calendar year against the thresholds that change the transfer mechanism.
//
// The decision engine decides; this package supplies its HasGrant fact twice over: from an
// in-memory index for decisions (nanoseconds, no allocation) and from the database for
// reads, so that an end holds from the very next read on every instance (docs/access.md).
// It must never put a person's name, contact or free text in an error, a log line or an
// audit event: identifiers and codes only.
package access

import (
	"context"
	"time"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/mail"
)

// State is where a request stands. Denied, expired and ended are final.
type State string

const (
	StatePending State = "pending" // waiting for its approvals
	StateActive  State = "active"  // approved: the grant holds until it ends
	StateDenied  State = "denied"  // refused by an approver; final
	StateExpired State = "expired" // not approved in time; final
	StateEnded   State = "ended"   // the grant (or the unapproved request) ended; final
)

// Why a grant ended.
const (
	EndExpired          = "expired"           // its time ran out
	EndResolved         = "resolved"          // the ticket was solved
	EndRevoked          = "revoked"           // the customer (or the operator) revoked it
	EndApproverRevoked  = "approver_revoked"  // an approver's token was revoked: it lost the role
	EndRequesterRevoked = "requester_revoked" // the engineer's token was revoked
)

// Transfer mechanisms for access from abroad (PIPL art. 38; R-RES-3).
const (
	MechanismSecurityAssessment = "security_assessment"
	MechanismStandardContract   = "standard_contract"
	MechanismCertification      = "certification"
	MechanismExemption          = "exemption"
)

// Mechanisms lists the transfer mechanisms.
var Mechanisms = []string{MechanismSecurityAssessment, MechanismStandardContract, MechanismCertification, MechanismExemption}

// Consent bases for access from abroad: the subjects' separate consent (PIPL art. 39) or a
// documented exemption from it (art. 13).
const (
	ConsentSeparate  = "separate_consent"
	ConsentExemption = "exemption"
)

// EntityOperator is the employing entity of the operator's own staff; any other entity is
// a recipient of the policy.
const EntityOperator = "operator"

// Home is the country code of mainland China.
const Home = "CN"

// Transfer is the legal mechanism of access from abroad and the reference of its record
// (the assessment's approval, the contract's filing number, the certificate).
type Transfer struct {
	Mechanism string `json:"mechanism"`
	Reference string `json:"reference"`
	// Exemption names the policy's listed exemption when Mechanism is "exemption".
	Exemption string `json:"exemption,omitempty"`
}

// Consent is the subjects' separate consent to the transfer, or the documented exemption
// from it.
type Consent struct {
	Basis     string `json:"basis"`
	Reference string `json:"reference"`
}

// Recipient is the foreign recipient as the law requires the subject to be told of it
// (PIPL art. 39): name and contact; purpose and categories are the request's.
type Recipient struct {
	Name    string `json:"name"`
	Contact string `json:"contact"`
}

// Request is a request for access and, once approved, the grant it becomes.
type Request struct {
	ID       string `json:"id"`
	TenantID string `json:"tenant_id"`
	// RequesterToken is the token the grant is bound to: only it may read under the grant.
	RequesterToken string `json:"requester_token"`
	// Requester identifies the engineer (a staff number or name), for the customer.
	Requester     string   `json:"requester"`
	Entity        string   `json:"entity"`
	Country       string   `json:"country"`
	Ticket        string   `json:"ticket"`
	Categories    []string `json:"categories"`
	Purpose       string   `json:"purpose"`
	Justification string   `json:"justification"`
	// Duration is how long the grant lasts once approved.
	Duration  time.Duration `json:"-"`
	Transfer  *Transfer     `json:"transfer,omitempty"`
	Consent   *Consent      `json:"consent,omitempty"`
	Recipient *Recipient    `json:"recipient,omitempty"`
	// SecondApproval says an operator manager must approve too (the tenant's setting when
	// the request was made).
	SecondApproval     bool      `json:"second_approval"`
	State              State     `json:"state"`
	CreatedAt          time.Time `json:"created_at"`
	PendingUntil       time.Time `json:"pending_until"`
	CustomerApprover   string    `json:"customer_approver,omitempty"`
	CustomerApprovedAt time.Time `json:"customer_approved_at,omitzero"`
	OperatorApprover   string    `json:"operator_approver,omitempty"`
	OperatorApprovedAt time.Time `json:"operator_approved_at,omitzero"`
	StartsAt           time.Time `json:"starts_at,omitzero"`
	ExpiresAt          time.Time `json:"expires_at,omitzero"`
	EndedAt            time.Time `json:"ended_at,omitzero"`
	EndReason          string    `json:"end_reason,omitempty"`
	EndedBy            string    `json:"ended_by,omitempty"`
	// Version counts the request's changes; a change applies only to the version it read.
	Version int64 `json:"-"`
	// History is every state change, oldest first; it survives the end.
	History []Change `json:"history,omitempty"`
}

// Abroad reports whether the requester works outside mainland China, which makes the
// access a transfer abroad (R-RES-3).
func (r *Request) Abroad() bool { return r.Country != Home }

// Change is one entry of a request's history.
type Change struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Role   string    `json:"role"`
	Action string    `json:"action"`
	State  State     `json:"state"`
	Reason string    `json:"reason,omitempty"`
	// AuditIndex is the audit event that records the change, for inclusion proofs.
	AuditIndex int64 `json:"audit_index"`
}

// Grant is an active grant as the in-memory index holds it.
type Grant struct {
	ID         string
	Token      string
	TenantID   string
	Categories []string
	Purpose    string
	ExpiresAt  time.Time
}

// Read is one read of customer data under a grant (R-RES-2): who read what, when, and how
// many records, with the audit event that proves it was logged.
type Read struct {
	ID string `json:"id"`
	// GrantID is the request the grant came from.
	GrantID  string `json:"grant_id"`
	TenantID string `json:"tenant_id"`
	// Reader is the token that read, and ReaderLabel its label.
	Reader      string    `json:"reader"`
	ReaderLabel string    `json:"reader_label,omitempty"`
	Requester   string    `json:"requester"`
	Entity      string    `json:"entity"`
	Country     string    `json:"country"`
	At          time.Time `json:"at"`
	Categories  []string  `json:"categories"`
	Purpose     string    `json:"purpose,omitempty"`
	// Masked says the reader saw the masked form only.
	Masked     bool     `json:"masked"`
	Records    int      `json:"records"`
	SubjectIDs []string `json:"subject_ids,omitempty"`
	AuditIndex int64    `json:"audit_index"`
}

// Settings are a tenant's choices about supervised access.
type Settings struct {
	TenantID string `json:"tenant_id"`
	// SecondApproval asks for an operator manager's approval after the customer's.
	SecondApproval bool      `json:"second_approval"`
	UpdatedAt      time.Time `json:"updated_at,omitzero"`
}

// Filter selects requests; empty fields select all.
type Filter struct {
	TenantID       string
	RequesterToken string
	State          State
	Limit          int
}

// ReadFilter selects reads; empty fields select all.
type ReadFilter struct {
	TenantID string
	GrantID  string
	Since    time.Time
	Limit    int
}

// Tally counts the people whose PI a read from abroad reached, in one class of the calendar
// year, and raises an alert for each threshold the count crosses (R-RES-3).
type Tally struct {
	Year       int
	Class      string // "personal" (non-sensitive PI) or "sensitive"
	Thresholds []int64
	// Alert builds the audit event of a crossed threshold.
	Alert func(threshold, people int64) *auditlog.Event
}

// Classes of the yearly counts.
const (
	ClassPersonal  = "personal"
	ClassSensitive = "sensitive"
)

// Alert is a threshold crossed.
type Alert struct {
	Year       int       `json:"year"`
	Class      string    `json:"class"`
	Threshold  int64     `json:"threshold"`
	People     int64     `json:"people"`
	At         time.Time `json:"at"`
	AuditIndex int64     `json:"audit_index"`
}

// Due is a request a sweep must move on, and why.
type Due struct {
	Request *Request
	Reason  string // expired (pending or active), approver_revoked, requester_revoked
}

// Store keeps requests, their history, reads and counts. Every change appends its audit
// event, and queues its mail, in the same transaction.
type Store interface {
	CreateAccessRequest(ctx context.Context, r *Request, ch *Change, msgs []mail.Message, ev *auditlog.Event) error
	// AccessRequest reads a request with its history.
	AccessRequest(ctx context.Context, id string) (*Request, error)
	AccessRequests(ctx context.Context, f Filter) ([]Request, error)
	// UpdateAccessRequest stores r if the stored request is still at r.Version (else a
	// conflict), appends ch to its history, and, when the set of active grants changes,
	// bumps the index version; with its mail and audit event, in one transaction.
	UpdateAccessRequest(ctx context.Context, r *Request, ch *Change, grantsChanged bool, msgs []mail.Message, ev *auditlog.Event) error

	// ActiveGrants lists the grants active at now whose approvers still hold their tokens.
	ActiveGrants(ctx context.Context, now time.Time) ([]Grant, error)
	// AccessVersion is bumped by every change to the set of active grants.
	AccessVersion(ctx context.Context) (int64, error)
	// ConfirmGrant returns the id of an active grant of the token on the tenant covering the
	// category (and the purpose, unless purpose is ""), unexpired at now, whose approvers'
	// and requester's tokens are not revoked; "" if none.
	ConfirmGrant(ctx context.Context, tokenID, tenantID, category, purpose string, now time.Time) (string, error)
	AccessDue(ctx context.Context, now time.Time) ([]Due, error)

	// RecordAccessRead stores a read, the subjects it reached and its audit event, and for a
	// read from abroad counts the people and appends an alert per threshold crossed.
	RecordAccessRead(ctx context.Context, rd *Read, tally *Tally, ev *auditlog.Event) error
	AccessReads(ctx context.Context, f ReadFilter) ([]Read, error)
	AccessReadsOfSubject(ctx context.Context, subjectID string) ([]Read, error)
	AbroadCounts(ctx context.Context, year int) (map[string]int64, []Alert, error)

	// AccessSettings reads a tenant's settings (the defaults if never set); not found when
	// the tenant does not exist.
	AccessSettings(ctx context.Context, tenantID string) (Settings, error)
	PutAccessSettings(ctx context.Context, s Settings, ev *auditlog.Event) error
}
