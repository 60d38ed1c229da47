package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/pii"
)

var scanners = []auth.Role{auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleSupportEngineer}

// scanFinding is a finding as the API shows it: where and what, never the value.
type scanFinding struct {
	Type       string  `json:"type"`
	Offset     int64   `json:"offset"`
	Length     int     `json:"length"`
	Confidence float32 `json:"confidence"`
	Reason     string  `json:"reason"`
}

// scanText finds PI in text sent by other services (R-SUP-4, R-AGENT-1). The body is
// either text/plain (the text itself) or JSON {"text":…,"redact":"mask"|"tag"}. Offsets
// are bytes of the UTF-8 text. With redact, the redacted text comes back too.
func (s *Server) scanText(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Text   string `json:"text"`
		Redact string `json:"redact,omitempty"`
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "text/plain" {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.d.MaxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return custos.Errorf(custos.KindTooLarge, "body is larger than %d bytes", s.d.MaxBody)
			}
			return custos.Errorf(custos.KindInvalid, "could not read the body")
		}
		req.Text, req.Redact = string(b), r.URL.Query().Get("redact")
	} else if err := decodeJSON(w, r, s.d.MaxBody, &req); err != nil {
		return err
	}
	if !utf8.ValidString(req.Text) {
		return custos.FieldError(custos.KindInvalid, "text", "not UTF-8")
	}
	var mode pii.Mode
	switch req.Redact {
	case "":
	case "mask":
		mode = pii.Mask
	case "tag":
		mode = pii.Tag
	default:
		return custos.FieldError(custos.KindInvalid, "redact", "want mask or tag")
	}
	findings := pii.Scan([]byte(req.Text))
	out := struct {
		Findings []scanFinding `json:"findings"`
		Redacted *string       `json:"redacted,omitempty"`
	}{Findings: make([]scanFinding, 0, len(findings))}
	for _, f := range findings {
		out.Findings = append(out.Findings, scanFinding{Type: f.Type.String(), Offset: f.Offset, Length: f.Length,
			Confidence: f.Confidence, Reason: f.Reason.String()})
	}
	if mode != nil {
		red := string(pii.Redact(nil, []byte(req.Text), mode, findings))
		out.Redacted = &red
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
