package retention

import (
	"context"
	"slices"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/policy"
)

// rule is one retention rule as the sweep applies it: the records of one category of
// subjects in one state, the period from the state's clock, and the action at its end.
type rule struct {
	category string
	cat      policy.Category
	state    string
	period   policy.Duration
	action   policy.Action
	rids     []string
	// floor is the network-log floor, from the record's last write; zero if none.
	floor    policy.Duration
	hasFloor bool
	// fallback says a trial used the cancelled rule, the category declaring none for trials.
	fallback bool
}

// rules lists every rule with an end: cancelled (every category declares one), trial (its
// own, or else the cancelled one from the trial's end: trial data may be deleted at any
// time after it, R-RET-5), and bounded active periods (cookies).
func (s *Service) rules() []rule {
	var out []rule
	for _, c := range s.Policy.Categories() {
		floor := slices.Contains(NetworkLogCategories, c.Name)
		cancelled, _ := s.Policy.Retention(c.ID, policy.StateCancelled)
		for _, st := range []struct {
			name  string
			state policy.State
		}{{StateCancelled, policy.StateCancelled}, {StateTrial, policy.StateTrial}, {StateActive, policy.StateActive}} {
			r, ok := s.Policy.Retention(c.ID, st.state)
			fallback := false
			if !ok && st.state == policy.StateTrial {
				r, ok, fallback = cancelled, true, true
			}
			if !ok || r.Period.WhileActive {
				continue
			}
			out = append(out, rule{category: c.Name, cat: c.ID, state: st.name, period: r.Period, action: r.Action,
				rids: r.RIDs, floor: NetworkLogFloor, hasFloor: floor, fallback: fallback})
		}
	}
	return out
}

// margin covers calendar arithmetic: a month added to the 31st can end up to three days
// after the same month subtracted from the due date, so queries look that much further
// and the exact due time is checked in Go.
const margin = 4 * 24 * time.Hour

func back(d policy.Duration, t time.Time) time.Time {
	return t.AddDate(-d.Years, -d.Months, -d.Days).Add(margin)
}

// query returns the DueQuery of the records of this rule due by t.
func (r rule) query(t time.Time) DueQuery {
	q := DueQuery{Category: r.category, State: r.state, ClockBefore: back(r.period, t)}
	if r.hasFloor {
		q.UpdatedBefore = back(r.floor, t)
	}
	return q
}

// dueAt is when a record found by this rule's query is due: the end of the policy's period
// from the clock, or the end of the network-log floor from the last write if later.
func (r rule) dueAt(d DueRecord) (time.Time, bool) {
	due, _ := r.period.AddTo(d.Clock)
	floored := false
	if r.hasFloor {
		if f, _ := r.floor.AddTo(d.UpdatedAt); f.After(due) {
			due, floored = f, true
		}
	}
	return due, floored
}

// Entry is one line of the retention schedule: what will happen to which data, when, why.
type Entry struct {
	SubjectID string    `json:"subject_id"`
	TenantID  string    `json:"tenant_id"`
	Category  string    `json:"category"`
	State     string    `json:"state"`
	Action    string    `json:"action"`
	DueAt     time.Time `json:"due_at"`
	// ClockStart is when the period began: the cancellation, the trial's end, or the
	// record's last write for periods that run while active.
	ClockStart time.Time `json:"clock_start"`
	// Rule is the policy's rule, e.g. "cancelled P3Y delete"; NetworkLogFloor says the
	// six-month floor of network logs set the date rather than the policy.
	Rule            string   `json:"rule"`
	NetworkLogFloor bool     `json:"network_log_floor,omitempty"`
	RIDs            []string `json:"rids"`
	// Held: a legal hold suspends it; it happens after the hold ends.
	Held bool `json:"held,omitempty"`
}

// Plan is the retention schedule up to a time.
type Plan struct {
	GeneratedAt time.Time `json:"generated_at"`
	Until       time.Time `json:"until"`
	Entries     []Entry   `json:"entries"`
	// Truncated says there is more than Limit entries; ask with a nearer until.
	Truncated bool `json:"truncated"`
}

type planQuery struct {
	until     time.Time
	subjectID string
	limit     int
}

// Schedule lists what will be deleted or anonymised by until, soonest first, at most limit
// entries (at most 10,000). Entries past due and not held are done by the next sweep.
func (s *Service) Schedule(ctx context.Context, by auth.Principal, until time.Time, limit int) (*Plan, error) {
	if by.Role == auth.RoleCustomerAdmin {
		return nil, custos.Errorf(custos.KindForbidden, "the schedule covers every tenant")
	}
	if limit <= 0 || limit > 10000 {
		return nil, custos.FieldError(custos.KindInvalid, "limit", "want 1 to 10000")
	}
	return s.plan(ctx, planQuery{until: until, limit: limit})
}

func (s *Service) plan(ctx context.Context, pq planQuery) (*Plan, error) {
	p := &Plan{GeneratedAt: s.now(), Until: pq.until.UTC(), Entries: []Entry{}}
	for _, r := range s.rules() {
		q := r.query(pq.until)
		q.SubjectID, q.At, q.IncludeHeld, q.Limit = pq.subjectID, s.now(), true, pq.limit+1
		start := len(p.Entries)
		for {
			recs, err := s.Store.DueRecords(ctx, q)
			if err != nil {
				return nil, err
			}
			for _, d := range recs {
				due, floored := r.dueAt(d)
				if due.After(pq.until) {
					continue
				}
				p.Entries = append(p.Entries, Entry{SubjectID: d.SubjectID, TenantID: d.TenantID, Category: r.category, State: r.state,
					Action: r.action.String(), DueAt: due, ClockStart: d.Clock, Rule: r.describe(), NetworkLogFloor: floored,
					RIDs: r.rids, Held: d.Held})
			}
			if len(recs) < q.Limit || len(p.Entries)-start > pq.limit {
				break
			}
			last := recs[len(recs)-1]
			q.AfterClock, q.AfterSubject = last.Clock, last.SubjectID
		}
	}
	slices.SortStableFunc(p.Entries, func(a, b Entry) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		if a.SubjectID != b.SubjectID {
			if a.SubjectID < b.SubjectID {
				return -1
			}
			return 1
		}
		if a.Category < b.Category {
			return -1
		}
		return 1
	})
	if len(p.Entries) > pq.limit {
		p.Entries, p.Truncated = p.Entries[:pq.limit], true
	}
	return p, nil
}

func (r rule) describe() string {
	d := r.state + " " + r.period.String() + " " + r.action.String()
	if r.fallback {
		d += " (the cancelled rule: the category declares none for trials)"
	}
	return d
}
