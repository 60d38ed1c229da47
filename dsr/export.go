package dsr

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"html/template"
	"slices"
	"time"

	"custos.dev/custos"
	"custos.dev/custos/auth"
	"custos.dev/custos/consent"
	"custos.dev/custos/policy"
)

// SchemaID names the JSON Schema of an access or portability package (ExportSchema).
const SchemaID = "https://custos.dev/schemas/subject-export-v1.json"

// ExportSchema is the JSON Schema of Package, documented in docs/requests.md.
//
//go:embed export.schema.json
var ExportSchema []byte

// Package is everything custos holds about a subject (access and portability).
type Package struct {
	Schema      string           `json:"$schema"`
	GeneratedAt time.Time        `json:"generated_at"`
	RequestID   string           `json:"request_id"`
	Operator    string           `json:"operator"`
	Subject     PackageSubject   `json:"subject"`
	Records     []PackageRecord  `json:"records"`
	Consents    []consent.Entry  `json:"consents"`
	Disclosures []PackageShare   `json:"disclosures"`
	Transfers   []PackageShare   `json:"transfers_abroad"`
	GrantReads  []GrantRead      `json:"grant_reads"`
	Statements  []PackageVersion `json:"statement_versions"`
}

// PackageSubject is the subject's own entry.
type PackageSubject struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"tenant_id"`
	Kind      string    `json:"kind"`
	State     string    `json:"state"`
	Region    string    `json:"region"`
	CreatedAt time.Time `json:"created_at"`
	BirthDate string    `json:"birth_date,omitempty"`
	Email     string    `json:"email,omitempty"`
	Mobile    string    `json:"mobile,omitempty"`
}

// PackageRecord is one category of PI, in clear.
type PackageRecord struct {
	Category    string            `json:"category"`
	Description policy.Text       `json:"description"`
	Sensitive   bool              `json:"sensitive"`
	Region      string            `json:"region"`
	Verified    bool              `json:"verified"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	Fields      map[string]string `json:"fields"`
}

// PackageShare is one disclosure, with the recipient as the register describes it.
type PackageShare struct {
	ID         string    `json:"id"`
	Recipient  string    `json:"recipient"`
	LegalName  string    `json:"legal_name"`
	Kind       string    `json:"kind"`
	Country    string    `json:"country"`
	Categories []string  `json:"categories"`
	Basis      string    `json:"basis"`
	Purpose    string    `json:"purpose,omitempty"`
	At         time.Time `json:"at"`
}

// PackageVersion is a statement version the subject accepted, and when first.
type PackageVersion struct {
	Version    string    `json:"version"`
	Date       string    `json:"date"`
	AcceptedAt time.Time `json:"accepted_at"`
}

// Build assembles a subject's package. Its cost depends on that subject's data only.
func (s *Service) Build(ctx context.Context, requestID, subjectID string) (*Package, error) {
	d, err := s.Subjects.Decrypted(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	cs, err := s.Subjects.ListConsents(ctx, auth.System, subjectID)
	if err != nil {
		return nil, err
	}
	ds, err := s.Store.Disclosures(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	p := &Package{Schema: SchemaID, GeneratedAt: s.now(), RequestID: requestID, Operator: s.Policy.Document().Statement.Operator,
		Subject: PackageSubject{ID: d.Subject.ID, TenantID: d.Subject.TenantID, Kind: string(d.Subject.Kind), State: d.Subject.State,
			Region: d.Subject.Region, CreatedAt: d.Subject.CreatedAt, BirthDate: d.Profile.BirthDate, Email: d.Profile.Email, Mobile: d.Profile.Mobile},
		Records: []PackageRecord{}, Consents: cs.History, Disclosures: []PackageShare{}, Transfers: []PackageShare{},
		GrantReads: []GrantRead{}, Statements: []PackageVersion{}}
	cats := s.Policy.Categories()
	for _, r := range d.Records {
		pr := PackageRecord{Category: r.Category, Region: r.Region, Verified: r.Verified, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Fields: r.Fields}
		for _, c := range cats {
			if c.Name == r.Category {
				pr.Description, pr.Sensitive = c.Description, c.Sensitive
			}
		}
		p.Records = append(p.Records, pr)
	}
	recips := map[string]policy.Recipient{}
	for _, r := range s.Policy.Recipients() {
		recips[r.Name] = r
	}
	for _, x := range ds {
		rc := recips[x.Recipient]
		sh := PackageShare{ID: x.ID, Recipient: x.Recipient, LegalName: rc.LegalName, Kind: rc.Kind, Country: rc.Country,
			Categories: x.Categories, Basis: x.Basis, Purpose: x.Purpose, At: x.At}
		p.Disclosures = append(p.Disclosures, sh)
		if rc.Country != "CN" {
			p.Transfers = append(p.Transfers, sh)
		}
	}
	if s.Reads != nil {
		reads, err := s.Reads.ReadsOfSubject(ctx, subjectID)
		if err != nil {
			return nil, err
		}
		p.GrantReads = append(p.GrantReads, reads...)
	}
	first := map[string]time.Time{}
	for _, e := range cs.History {
		if e.Action == consent.Grant {
			if t, ok := first[e.StatementVersion]; !ok || e.At.Before(t) {
				first[e.StatementVersion] = e.At
			}
		}
	}
	for _, v := range s.Policy.Versions() {
		if t, ok := first[v.Version]; ok {
			p.Statements = append(p.Statements, PackageVersion{Version: v.Version, Date: v.Date, AcceptedAt: t})
		}
	}
	slices.SortFunc(p.Statements, func(a, b PackageVersion) int { return a.AcceptedAt.Compare(b.AcceptedAt) })
	return p, nil
}

// Download serves a one-time link: it builds the package, marks the link used (audited),
// and returns the content type and the bytes. A link used, expired or unknown is not found.
func (s *Service) Download(ctx context.Context, key string) (string, []byte, error) {
	notFound := custos.Errorf(custos.KindNotFound, "this download link is unknown, expired or already used")
	dl, err := s.Store.Download(ctx, HashKey(key))
	if gone(err) {
		return "", nil, notFound
	}
	if err != nil {
		return "", nil, err
	}
	now := s.now()
	if !dl.UsedAt.IsZero() || now.After(dl.ExpiresAt) {
		return "", nil, notFound
	}
	p, err := s.Build(ctx, dl.RequestID, dl.SubjectID)
	if gone(err) {
		return "", nil, notFound
	}
	if err != nil {
		return "", nil, err
	}
	var out []byte
	ctype := "application/json"
	if dl.Format == "html" {
		ctype = "text/html; charset=utf-8"
		if out, err = RenderHTML(p); err != nil {
			return "", nil, custos.Internal(err)
		}
	} else if out, err = json.MarshalIndent(p, "", "  "); err != nil {
		return "", nil, custos.Internal(err)
	}
	r, err := s.Store.Request(ctx, dl.RequestID)
	if err != nil {
		return "", nil, err
	}
	ev := s.event(r, "subject", "subject", "dsr.export_downloaded", "R-DSR-6", "R-DSR-1")
	ev.Details["format"] = dl.Format
	ev.Details["records"] = itoa(len(p.Records))
	won, err := s.Store.UseDownload(ctx, dl.Hash, now, ev)
	if err != nil {
		return "", nil, err
	}
	if !won {
		return "", nil, notFound
	}
	return ctype, out, nil
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

//go:embed export.html.tmpl
var exportHTML string

var exportTmpl = template.Must(template.New("export").Funcs(template.FuncMap{
	"time": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02 15:04:05 MST")
	},
}).Parse(exportHTML))

// RenderHTML renders a package as a readable bilingual page.
func RenderHTML(p *Package) ([]byte, error) {
	var b bytes.Buffer
	if err := exportTmpl.Execute(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
