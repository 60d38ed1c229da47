package dsr

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
)

// Deletion instructions are webhooks in the Standard Webhooks convention
// (https://www.standardwebhooks.com): headers webhook-id (the instruction's id, also the
// recipient's idempotency key), webhook-timestamp (Unix seconds) and webhook-signature
// ("v1," + base64 HMAC-SHA256 of "id.timestamp.body" under the endpoint's secret), so a
// recipient verifies them with any Standard Webhooks library. A 200 or 204 answer confirms
// the deletion; anything else (202 included: received, not yet done) is retried with
// exponential backoff, for as long as it takes, each attempt on the same id and body.

// SecretPrefix starts a Standard Webhooks secret: whsec_ and base64 of the key bytes.
const SecretPrefix = "whsec_"

// Sign returns the webhook-signature header of a message.
func Sign(secret, id string, ts int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return "", fmt.Errorf("webhook secret is not whsec_ and base64")
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, ts)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// NewSecret makes a webhook secret of 32 random bytes.
func NewSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return SecretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// Body is the JSON a recipient receives.
type Body struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      BodyData  `json:"data"`
}

// BodyData says what to delete.
type BodyData struct {
	InstructionID string   `json:"instruction_id"`
	RequestID     string   `json:"request_id"`
	SubjectID     string   `json:"subject_id"`
	TenantID      string   `json:"tenant_id,omitempty"`
	Recipient     string   `json:"recipient"`
	Categories    []string `json:"categories"`
}

// EventType is the type of a deletion instruction.
const EventType = "subject.deletion_requested"

func body(in *Instruction) []byte {
	b, _ := json.Marshal(Body{Type: EventType, Timestamp: in.CreatedAt.UTC().Truncate(time.Second), Data: BodyData{
		InstructionID: in.ID, RequestID: in.RequestID, SubjectID: in.SubjectID, TenantID: in.TenantID,
		Recipient: in.Recipient, Categories: in.Categories}})
	return b
}

func (s *Service) backoff(attempts int) time.Duration {
	base, ceil := orDefault(s.RetryBase, 30*time.Second), orDefault(s.RetryMax, 6*time.Hour)
	d := base
	for i := 1; i < attempts && d < ceil; i++ {
		d *= 2
	}
	d = min(d, ceil)
	// ±10% jitter, so that recipients that were down are not hit all at once.
	j, _ := rand.Int(rand.Reader, big.NewInt(int64(d/5)+1))
	return d - d/10 + time.Duration(j.Int64())
}

// Deliver sends every due deletion instruction once, Concurrency at a time, and records
// each outcome; requests whose last recipient confirmed are completed. It returns how
// many instructions were confirmed. Instructions are claimed a chunk at a time in one
// transaction and the chunk's outcomes written in one more: a pass killed between the calls
// and the writing leaves them claimed until the claim runs out, then they go again under the
// same id, which the recipient applies once.
func (s *Service) Deliver(ctx context.Context) (int, error) {
	due, err := s.Store.DueInstructions(ctx, s.now(), 1000)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	endpoints := map[string]*endpointSecret{}
	for _, in := range due {
		if _, ok := endpoints[in.Recipient]; ok {
			continue
		}
		ep, err := s.openEndpoint(ctx, in.Recipient)
		if err != nil && !gone(err) {
			return 0, err
		}
		endpoints[in.Recipient] = ep // nil: no endpoint registered
	}
	timeout := orDefault(s.DeliverTimeout, 10*time.Second)
	n := orDefault(s.Concurrency, 8)
	confirmed := 0
	done := map[string]bool{}
	// Chunks of 64: one transaction claims a chunk, the calls run n at a time, one more
	// transaction records the outcomes. The claim lasts as long as the chunk's calls can.
	const chunk = 64
	for start := 0; start < len(due); start += chunk {
		ins := make([]*Instruction, 0, chunk)
		for i := start; i < min(len(due), start+chunk); i++ {
			ins = append(ins, &due[i])
		}
		lease := time.Duration((len(ins)+n-1)/n)*timeout + 5*time.Second
		won, err := s.Store.ClaimInstructions(ctx, ins, s.now().Add(lease))
		if err != nil {
			return confirmed, err
		}
		attempts := make([]Attempt, len(won))
		sem := make(chan struct{}, n)
		var wg sync.WaitGroup
		for i, in := range won {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				attempts[i] = s.attempt(ctx, in, endpoints[in.Recipient], timeout)
			}()
		}
		wg.Wait()
		if err := s.Store.RecordAttempts(ctx, attempts); err != nil {
			return confirmed, err
		}
		for _, a := range attempts {
			if a.Instruction.State == InstructionConfirmed {
				confirmed++
				done[a.Instruction.RequestID] = true
			}
		}
	}
	var errs []error
	for id := range done {
		if err := s.Advance(ctx, id); err != nil && custos.KindOf(err) != custos.KindConflict {
			errs = append(errs, err)
		}
	}
	return confirmed, errors.Join(errs...)
}

type endpointSecret struct {
	url    string
	secret string
}

func (s *Service) openEndpoint(ctx context.Context, recipient string) (*endpointSecret, error) {
	e, err := s.Store.Endpoint(ctx, recipient)
	if err != nil {
		return nil, err
	}
	dk, err := s.Subjects.KEKForSecrets().Unwrap(EndpointKeyID(recipient), e.Wrapped)
	if err != nil {
		return nil, custos.Internal(fmt.Errorf("unwrap endpoint key of %s: %w", recipient, err))
	}
	sec, err := dk.Open(e.Secret, endpointAD(recipient))
	if err != nil {
		return nil, custos.Internal(fmt.Errorf("open endpoint secret of %s: %w", recipient, err))
	}
	return &endpointSecret{url: e.URL, secret: string(sec)}, nil
}

// EndpointKeyID is the id under which a recipient endpoint's data key is wrapped by the KEK.
func EndpointKeyID(recipient string) string { return "endpoint:" + recipient }
func endpointAD(recipient string) []byte    { return []byte("webhook-secret\x00" + recipient) }

// attempt calls the recipient once and returns the outcome to record.
func (s *Service) attempt(ctx context.Context, in *Instruction, ep *endpointSecret, timeout time.Duration) Attempt {
	status, callErr := 0, error(nil)
	if ep == nil {
		callErr = errors.New("no endpoint registered for this recipient (PUT /v1/recipients/{name}/endpoint)")
	} else {
		status, callErr = s.call(ctx, ep, in, timeout)
	}
	now := s.now()
	in.Attempts++
	in.LastStatus = status
	if callErr == nil && (status == http.StatusOK || status == http.StatusNoContent) {
		in.State, in.ConfirmedAt, in.Confirmation, in.LastError = InstructionConfirmed, now, status, ""
		ev := &auditlog.Event{Actor: "custos", Action: "dsr.recipient_confirmed", Tenant: in.TenantID, Subject: in.SubjectID,
			Object: "request/" + in.RequestID, RIDs: []string{"R-DSR-4"},
			Details: map[string]string{"recipient": in.Recipient, "instruction": in.ID, "status": strconv.Itoa(status), "attempts": strconv.Itoa(in.Attempts)}}
		h := History{RequestID: in.RequestID, At: now, Action: "recipient_confirmed", State: StateInProgress, Note: in.Recipient, By: in.Recipient}
		return Attempt{Instruction: in, Events: []*auditlog.Event{ev}, History: []History{h}}
	}
	switch {
	case callErr != nil:
		in.LastError = callErr.Error()
	case status == http.StatusAccepted:
		in.LastError = "accepted, deletion not yet confirmed"
	default:
		in.LastError = "HTTP " + strconv.Itoa(status)
	}
	if len(in.LastError) > 200 {
		in.LastError = in.LastError[:200]
	}
	in.NextAt = now.Add(s.backoff(in.Attempts))
	s.log().InfoContext(ctx, "deletion instruction attempt failed", "request", in.RequestID, "recipient", in.Recipient,
		"status", status, "attempts", in.Attempts, "next_at", in.NextAt)
	return Attempt{Instruction: in}
}

func (s *Service) call(ctx context.Context, ep *endpointSecret, in *Instruction, timeout time.Duration) (int, error) {
	b := body(in)
	ts := s.now().Unix()
	sig, err := Sign(ep.secret, in.ID, ts, b)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.url, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "custos-webhooks/1")
	req.Header.Set("webhook-id", in.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	client := s.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return 0, fmt.Errorf("%s: %v", ue.Op, ue.Err) // no URL in the stored error
		}
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	return res.StatusCode, nil
}

// PutEndpoint registers (or replaces) where a recipient of the policy's register takes
// deletion instructions. The secret is sealed at rest under the vault's KEK; an empty one
// is generated. It returns the secret only when it generated it.
func (s *Service) PutEndpoint(ctx context.Context, by auth.Principal, recipient, rawURL, sec string) (*Endpoint, string, error) {
	known := false
	for _, r := range s.Policy.Recipients() {
		known = known || r.Name == recipient
	}
	if !known {
		return nil, "", custos.FieldError(custos.KindNotFound, "name", "not a recipient of the policy's register")
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return nil, "", custos.FieldError(custos.KindInvalid, "url", "want an http(s) URL without credentials")
	}
	generated := ""
	if sec == "" {
		sec = NewSecret()
		generated = sec
	}
	if k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sec, SecretPrefix)); err != nil || !strings.HasPrefix(sec, SecretPrefix) || len(k) < 24 || len(k) > 64 {
		return nil, "", custos.FieldError(custos.KindInvalid, "secret", "want whsec_ and base64 of 24 to 64 bytes (Standard Webhooks)")
	}
	wrapped, dk, err := s.Subjects.KEKForSecrets().NewDataKey(EndpointKeyID(recipient))
	if err != nil {
		return nil, "", custos.Internal(err)
	}
	sealed, err := dk.Seal([]byte(sec), endpointAD(recipient))
	if err != nil {
		return nil, "", custos.Internal(err)
	}
	e := &Endpoint{Recipient: recipient, URL: u.String(), Wrapped: wrapped, Secret: sealed, UpdatedAt: s.now(), By: by.Actor()}
	ev := &auditlog.Event{Actor: by.Actor(), Role: string(by.Role), Action: "recipient.endpoint_put", Object: "recipient/" + recipient,
		RIDs: []string{"R-DSR-4", "R-SHR-1"}}
	if err := s.Store.PutEndpoint(ctx, e, ev); err != nil {
		return nil, "", err
	}
	return e, generated, nil
}
