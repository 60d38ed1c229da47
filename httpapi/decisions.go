package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/policy"
)

// MaxBatch is the most questions one call may ask.
const MaxBatch = 10000

type decisionRequest struct {
	Question  *policy.Facts  `json:"question,omitempty"`
	Questions []policy.Facts `json:"questions,omitempty"`
}

// decide answers one question ({"question":…} → {"decision":…}) or a batch
// ({"questions":[…]} → {"decisions":[…]}, in order). Callers whose role is itself an actor
// (support engineers, customers' administrators) may only ask about themselves. Denials
// of sensitive categories are audited before the answer is sent.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) error {
	data, err := readJSONBody(w, r, s.d.MaxBody)
	if err != nil {
		return err
	}
	// A hand-written decoder accepting exactly what DecodeStrict does (fuzzed against it),
	// about 8× faster on large batches.
	var req decisionRequest
	if err := decodeDecisionRequest(data, &req); err != nil {
		return err
	}
	single := req.Question != nil
	switch {
	case single && req.Questions != nil:
		return custos.FieldError(custos.KindInvalid, "questions", "send either question or questions, not both")
	case single:
		req.Questions = []policy.Facts{*req.Question}
	case req.Questions == nil:
		return custos.FieldError(custos.KindInvalid, "questions", "required: a question or a batch of questions")
	case len(req.Questions) == 0:
		return custos.FieldError(custos.KindInvalid, "questions", "empty batch")
	case len(req.Questions) > MaxBatch:
		return custos.FieldError(custos.KindInvalid, "questions", fmt.Sprintf("at most %d questions per call", MaxBatch))
	}
	caller := principal(r.Context())
	eng := s.d.Policy
	now := time.Now()
	decisions := make([]policy.Decision, len(req.Questions))
	var q policy.Question
	var denied []*auditlog.Event
	for i := range req.Questions {
		f := &req.Questions[i]
		field := "question"
		if !single {
			field = "questions[" + strconv.Itoa(i) + "]"
		}
		if err := bindActor(caller, f, field); err != nil {
			return err
		}
		if caller.Role == auth.RoleSupportEngineer && len(f.Actor.Grants) > 0 {
			return custos.FieldError(custos.KindForbidden, field+".actor.grants", "a support engineer's grants are the ones custos holds for its token (R-RES-2)")
		}
		q = policy.Question{}
		if err := eng.Resolve(f, &q); err != nil {
			return prefixField(err, field)
		}
		if caller.Role == auth.RoleSupportEngineer && s.d.Access != nil {
			// From the in-memory index of active grants: no I/O, no allocation.
			q.HasGrant = s.d.Access.Holds(caller, q.SubjectTenant, q.Category, q.Purpose, now)
		}
		d := eng.Decide(&q)
		decisions[i] = d
		if !d.Allow && d.Sensitive {
			denied = append(denied, &auditlog.Event{
				Actor: caller.Actor(), Role: string(caller.Role), Action: "decision.deny",
				Tenant: f.Subject.Tenant, RIDs: []string{d.RID},
				Details: map[string]string{"category": f.Category, "purpose": f.Purpose, "reason": d.Reason.String(), "actor_role": f.Actor.Role},
			})
		}
	}
	if len(denied) > 0 {
		if _, err := s.d.Audit.Append(r.Context(), denied...); err != nil {
			return err
		}
	}
	allowed := 0
	buf := make([]byte, 0, 32+len(decisions)*96)
	if single {
		buf = append(buf, `{"decision":`...)
	} else {
		buf = append(buf, `{"decisions":[`...)
	}
	for i, d := range decisions {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = d.AppendJSON(buf)
		if d.Allow {
			allowed++
		}
	}
	if !single {
		buf = append(buf, ']')
	}
	buf = append(buf, "}\n"...)
	s.metrics.decisions.WithLabelValues("allow").Add(float64(allowed))
	s.metrics.decisions.WithLabelValues("deny").Add(float64(len(decisions) - allowed))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf)
	return err
}

// bindActor makes a caller who is itself an actor the actor of its questions: a support
// engineer or a customer's administrator cannot ask as somebody else. Staff roles that
// answer for others (operator admins, privacy officers) may name any actor.
func bindActor(caller auth.Principal, f *policy.Facts, field string) error {
	switch caller.Role {
	case auth.RoleSupportEngineer, auth.RoleCustomerAdmin:
	default:
		if f.Actor.Role == "" {
			return custos.FieldError(custos.KindInvalid, field+".actor.role", "required")
		}
		return nil
	}
	if f.Actor.Role == "" {
		f.Actor.Role = string(caller.Role)
	}
	if f.Actor.Tenant == "" {
		f.Actor.Tenant = caller.Tenant
	}
	if f.Actor.Role != string(caller.Role) || f.Actor.Tenant != caller.Tenant {
		return custos.FieldError(custos.KindForbidden, field+".actor", "your role may only ask about itself")
	}
	return nil
}

// prefixField puts the question's position in front of a field error from the engine.
func prefixField(err error, prefix string) error {
	if fe, ok := err.(*policy.FieldError); ok {
		return custos.FieldError(custos.KindInvalid, prefix+"."+fe.Field, fe.Reason)
	}
	if ce, ok := err.(*custos.Error); ok && ce.Field != "" {
		c := *ce
		c.Field = prefix + "." + ce.Field
		return &c
	}
	return custos.FieldError(custos.KindInvalid, prefix, custos.PublicMessage(err))
}
