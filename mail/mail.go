// Package mail is how custos writes to people: bilingual messages (Chinese first, then
// English), a durable outbox that a domain change fills in the same transaction as the
// change itself, and an SMTP sender that delivers it with retries.
//
// Addresses are personal information: a queued message is sealed before it is stored, and
// nothing here logs an address, a subject line or a body.
package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"custos.dev/custos"
)

// Message is one e-mail.
type Message struct {
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	// Text is the plain-text body: Chinese first, then English (see Bilingual).
	Text string `json:"text"`
	// HTML is an optional HTML alternative of Text.
	HTML string `json:"html,omitempty"`
	// Key makes a message idempotent: queuing the same Key twice queues it once, and its
	// Message-ID is derived from it, so a receiver can drop a repeat delivery too. Empty
	// means a fresh key.
	Key string `json:"key,omitempty"`
}

// Bilingual joins a Chinese and an English text the way every custos mail does: Chinese
// first, a rule, then English.
func Bilingual(zh, en string) string {
	return strings.TrimRight(zh, "\n") + "\n\n----\n\n" + strings.TrimRight(en, "\n") + "\n"
}

// Validate checks a message before it is queued. Errors name the field, never the value.
func (m Message) Validate() error {
	if len(m.To) == 0 {
		return custos.FieldError(custos.KindInvalid, "to", "a message needs at least one recipient")
	}
	for i, a := range m.To {
		if err := checkAddress(a); err != nil {
			return custos.FieldError(custos.KindInvalid, "to["+strconv.Itoa(i)+"]", "not a plain e-mail address")
		}
	}
	if strings.TrimSpace(m.Subject) == "" {
		return custos.FieldError(custos.KindInvalid, "subject", "a message needs a subject")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return custos.FieldError(custos.KindInvalid, "subject", "a subject is one line")
	}
	if m.Text == "" {
		return custos.FieldError(custos.KindInvalid, "text", "a message needs a plain-text body")
	}
	return nil
}

// checkAddress accepts a bare address (no display name, no angle brackets).
func checkAddress(a string) error {
	p, err := mail.ParseAddress(a)
	if err != nil || p.Address != a || p.Name != "" {
		return fmt.Errorf("not a bare address")
	}
	return nil
}

// MessageID is the Message-ID header value (without angle brackets) for a key.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte("custos-mail\x00" + key))
	if domain == "" {
		domain = "custos.invalid"
	}
	return hex.EncodeToString(sum[:16]) + "@" + domain
}

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends through one SMTP server, with STARTTLS when the server offers it.
type SMTP struct {
	host    string
	port    int
	from    string
	domain  string
	timeout time.Duration
}

// NewSMTP returns a sender for the server at addr (HOST:PORT) with the envelope and header
// sender from.
func NewSMTP(addr, from string) (*SMTP, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return nil, custos.FieldError(custos.KindInvalid, "smtp", "must be HOST:PORT")
	}
	port, err := strconv.Atoi(p)
	if err != nil || port <= 0 || port > 65535 {
		return nil, custos.FieldError(custos.KindInvalid, "smtp", "port must be 1-65535")
	}
	if checkAddress(from) != nil {
		return nil, custos.FieldError(custos.KindInvalid, "mail_from", "must be a bare e-mail address")
	}
	domain := from[strings.LastIndexByte(from, '@')+1:]
	return &SMTP{host: host, port: port, from: from, domain: domain, timeout: 30 * time.Second}, nil
}

// Send delivers m. The error says what failed, never to whom.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To...); err != nil {
		return custos.FieldError(custos.KindInvalid, "to", "not a plain e-mail address")
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(MessageID(m.Key, s.domain))
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	c, err := gomail.NewClient(s.host, gomail.WithPort(s.port), gomail.WithTLSPolicy(gomail.TLSOpportunistic),
		gomail.WithTimeout(s.timeout), gomail.WithHELO("custos"))
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		// go-mail's errors may quote the server's reply to RCPT TO, which can echo the
		// address: keep only the kind of failure.
		return fmt.Errorf("mail: send through %s:%d failed: %s", s.host, s.port, sendFailure(err))
	}
	return nil
}

func sendFailure(err error) string {
	var se *gomail.SendError
	if errors.As(err, &se) {
		if se.IsTemp() {
			return "smtp " + se.Reason.String() + " (temporary)"
		}
		return "smtp " + se.Reason.String()
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return "timeout"
	}
	return "connection or protocol error"
}
