// Package custos holds the vocabulary shared by every layer: the kinds of error and the
// error type that carries a public message apart from its private cause.
//
// It must never import another custos package, and a public message must never contain
// personal information: it is shown to callers and written to logs.
package custos

import (
	"errors"
	"fmt"
)

// Kind is the kind of an error; the HTTP layer maps each to one status code and one
// problem type, so callers can rely on it.
type Kind string

const (
	KindInvalid         Kind = "invalid"         // malformed input: 400
	KindUnprocessable   Kind = "unprocessable"   // well-formed but refused by a rule: 422
	KindNotFound        Kind = "not_found"       // 404
	KindConflict        Kind = "conflict"        // 409
	KindForbidden       Kind = "forbidden"       // 403: the role may not call this
	KindDenied          Kind = "denied"          // 403: the decision engine refused the purpose
	KindUnauthenticated Kind = "unauthenticated" // 401
	KindTooLarge        Kind = "too_large"       // 413
	KindRateLimited     Kind = "rate_limited"    // 429: too many tries; wait and try again
	KindUnavailable     Kind = "unavailable"     // 503
	KindInternal        Kind = "internal"        // 500
)

// Error is custos's error: a kind, a public message, optionally the field it is about, and a
// private cause that is logged but never shown.
type Error struct {
	Kind    Kind
	Message string // public, no PI
	Field   string // the JSON path or flag the error is about, if any
	Cause   error  // private
}

func (e *Error) Error() string {
	s := string(e.Kind) + ": " + e.Message
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Cause }

// Errorf returns an *Error of the given kind with a formatted public message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an *Error about one field of the input.
func FieldError(kind Kind, field, message string) *Error {
	return &Error{Kind: kind, Field: field, Message: message}
}

// Internal wraps a cause as an internal error whose public message says nothing of it.
func Internal(cause error) *Error {
	return &Error{Kind: KindInternal, Message: "internal error", Cause: cause}
}

// KindOf returns the kind of err: the kind of the first *Error in its chain, or
// KindInternal for any other non-nil error.
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// PublicMessage returns the message that may be shown for err.
func PublicMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal {
		return e.Message
	}
	return "internal error"
}

// FieldOf returns the field an error is about, or "".
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
