// Package dsr answers subjects' requests about their personal information: access,
// portability, correction, deletion, withdrawal or narrowing of consent, an explanation of
// the processing rules, account cancellation and complaints to the PI protection officer.
//
// A request is received, its subject's identity verified by a one-time code sent to an
// address custos already holds (R-DSR-5), and from verification a clock runs to the
// policy's deadline (R-DSR-6). Fulfilment runs as idempotent sweeps over the database, so a
// server killed half way finishes the work on its next run. Deletion destroys the subject's
// key, deletes the records, and instructs every recipient that received the data to delete
// it too, by signed webhooks retried until each confirms (R-DSR-4). A request is declined
// only on one of the eight grounds of the statement, with a written explanation and the
// external dispute route (R-DSR-7).
//
// It must never put PI (addresses, codes, correction values, complaint text) in an error
// message, a log line or an audit event; values a request carries are sealed with the
// subject's own key.
package dsr

import (
	"context"
	"slices"
	"time"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/mail"
)

// Type is what a subject asks for.
type Type string

const (
	TypeAccess       Type = "access"       // a copy of everything held
	TypePortability  Type = "portability"  // the same, machine-readable, for another handler
	TypeCorrection   Type = "correction"   // correct records (not real-name data, R-DSR-2)
	TypeDeletion     Type = "deletion"     // delete everything, and have recipients delete (R-DSR-3, R-DSR-4)
	TypeWithdrawal   Type = "withdrawal"   // withdraw a consent or narrow an authorisation
	TypeExplanation  Type = "explanation"  // explain the processing rules
	TypeCancellation Type = "cancellation" // cancel the account (R-RET-2)
	TypeComplaint    Type = "complaint"    // a complaint to the PI protection officer (R-CON-1)
)

// Types lists every type.
var Types = []Type{TypeAccess, TypePortability, TypeCorrection, TypeDeletion, TypeWithdrawal,
	TypeExplanation, TypeCancellation, TypeComplaint}

// State is where a request stands. The order is received → verifying → verified →
// in_progress → completed | declined | withdrawn.
type State string

const (
	StateReceived   State = "received"
	StateVerifying  State = "verifying"
	StateVerified   State = "verified"
	StateInProgress State = "in_progress"
	StateCompleted  State = "completed"
	StateDeclined   State = "declined"
	StateWithdrawn  State = "withdrawn"
)

// States lists every state in order.
var States = []State{StateReceived, StateVerifying, StateVerified, StateInProgress, StateCompleted, StateDeclined, StateWithdrawn}

// Open reports whether a request in this state still needs an answer.
func (s State) Open() bool { return s != StateCompleted && s != StateDeclined && s != StateWithdrawn }

// Ground is one of the eight grounds on which the statement lets a request be declined
// (R-DSR-7); nothing else is accepted.
type Ground string

const (
	GroundLegalObligation     Ground = "legal_obligation"     // 1) the handler's legal obligations
	GroundNationalSecurity    Ground = "national_security"    // 2) national security or defence
	GroundPublicInterest      Ground = "public_interest"      // 3) public safety, health or major public interest
	GroundCriminalProceedings Ground = "criminal_proceedings" // 4) criminal investigation, prosecution, trial or enforcement
	GroundAbuseOfRights       Ground = "abuse_of_rights"      // 5) evidence of the subject's malice or abuse of rights
	GroundLifeOrProperty      Ground = "life_or_property"     // 6) life or property when consent is hard to get
	GroundHarmToOthers        Ground = "harm_to_others"       // 7) serious harm to others' rights
	GroundTradeSecret         Ground = "trade_secret"         // 8) trade secrets
)

// Grounds lists the eight grounds in the statement's order, with their text.
var Grounds = []struct {
	Ground Ground
	ZH, EN string
}{
	{GroundLegalObligation, "与个人信息处理者履行法律法规规定的义务相关的", "related to the handler's obligations under laws and regulations"},
	{GroundNationalSecurity, "与国家安全、国防安全直接相关的", "directly related to national security or defence"},
	{GroundPublicInterest, "与公共安全、公共卫生、重大公共利益直接相关的", "directly related to public safety, public health or a major public interest"},
	{GroundCriminalProceedings, "与刑事侦查、起诉、审判和执行判决等直接相关的", "directly related to criminal investigation, prosecution, trial or enforcement of judgments"},
	{GroundAbuseOfRights, "个人信息处理者有充分证据表明个人信息主体存在主观恶意或滥用权利的", "the handler has sufficient evidence of the subject's malice or abuse of rights"},
	{GroundLifeOrProperty, "出于维护个人信息主体或其他个人的生命、财产等重大合法权益但又很难得到本人授权同意的", "protecting the life, property or other major rights of the subject or others when consent is hard to obtain"},
	{GroundHarmToOthers, "响应个人信息主体的请求将导致个人信息主体或其他个人、组织的合法权益受到严重损害的", "answering would seriously harm the lawful rights of the subject or of other persons or organisations"},
	{GroundTradeSecret, "涉及商业秘密的", "it involves trade secrets"},
}

// ValidGround reports whether g is one of the eight grounds.
func ValidGround(g Ground) bool {
	return slices.ContainsFunc(Grounds, func(x struct {
		Ground Ground
		ZH, EN string
	}) bool {
		return x.Ground == g
	})
}

// Request is one subject request.
type Request struct {
	ID        string `json:"id"`
	Type      Type   `json:"type"`
	SubjectID string `json:"subject_id,omitempty"`
	TenantID  string `json:"tenant_id,omitempty"`
	State     State  `json:"state"`
	// Channel is how the request came in (api, web, email, phone, paper, console, app).
	Channel string `json:"channel"`
	// By is who filed it: "subject", or the audit actor of the staff or customer-admin
	// token that filed it on the subject's behalf; ByRole is that token's role.
	By     string `json:"by"`
	ByRole string `json:"by_role,omitempty"`
	// RoutedTo is the customer (tenant) an end user's request about customer data is routed
	// to (R-INV-3); nothing substantive happens until InstructionAt is set.
	RoutedTo      string    `json:"routed_to,omitempty"`
	InstructionAt time.Time `json:"instruction_at,omitzero"`
	// Params are the request's parameters that hold no PI (category, consent id, purposes).
	Params Params `json:"params"`
	// Payload holds the parameters that may be PI (correction values, complaint text),
	// sealed with the subject's key; never shown in the API.
	Payload []byte `json:"-"`

	ReceivedAt time.Time `json:"received_at"`
	VerifiedAt time.Time `json:"verified_at,omitzero"`
	DueAt      time.Time `json:"due_at,omitzero"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
	// Step is how far fulfilment got (deletion: planned, erased).
	Step string `json:"step,omitempty"`
	// Reminded records the officer's reminders sent: "7d", "1d".
	Reminded7 bool `json:"-"`
	Reminded1 bool `json:"-"`
	// Locked is set when the verification code was mistyped too often (R-DSR-5).
	Locked bool `json:"locked,omitempty"`

	Decline *Decline `json:"decline,omitempty"`
	// Answer is the officer's written answer to an explanation or complaint.
	Answer string `json:"answer,omitempty"`

	// AccessHash is the SHA-256 of the key the verified subject follows the request with.
	AccessHash []byte `json:"-"`
	// Version guards concurrent updates (an instance sweeping while another answers).
	Version   int64     `json:"-"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Params are the non-PI parameters of a request.
type Params struct {
	// Category is the record a correction is about.
	Category string `json:"category,omitempty"`
	// Fields names the fields a correction changes (the values are sealed in Payload).
	Fields []string `json:"fields,omitempty"`
	// ConsentID is the consent a withdrawal ends; Purposes and Categories narrow instead:
	// every consent in force for those purposes (and, if given, categories) is withdrawn.
	ConsentID  string   `json:"consent_id,omitempty"`
	Purposes   []string `json:"purposes,omitempty"`
	Categories []string `json:"categories,omitempty"`
	// Format is what an access or portability package is delivered as: json, html or both
	// (the default).
	Format string `json:"format,omitempty"`
}

// Decline is why a request was declined (R-DSR-7).
type Decline struct {
	Ground      Ground    `json:"ground"`
	Explanation string    `json:"explanation"`
	Dispute     string    `json:"dispute_route"`
	At          time.Time `json:"at"`
	By          string    `json:"by"`
}

// History is one step of a request, as its subject sees it.
type History struct {
	RequestID string    `json:"-"`
	At        time.Time `json:"at"`
	Action    string    `json:"action"`
	State     State     `json:"state"`
	// Note is a short non-PI note (a ground, a recipient's name, a count).
	Note string `json:"note,omitempty"`
	By   string `json:"by"`
}

// Verification is the one-time code of a request (R-DSR-5): stored hashed, valid for a
// while, a few tries.
type Verification struct {
	RequestID string
	Hash      []byte
	ExpiresAt time.Time
	Attempts  int
	SentAt    time.Time
}

// Disclosure records that a subject's data (of some categories) went to a recipient of the
// policy's register, on a legal basis.
type Disclosure struct {
	ID         string    `json:"id"`
	SubjectID  string    `json:"subject_id"`
	TenantID   string    `json:"tenant_id"`
	Recipient  string    `json:"recipient"`
	Categories []string  `json:"categories"`
	Basis      string    `json:"basis"`
	Purpose    string    `json:"purpose,omitempty"`
	At         time.Time `json:"at"`
	By         string    `json:"recorded_by"`
}

// Endpoint is where a recipient takes deletion instructions: a webhook URL and its
// Standard Webhooks secret, sealed at rest.
type Endpoint struct {
	Recipient string    `json:"recipient"`
	URL       string    `json:"url"`
	Wrapped   []byte    `json:"-"` // the endpoint's data key, wrapped by the KEK
	Secret    []byte    `json:"-"` // the secret, sealed with that key
	UpdatedAt time.Time `json:"updated_at"`
	By        string    `json:"updated_by"`
}

// Instruction is one deletion instruction to one recipient (R-DSR-4).
type Instruction struct {
	// ID is the webhook-id and the recipient's idempotency key.
	ID         string    `json:"id"`
	RequestID  string    `json:"request_id"`
	Recipient  string    `json:"recipient"`
	SubjectID  string    `json:"subject_id"`
	TenantID   string    `json:"tenant_id"`
	Categories []string  `json:"categories"`
	State      string    `json:"state"` // pending, confirmed
	Attempts   int       `json:"attempts"`
	NextAt     time.Time `json:"next_at,omitzero"`
	LastStatus int       `json:"last_status,omitempty"`
	LastError  string    `json:"last_error,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	// ConfirmedAt is when the recipient confirmed; Confirmation the HTTP status it did so with.
	ConfirmedAt  time.Time `json:"confirmed_at,omitzero"`
	Confirmation int       `json:"confirmation,omitempty"`
	Version      int64     `json:"-"`
}

// Instruction states.
const (
	InstructionPending   = "pending"
	InstructionConfirmed = "confirmed"
)

// Attempt is the outcome of one delivery of an instruction.
type Attempt struct {
	Instruction *Instruction
	Events      []*auditlog.Event
	History     []History
}

// Download is a one-time link to an access or portability package.
type Download struct {
	Hash      []byte // SHA-256 of the link's secret
	RequestID string
	SubjectID string
	Format    string // json or html
	ExpiresAt time.Time
	UsedAt    time.Time
}

// Change is everything one step writes, in one transaction: the request's new row (guarded
// by its version), its code, instructions, a download link, mail for the outbox, audit
// events and history.
type Change struct {
	Request      *Request
	Verification *Verification
	// CodeSends are the rate-limit keys a code was sent under.
	CodeSends    []string
	Instructions []*Instruction
	Downloads    []*Download
	Mail         []mail.Message
	Events       []*auditlog.Event
	History      []History
}

// Filter selects requests for the officer's queue.
type Filter struct {
	States    []State
	DueBefore time.Time
	TenantID  string // a customer's administrator sees only its own
	SubjectID string
	Limit     int
	Now       time.Time // overdue (due before Now) first
}

// Store keeps requests, their codes, history, disclosures, recipients' endpoints and
// deletion instructions. Every change carries its audit events, in one transaction.
type Store interface {
	// CreateRequest inserts c.Request and writes the rest of c.
	CreateRequest(ctx context.Context, c *Change) error
	// UpdateRequest writes c.Request if its version is still the one read (and bumps it),
	// and the rest of c; a stale version is a conflict.
	UpdateRequest(ctx context.Context, c *Change) error
	Request(ctx context.Context, id string) (*Request, error)
	Requests(ctx context.Context, f Filter) ([]Request, error)
	// OpenRequests lists requests still to be worked on, soonest due first, after the
	// cursor (dueAt, id) — zero for the first page.
	OpenRequests(ctx context.Context, dueAt time.Time, id string, limit int) ([]Request, error)
	RequestHistory(ctx context.Context, id string) ([]History, error)
	// UnverifiedBefore lists requests received before t whose subject never proved who
	// they are (received or verifying), oldest first.
	UnverifiedBefore(ctx context.Context, t time.Time, limit int) ([]Request, error)
	// PruneCodeSends forgets code sends older than t (the rate limits look back an hour).
	PruneCodeSends(ctx context.Context, t time.Time) error

	Verification(ctx context.Context, requestID string) (*Verification, error)
	// CountCodeSends counts codes sent under a rate-limit key since a time.
	CountCodeSends(ctx context.Context, key string, since time.Time) (int, error)

	AddDisclosure(ctx context.Context, d *Disclosure, ev *auditlog.Event) error
	Disclosures(ctx context.Context, subjectID string) ([]Disclosure, error)

	PutEndpoint(ctx context.Context, e *Endpoint, ev *auditlog.Event) error
	Endpoint(ctx context.Context, recipient string) (*Endpoint, error)

	Instructions(ctx context.Context, requestID string) ([]Instruction, error)
	// DueInstructions lists pending instructions whose next attempt is due.
	DueInstructions(ctx context.Context, now time.Time, limit int) ([]Instruction, error)
	// ClaimInstructions moves the next attempt of each due instruction whose version is
	// unchanged to until, in one transaction, so that one worker delivers it; it returns
	// those this caller won.
	ClaimInstructions(ctx context.Context, ins []*Instruction, until time.Time) ([]*Instruction, error)
	// RecordAttempts writes attempts' outcomes in one transaction, each guarded by its
	// version (a stale one is skipped: another worker owns it now), with the events and
	// history of the outcomes written.
	RecordAttempts(ctx context.Context, attempts []Attempt) error

	Download(ctx context.Context, hash []byte) (*Download, error)
	// UseDownload marks a link used, once: false if it was already.
	UseDownload(ctx context.Context, hash []byte, at time.Time, ev *auditlog.Event) (bool, error)
}
