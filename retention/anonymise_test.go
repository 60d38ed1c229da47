package retention_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"custos.dev/custos/policy"
	"custos.dev/custos/retention"
	"custos.dev/custos/store/postgres/pgtest"
)

// R-RET-3: anonymisation removes direct identifiers and generalises what the policy says:
// nothing left links a result back to its subject: not the subject or tenant ID, not a
// lookup token, not the key, not the device, the full address or any PI in the text.
func TestAnonymiseLeavesNoIdentifier(t *testing.T) {
	engines(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, nil)
		ctx := context.Background()
		tn := e.tenant("t")
		identifiers := []string{
			"device-7f3a9c", "203.0.113.77", "13912345678", "zhangsan@example.com", "11010519491231002X", "110105199001011234",
			"6222021234567890128",
		}
		rec := `{"device_id":"device-7f3a9c","ip_address":"203.0.113.77",` +
			`"error_trace":"login failed for zhangsan@example.com from 13912345678, id 11010519491231002X, acct 110105199001011234",` +
			`"configuration":"card=6222021234567890128 region=cn-north"}`
		id := e.subject(tn, "zhangsan@example.com", map[string]string{"diagnostic_data": rec, "registration_data": regRecord})
		if err := e.ret.CancelSubject(ctx, admin, id, ""); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(start.AddDate(0, 6, 0))
		rep := e.sweep()
		if rep.Anonymised != 1 || rep.Deleted != 1 || rep.Erased != 1 {
			t.Fatalf("sweep = %+v, want 1 anonymised, 1 deleted, the subject gone", rep)
		}
		if st := e.state(id); st.State != retention.StateAnonymised || e.hasKey(id) {
			t.Fatalf("subject is %s (key %v), want anonymised without a key", st.State, e.hasKey(id))
		}
		got, err := e.db.AnonymisedRecords(ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("%d anonymised records, want 1", len(got))
		}
		want := map[string]string{
			"ip_address":    "203.0.0.0/16",
			"error_trace":   "login failed for [email] from [cn_mobile], id [cn_resident_id], acct [number]",
			"configuration": "card=[bank_card] region=cn-north",
		}
		if diff := cmp.Diff(want, got[0].Fields); diff != "" {
			t.Errorf("anonymised fields (-want +got):\n%s", diff)
		}
		if got[0].Category != "diagnostic_data" || got[0].Month != "2026-09" {
			t.Errorf("anonymised record = %+v", got[0])
		}
		// The whole stored result, and the whole database, hold none of the identifiers,
		// and the anonymised record's key is nowhere in the audit log.
		b, _ := json.Marshal(got)
		for _, s := range append(identifiers, id, tn) {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("anonymised record holds identifier %q", s)
			}
		}
		dump := e.dump()
		for _, s := range identifiers {
			if bytes.Contains(dump, []byte(s)) {
				t.Errorf("the database still holds %q", s)
			}
		}
		for _, ev := range e.events("") {
			eb, _ := json.Marshal(ev)
			if bytes.Contains(eb, []byte(got[0].ID)) {
				t.Errorf("audit event %s names the anonymised record", ev.Action)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM lookup_tokens WHERE subject_id = ?", id); n != 0 {
			t.Errorf("%d lookup tokens left", n)
		}
		e.verify()
	})
}

// dump returns every byte of the data store: the SQLite files, or a pg_dump of the schema.
func (e *env) dump() []byte {
	e.t.Helper()
	if e.dir != "" {
		var all []byte
		for _, f := range []string{"custos.db", "custos.db-wal"} {
			b, err := os.ReadFile(filepath.Join(e.dir, f))
			if err != nil && !os.IsNotExist(err) {
				e.t.Fatal(err)
			}
			all = append(all, b...)
		}
		return all
	}
	out, err := exec.Command("pg_dump", "--schema", e.schema, "--data-only", os.Getenv(pgtest.EnvVar)).Output()
	if err != nil {
		e.t.Fatalf("pg_dump: %v", err)
	}
	return out
}

func TestGeneralise(t *testing.T) {
	doc := strings.Replace(string(policy.DefaultDocument()),
		"      - {name: company, kind: plain}\n",
		"      - {name: company, kind: plain, anonymise: keep}\n      - {name: birthday, kind: plain, anonymise: year}\n", 1)
	doc = strings.Replace(doc, "      - {name: id_number, kind: identifier, validator: cn_resident_id}\n",
		"      - {name: id_number, kind: identifier, validator: cn_resident_id, anonymise: province}\n", 1)
	d, err := policy.Parse("p.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := policy.Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	cat := func(name string) policy.Category { c, _ := eng.CategoryByName(name); return c }
	tests := []struct {
		name     string
		category string
		in, want map[string]string
	}{
		{"BirthDateToYear", "registration_data",
			map[string]string{"name": "张三", "email": "a@example.com", "company": "示例", "birthday": "1990-05-17"},
			map[string]string{"company": "示例", "birthday": "1990"}},
		{"BadDateDropped", "registration_data", map[string]string{"birthday": "May 1990"}, map[string]string{}},
		{"ResidentIDToProvince", "real_name_data",
			map[string]string{"legal_name": "张三", "id_number": "11010519491231002X", "admin_mobile": "13912345678"},
			map[string]string{"id_number": "110000"}},
		{"InvalidIDDropped", "real_name_data", map[string]string{"id_number": "110105194912310021"}, map[string]string{}},
		{"IPv6ToSlash32", "diagnostic_data", map[string]string{"ip_address": "2001:db8:85a3::8a2e:370:7334"}, map[string]string{"ip_address": "2001:db8::/32"}},
		{"MappedIPv4", "diagnostic_data", map[string]string{"ip_address": "::ffff:198.51.100.9"}, map[string]string{"ip_address": "198.51.0.0/16"}},
		{"UnmarkedDropped", "administrator_data", map[string]string{"address": "北京市", "name": "张三"}, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := retention.AnonymiseFields(eng, cat(tt.category), tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
