package dsr

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/policy"
)

// NewDisclosure is what recording a disclosure takes.
type NewDisclosure struct {
	SubjectID  string   `json:"subject_id"`
	Recipient  string   `json:"recipient"`
	Categories []string `json:"categories"`
	Basis      string   `json:"basis"`
	Purpose    string   `json:"purpose,omitempty"`
	// At is when the data went (RFC 3339); default now.
	At string `json:"at,omitempty"`
}

// RecordDisclosure records that a subject's data of some categories went to a recipient of
// the policy's register on a legal basis (R-SHR-1). Only what the register declares for the
// recipient is accepted: its categories and purposes. Deletion instructions go to every
// recipient recorded here (R-DSR-4).
func (s *Service) RecordDisclosure(ctx context.Context, by auth.Principal, in NewDisclosure) (*Disclosure, error) {
	var rc *policy.Recipient
	for _, r := range s.Policy.Recipients() {
		if r.Name == in.Recipient {
			rc = &r
		}
	}
	if rc == nil {
		return nil, custos.FieldError(custos.KindUnprocessable, "recipient", "not a recipient of the policy's register (R-SHR-1)")
	}
	if len(in.Categories) == 0 {
		return nil, custos.FieldError(custos.KindInvalid, "categories", "name at least one category")
	}
	for i, c := range in.Categories {
		if !slices.Contains(rc.Categories, c) {
			return nil, custos.FieldError(custos.KindUnprocessable, fmt.Sprintf("categories[%d]", i), "the register does not declare this category for this recipient (R-SHR-1, R-SHR-2)")
		}
	}
	if _, ok := policy.ParseBasis(in.Basis); !ok || in.Basis == "none" {
		return nil, custos.FieldError(custos.KindUnprocessable, "basis", "want a legal basis: consent, contract, legal_duty, emergency, news_reporting, public_information, other_law (R-SHR-7)")
	}
	if in.Purpose != "" && !slices.Contains(rc.Purposes, in.Purpose) {
		return nil, custos.FieldError(custos.KindUnprocessable, "purpose", "the register does not declare this purpose for this recipient (R-SHR-2)")
	}
	at := s.now()
	if in.At != "" {
		t, err := ParseTime("at", in.At)
		if err != nil {
			return nil, err
		}
		if t.After(at.Add(time.Minute)) {
			return nil, custos.FieldError(custos.KindInvalid, "at", "in the future")
		}
		at = t
	}
	sub, err := s.Subjects.Info(ctx, in.SubjectID)
	if err != nil {
		if gone(err) {
			return nil, custos.FieldError(custos.KindUnprocessable, "subject_id", "no such subject")
		}
		return nil, err
	}
	if err := by.InTenant(sub.TenantID); err != nil {
		return nil, err
	}
	cats := slices.Clone(in.Categories)
	slices.Sort(cats)
	cats = slices.Compact(cats)
	d := &Disclosure{ID: newID("ds_"), SubjectID: sub.ID, TenantID: sub.TenantID, Recipient: rc.Name, Categories: cats,
		Basis: in.Basis, Purpose: in.Purpose, At: at, By: by.Actor()}
	rids := []string{"R-SHR-1"}
	if rc.Country != "CN" {
		rids = append(rids, "R-RES-3")
	}
	ev := &auditlog.Event{Actor: by.Actor(), Role: string(by.Role), Action: "disclosure.record", Tenant: sub.TenantID, Subject: sub.ID,
		Object: "disclosure/" + d.ID, RIDs: rids, Details: map[string]string{"recipient": rc.Name, "categories": strings.Join(cats, ","),
			"basis": in.Basis, "country": rc.Country}}
	if err := s.Store.AddDisclosure(ctx, d, ev); err != nil {
		return nil, err
	}
	return d, nil
}

// Explain writes, for a subject, the rules custos applies to the data it holds of them:
// per category, the purposes and their legal bases, how long it is kept, and who may
// receive it.
func (s *Service) Explain(ctx context.Context, subjectID string) (string, string, error) {
	held := map[string]bool{}
	if subjectID != "" {
		d, err := s.Subjects.Decrypted(ctx, subjectID)
		if err != nil {
			return "", "", err
		}
		for _, r := range d.Records {
			held[r.Category] = true
		}
	}
	var zh, en strings.Builder
	doc := s.Policy.Document()
	purposes := map[string]policy.Text{}
	for _, p := range doc.Purposes {
		purposes[p.Name] = p.Description
	}
	bases := map[string]policy.Text{}
	for _, b := range doc.Bases {
		bases[b.Name] = b.Description
	}
	fmt.Fprintf(&zh, "以下是我们依据《%s》(版本 %s)处理您个人信息的规则。\n", doc.Statement.Name.ZH, doc.Statement.Current)
	fmt.Fprintf(&en, "These are the rules under which we process your personal information, from \"%s\" (version %s).\n", doc.Statement.Name.EN, doc.Statement.Current)
	for _, c := range doc.Categories {
		if len(held) > 0 && !held[c.Name] {
			continue
		}
		fmt.Fprintf(&zh, "\n【%s】\n", c.Description.ZH)
		fmt.Fprintf(&en, "\n[%s]\n", c.Description.EN)
		for _, p := range c.Purposes {
			fmt.Fprintf(&zh, "  - 目的:%s;依据:%s\n", purposes[p.Purpose].ZH, bases[p.Basis].ZH)
			fmt.Fprintf(&en, "  - purpose: %s; basis: %s\n", purposes[p.Purpose].EN, bases[p.Basis].EN)
		}
		if r := c.Retention.Cancelled; r != nil {
			fmt.Fprintf(&zh, "  - 注销后保存期限:%s,期满后%s\n", r.Duration, map[string]string{"delete": "删除", "anonymise": "匿名化"}[r.Action])
			fmt.Fprintf(&en, "  - kept after cancellation: %s, then %sd\n", r.Duration, r.Action)
		}
		for _, rc := range doc.Recipients {
			if slices.Contains(rc.Categories, c.Name) {
				fmt.Fprintf(&zh, "  - 可能的接收方:%s(%s)\n", rc.LegalName, rc.Country)
				fmt.Fprintf(&en, "  - may receive it: %s (%s)\n", rc.LegalName, rc.Country)
			}
		}
	}
	return zh.String(), en.String(), nil
}
