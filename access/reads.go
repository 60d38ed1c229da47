package access

import (
	"context"
	"strconv"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/policy"
	"custos.dev/custos/subject"
)

var _ subject.Grants = (*Service)(nil)

// Holds answers from the in-memory index whether the principal holds an active grant on
// the tenant for category c and purpose p: the decision path, without I/O or allocation.
func (s *Service) Holds(by auth.Principal, tenantID string, c policy.Category, p policy.Purpose, now time.Time) bool {
	return s.index.Holds(by.TokenID, tenantID, c, p, now.UnixNano())
}

// Index is the in-memory index of active grants (for benchmarks and metrics).
func (s *Service) Index() *Index { return &s.index }

// Confirm finds, in the database, the active grant covering a read: the authoritative
// check, which every instance shares, made for every read of data under a grant.
func (s *Service) Confirm(ctx context.Context, by auth.Principal, tenantID, category, purpose string, now time.Time) (string, error) {
	if by.TokenID == "" {
		return "", nil
	}
	return s.Store.ConfirmGrant(ctx, by.TokenID, tenantID, category, purpose, now)
}

// chinaYear is the calendar year in China at t: the yearly counts follow China's calendar.
func chinaYear(t time.Time) int { return t.In(shanghai).Year() }

// RecordRead records a read under a grant with its audit event, and for a read from abroad
// counts the people reached in the year's tally (R-RES-3).
func (s *Service) RecordRead(ctx context.Context, r subject.GrantRead, ev *auditlog.Event) error {
	req, err := s.Store.AccessRequest(ctx, r.GrantID)
	if err != nil {
		return err
	}
	rd := &Read{ID: newID("rd_", r.At), GrantID: r.GrantID, TenantID: r.TenantID, Reader: r.By.TokenID, At: r.At,
		Categories: []string{r.Category}, Purpose: r.Purpose, Masked: r.Masked, Records: len(r.SubjectIDs), SubjectIDs: r.SubjectIDs}
	ev.Time = r.At
	ev.Details["access_read"] = rd.ID
	ev.Details["records"] = strconv.Itoa(rd.Records)
	var tally *Tally
	if req.Abroad() {
		limits := s.Policy.AccessGrants()
		tally = &Tally{Year: chinaYear(r.At), Class: ClassPersonal, Thresholds: limits.PeopleThresholds}
		if r.Sensitive {
			tally.Class, tally.Thresholds = ClassSensitive, limits.SensitivePeopleThresholds
		}
		tally.Alert = func(threshold, people int64) *auditlog.Event {
			s.Log.WarnContext(ctx, "people whose PI was accessed from abroad reached a threshold that changes the transfer mechanism",
				"year", tally.Year, "class", tally.Class, "threshold", threshold, "people", people)
			return &auditlog.Event{Time: r.At, Actor: "cli", Role: string(auth.RoleOperatorAdmin), Action: "access.abroad_threshold",
				Object: "abroad/" + strconv.Itoa(tally.Year) + "/" + tally.Class, RIDs: []string{"R-RES-3"},
				Details: map[string]string{"year": strconv.Itoa(tally.Year), "class": tally.Class,
					"threshold": strconv.FormatInt(threshold, 10), "people": strconv.FormatInt(people, 10)}}
		}
	}
	return s.Store.RecordAccessRead(ctx, rd, tally, ev)
}

// Reads lists the reads under grants, newest first: a customer's administrator sees its
// own tenant's (R-RES-2), the operator's privacy staff and auditors any.
func (s *Service) Reads(ctx context.Context, by auth.Principal, f ReadFilter) ([]Read, error) {
	switch by.Role {
	case auth.RoleCustomerAdmin:
		if f.TenantID != "" && f.TenantID != by.Tenant {
			return nil, custos.Errorf(custos.KindForbidden, "a customer administrator acts only within its own tenant (R-INV-3)")
		}
		f.TenantID = by.Tenant
	case auth.RoleOperatorAdmin, auth.RolePrivacyOfficer, auth.RoleAuditor:
	default:
		return nil, custos.Errorf(custos.KindForbidden, "role %s may not list reads", by.Role)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	out, err := s.Store.AccessReads(ctx, f)
	if out == nil {
		out = []Read{}
	}
	return out, err
}

// ReadsOfSubject lists every read under a grant that reached a subject's records, oldest
// first: what a subject's access request (PIPL art. 45) must disclose of staff access.
func (s *Service) ReadsOfSubject(ctx context.Context, subjectID string) ([]Read, error) {
	return s.Store.AccessReadsOfSubject(ctx, subjectID)
}

// Abroad is a calendar year's count of people whose PI was accessed from abroad, against
// the thresholds that change the transfer mechanism (R-RES-3).
type Abroad struct {
	Year                      int     `json:"year"`
	People                    int64   `json:"people"`
	SensitivePeople           int64   `json:"sensitive_people"`
	PeopleThresholds          []int64 `json:"people_thresholds"`
	SensitivePeopleThresholds []int64 `json:"sensitive_people_thresholds"`
	Alerts                    []Alert `json:"alerts"`
}

// AbroadCounts returns a year's counts (0 means the current year in China).
func (s *Service) AbroadCounts(ctx context.Context, year int) (*Abroad, error) {
	if year == 0 {
		year = chinaYear(s.now())
	}
	counts, alerts, err := s.Store.AbroadCounts(ctx, year)
	if err != nil {
		return nil, err
	}
	limits := s.Policy.AccessGrants()
	a := &Abroad{Year: year, People: counts[ClassPersonal], SensitivePeople: counts[ClassSensitive],
		PeopleThresholds: limits.PeopleThresholds, SensitivePeopleThresholds: limits.SensitivePeopleThresholds, Alerts: alerts}
	if a.Alerts == nil {
		a.Alerts = []Alert{}
	}
	return a, nil
}

// Refresh reloads the in-memory index if the set of active grants changed since it was
// built, on this instance or another.
func (s *Service) Refresh(ctx context.Context) error {
	v, err := s.Store.AccessVersion(ctx)
	if err != nil {
		return err
	}
	if v == s.index.version() {
		return nil
	}
	grants, err := s.Store.ActiveGrants(ctx, s.now())
	if err != nil {
		return err
	}
	s.index.store(build(s.Policy, grants, v))
	return nil
}

// refreshQuietly reloads after a local change; a failure leaves the periodic reload to
// catch up, and reads are unaffected since they confirm in the database.
func (s *Service) refreshQuietly(ctx context.Context) {
	if err := s.Refresh(ctx); err != nil {
		s.Log.WarnContext(ctx, "access grant index not reloaded", "error", err)
	}
}

// Watch loads the index, then reloads it whenever another instance changed the grants,
// checking every interval until ctx ends. An interval of 0 loads it once and starts no
// goroutine: the index then follows this instance's own changes only.
func (s *Service) Watch(ctx context.Context, every time.Duration) {
	s.refreshQuietly(ctx)
	if every <= 0 {
		return
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.refreshQuietly(ctx)
			}
		}
	}()
}
