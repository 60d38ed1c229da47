// Command dsr measures subject requests on a real store, SQLite or PostgreSQL, through the
// code the server runs (dsr.Service, subject.Service, store/sqldb):
//
//	export      building the access package of one subject with 1,000 entries (8 category
//	            records, 500 consent-ledger entries, 492 disclosures) and encoding it as
//	            JSON, in stores of -subjects other subjects (bulk-filled)
//	delete      fulfilling one deletion request (plan the instructions from the
//	            disclosures, destroy the key, delete the records), in the same stores
//	propagate   delivering -instructions deletion instructions to a local Standard
//	            Webhooks receiver that fails -fail of the calls (half of the failures after
//	            applying the instruction, as if the answer were lost); every instruction
//	            must take effect exactly once
//
// Lines starting with "summary" are the results; bench/README.md ("Subject requests") has
// the figures and the commands.
//
//	go run ./bench/dsr -engine sqlite -what export,delete -subjects 10000,1000000
//	go run ./bench/dsr -engine sqlite -what propagate -instructions 10000 -fail 0.3
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/auth"
	"custos.dev/custos/consent"
	"custos.dev/custos/dsr"
	"custos.dev/custos/policy"
	"custos.dev/custos/store/postgres"
	"custos.dev/custos/store/postgres/pgtest"
	"custos.dev/custos/store/sqldb"
	"custos.dev/custos/store/sqlite"
	"custos.dev/custos/subject"
	"custos.dev/custos/vault"
)

func main() {
	engine := flag.String("engine", "sqlite", "sqlite or postgres (CUSTOS_TEST_POSTGRES)")
	what := flag.String("what", "export,delete", "export, delete, propagate")
	sizes := flag.String("subjects", "10000,1000000", "store sizes (subjects) for export and delete")
	reps := flag.Int("reps", 7, "repetitions per size")
	instructions := flag.Int("instructions", 10000, "deletion instructions to propagate")
	fail := flag.Float64("fail", 0.3, "share of webhook calls the receiver fails")
	conc := flag.Int("concurrency", 8, "webhook calls at once")
	flag.Parse()
	ctx := context.Background()
	for _, w := range strings.Split(*what, ",") {
		switch w {
		case "export", "delete":
			for _, s := range strings.Split(*sizes, ",") {
				n, err := strconv.Atoi(s)
				if err != nil {
					fatal(err)
				}
				b := open(ctx, *engine)
				b.fill(ctx, n)
				for _, x := range strings.Split(*what, ",") {
					if x == "export" {
						b.export(ctx, n, *reps)
					} else if x == "delete" {
						b.delete(ctx, n, *reps)
					}
				}
				b.close()
			}
			return
		case "propagate":
			b := open(ctx, *engine)
			b.propagate(ctx, *instructions, *fail, *conc)
			b.close()
		default:
			fatal(fmt.Errorf("unknown -what %q", w))
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench/dsr:", err)
	os.Exit(1)
}

type bench struct {
	engine   string
	db       *sqldb.DB
	sqliteW  *sql.DB
	pg       *postgres.Store
	closeFn  func()
	subjects *subject.Service
	svc      *dsr.Service
}

func open(ctx context.Context, engine string) *bench {
	skey, _, err := auditlog.GenerateKey("bench.custos/audit")
	if err != nil {
		fatal(err)
	}
	signer, err := auditlog.NewSigner(skey)
	if err != nil {
		fatal(err)
	}
	b := &bench{engine: engine}
	var keys subject.KeyStore
	var st interface {
		subject.Store
		dsr.Store
		consent.Store
	}
	switch engine {
	case "sqlite":
		dir, err := os.MkdirTemp("", "custos-bench-dsr-")
		if err != nil {
			fatal(err)
		}
		s, err := sqlite.Open(ctx, dir, signer)
		if err != nil {
			fatal(err)
		}
		b.db, b.sqliteW, keys, st = s.DB, s.W, s.Keys, s
		b.closeFn = func() { s.Close(); os.RemoveAll(dir) }
	case "postgres":
		dsn := os.Getenv(pgtest.EnvVar)
		if dsn == "" {
			fatal(fmt.Errorf("%s is not set", pgtest.EnvVar))
		}
		var rb [6]byte
		_, _ = rand.Read(rb[:])
		schema := "custos_bench_" + hex.EncodeToString(rb[:])
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			fatal(err)
		}
		if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			fatal(err)
		}
		s, err := postgres.Open(ctx, pgtest.WithSearchPath(dsn, schema), signer)
		if err != nil {
			fatal(err)
		}
		b.db, b.pg, keys, st = s.DB, s, s.Keys, s
		b.closeFn = func() {
			s.Close()
			_, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			_, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+"_keys CASCADE")
			conn.Close(context.Background())
		}
	default:
		fatal(fmt.Errorf("unknown engine %q", engine))
	}
	kj, _ := vault.GenerateKEK()
	kek, err := vault.NewKEK(kj)
	if err != nil {
		fatal(err)
	}
	tk, _ := vault.GenerateTokenKey()
	tokens, _ := vault.NewTokenizer(tk)
	_, mk, err := kek.NewDataKey("system:mail-outbox")
	if err != nil {
		fatal(err)
	}
	b.db.Mail = mk
	b.subjects = &subject.Service{Store: st, Keys: keys, Consents: st, KEK: kek, Tokens: tokens,
		Cache: vault.NewKeyCache(1000), Policy: policy.Default(), Region: "cn-north"}
	b.svc = &dsr.Service{Store: st, Subjects: b.subjects, Policy: policy.Default(), CodeKey: []byte("bench"),
		Log: slog.New(slog.DiscardHandler), PublicURL: "http://127.0.0.1"}
	return b
}

func (b *bench) close() { b.closeFn() }

func id(prefix string, n uint64) string {
	var x [12]byte
	binary.BigEndian.PutUint64(x[:8], n*0x9e3779b97f4a7c15)
	binary.BigEndian.PutUint32(x[8:], uint32(n))
	return prefix + hex.EncodeToString(x[:])
}

// fill writes n subjects straight into the tables, as the service would have (minus audit
// events): a subject row, two sealed records, two ledger entries, one disclosure and one
// lookup token each.
func (b *bench) fill(ctx context.Context, n int) {
	start := time.Now()
	blob := make([]byte, 160)
	_, _ = rand.Read(blob)
	now := time.Now().UnixMicro()
	b.bulk(ctx, "tenants", []string{"id", "name", "created_at"}, 100, func(i int, a []any) []any {
		return append(a, fmt.Sprintf("tn_bench%04d", i), "bench", now)
	})
	b.bulk(ctx, "subjects", []string{"id", "tenant_id", "kind", "state", "region", "profile", "created_at"}, n, func(i int, a []any) []any {
		return append(a, id("sb_", uint64(i)), fmt.Sprintf("tn_bench%04d", i%100), "end_user", "active", "cn-north", blob[:64], now)
	})
	cats := []string{"administrator_data", "support_data"}
	b.bulk(ctx, "records", []string{"subject_id", "category", "region", "sealed", "created_at", "updated_at"}, 2*n, func(i int, a []any) []any {
		return append(a, id("sb_", uint64(i/2)), cats[i%2], "cn-north", blob, now, now)
	})
	b.bulk(ctx, "consent_ledger", []string{"consent_id", "subject_id", "action", "purpose", "given_by", "channel", "statement_version", "at"}, 2*n, func(i int, a []any) []any {
		return append(a, id("cn_", uint64(i)), id("sb_", uint64(i/2)), "grant", "marketing", "subject", "web", "4.0", now)
	})
	b.bulk(ctx, "disclosures", []string{"id", "subject_id", "tenant_id", "recipient", "categories", "basis", "at", "recorded_by"}, n, func(i int, a []any) []any {
		return append(a, id("ds_", uint64(i)), id("sb_", uint64(i)), fmt.Sprintf("tn_bench%04d", i%100), "payment_vendors_cn", "administrator_data", "contract", now, "bench")
	})
	b.bulk(ctx, "lookup_tokens", []string{"kind", "token", "subject_id"}, n, func(i int, a []any) []any {
		return append(a, "email", id("tk_", uint64(i)), id("sb_", uint64(i)))
	})
	if b.engine == "sqlite" {
		_, _ = b.sqliteW.ExecContext(ctx, "ANALYZE")
	} else {
		_, _ = b.db.W.ExecContext(ctx, "ANALYZE")
	}
	fmt.Printf("fill %s: %d subjects (%d rows) in %s\n", b.engine, n, 7*n+100, time.Since(start).Round(time.Millisecond))
}

func (b *bench) bulk(ctx context.Context, table string, cols []string, n int, row func(i int, a []any) []any) {
	if b.engine == "postgres" {
		i := 0
		if _, err := b.pg.Pool.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
			if i >= n {
				return nil, nil
			}
			v := row(i, make([]any, 0, len(cols)))
			i++
			return v, nil
		})); err != nil {
			fatal(fmt.Errorf("copy %s: %w", table, err))
		}
		return
	}
	per := 30000 / len(cols)
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for start := 0; start < n; start += 200_000 {
		end := min(n, start+200_000)
		tx, err := b.sqliteW.BeginTx(ctx, nil)
		if err != nil {
			fatal(err)
		}
		for s := start; s < end; s += per {
			e := min(end, s+per)
			args := make([]any, 0, (e-s)*len(cols))
			for i := s; i < e; i++ {
				args = row(i, args)
			}
			q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(tuple+", ", e-s), ", ")
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				fatal(fmt.Errorf("insert %s: %w", table, err))
			}
		}
		if err := tx.Commit(); err != nil {
			fatal(err)
		}
	}
}

// target makes one subject through the services with 1,000 package entries: all 8
// categories, 500 consent-ledger entries, 492 disclosures.
func (b *bench) target(ctx context.Context) string {
	by := auth.System
	sid, err := b.subjects.CreateSubject(ctx, by, subject.NewSubject{TenantID: "tn_bench0000", Kind: subject.KindIndividualCustomer,
		Email: "target@bench.example", Mobile: "13912345678", BirthDate: "1985-03-04"})
	if err != nil {
		fatal(err)
	}
	recs := map[string]string{
		"customer_data":      `{"content":"客户数据 bench"}`,
		"administrator_data": `{"name":"张伟","email":"target@bench.example","mobile":"13912345678","address":"北京市朝阳区"}`,
		"real_name_data":     `{"legal_name":"张伟","id_number":"11010519491231002X"}`,
		"payment_data":       `{"card_number":"6222021234567890128","holder_name":"张伟"}`,
		"support_data":       `{"contact_name":"张伟","description":"无法登录"}`,
		"registration_data":  `{"name":"张伟","company":"示例"}`,
		"cookie_data":        `{"cookie_id":"c-1","settings":"{}"}`,
		"diagnostic_data":    `{"device_id":"d-1","error_trace":"trace"}`,
	}
	for cat, body := range recs {
		if _, err := b.subjects.PutRecord(ctx, by, sid, cat, []byte(body), ""); err != nil {
			fatal(fmt.Errorf("record %s: %w", cat, err))
		}
	}
	for i := range 500 {
		if i%2 == 0 {
			if _, err := b.subjects.GrantConsent(ctx, by, sid, subject.ConsentGrant{Purpose: "marketing", Channel: "web"}); err != nil {
				fatal(err)
			}
		} else {
			cs, _ := b.subjects.ListConsents(ctx, by, sid)
			if _, err := b.subjects.WithdrawConsent(ctx, by, sid, cs.Current[0].ConsentID, "web"); err != nil {
				fatal(err)
			}
		}
	}
	recips := []string{"vnet_beijing", "payment_vendors_cn", "support_vendors_cn"}
	cats := map[string]string{"vnet_beijing": "administrator_data", "payment_vendors_cn": "payment_data", "support_vendors_cn": "support_data"}
	for i := range 492 {
		r := recips[i%3]
		if _, err := b.svc.RecordDisclosure(ctx, by, dsr.NewDisclosure{SubjectID: sid, Recipient: r, Categories: []string{cats[r]}, Basis: "contract"}); err != nil {
			fatal(err)
		}
	}
	return sid
}

func (b *bench) export(ctx context.Context, n, reps int) {
	sid := b.target(ctx)
	var ds []time.Duration
	var size, entries int
	for range reps {
		b.subjects.Cache.Forget(sid) // include unwrapping the key
		t := time.Now()
		p, err := b.svc.Build(ctx, "rq_bench", sid)
		if err != nil {
			fatal(err)
		}
		out, err := json.Marshal(p)
		if err != nil {
			fatal(err)
		}
		ds = append(ds, time.Since(t))
		size, entries = len(out), len(p.Records)+len(p.Consents)+len(p.Disclosures)
	}
	fmt.Printf("summary export %s subjects=%d entries=%d bytes=%d median=%s runs=%v\n", b.engine, n, entries, size, median(ds), ds)
}

func (b *bench) delete(ctx context.Context, n, reps int) {
	var ds []time.Duration
	for range reps {
		sid := b.target(ctx)
		r := &dsr.Request{ID: id("rq_", mrand.Uint64()), Type: dsr.TypeDeletion, SubjectID: sid, TenantID: "tn_bench0000",
			State: dsr.StateInProgress, Channel: "api", By: "bench", ReceivedAt: time.Now(), VerifiedAt: time.Now(), UpdatedAt: time.Now()}
		if err := b.db.CreateRequest(ctx, &dsr.Change{Request: r}); err != nil {
			fatal(err)
		}
		b.subjects.Cache.Forget(sid)
		t := time.Now()
		if err := b.svc.Advance(ctx, r.ID); err != nil {
			fatal(err)
		}
		ds = append(ds, time.Since(t))
		got, _ := b.db.Request(ctx, r.ID)
		ins, _ := b.db.Instructions(ctx, r.ID)
		if got.Step != "erased" || len(ins) != 3 {
			fatal(fmt.Errorf("deletion ended at step %q with %d instructions", got.Step, len(ins)))
		}
		if _, err := b.subjects.Decrypted(ctx, sid); err == nil {
			fatal(fmt.Errorf("subject readable after deletion"))
		}
	}
	fmt.Printf("summary delete %s subjects=%d median=%s runs=%v\n", b.engine, n, median(ds), ds)
}

// propagate delivers n instructions (requests already erased, 6 recipients each) to a
// receiver that fails a share of calls, until every one is confirmed.
func (b *bench) propagate(ctx context.Context, n int, fail float64, conc int) {
	recips := policy.Default().Recipients()
	var mu sync.Mutex
	applied := map[string]int{} // webhook-id → times the receiver applied it (deduplicated: at most 1)
	deliveries := map[string]int{}
	okCalls, failCalls := 0, 0
	rng := mrand.New(mrand.NewPCG(1, 2))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wid := r.Header.Get("webhook-id")
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		defer mu.Unlock()
		deliveries[wid]++
		x := rng.Float64()
		if x < fail/2 { // fails before applying
			failCalls++
			w.WriteHeader(503)
			return
		}
		if _, ok := applied[wid]; !ok {
			applied[wid] = 1 // the receiver's idempotency: an id is applied once
		}
		if x < fail { // applied, then the answer is lost
			failCalls++
			w.WriteHeader(500)
			return
		}
		okCalls++
		w.WriteHeader(204)
	}))
	defer srv.Close()
	for _, rc := range recips {
		if _, _, err := b.svc.PutEndpoint(ctx, auth.System, rc.Name, srv.URL+"/"+rc.Name, ""); err != nil {
			fatal(err)
		}
	}
	// Requests already past erasure, each with an instruction to every recipient.
	now := time.Now()
	made := 0
	for made < n {
		r := &dsr.Request{ID: id("rq_", uint64(made)), Type: dsr.TypeDeletion, SubjectID: id("sb_", uint64(made)), State: dsr.StateInProgress,
			Channel: "api", By: "bench", Step: "erased", ReceivedAt: now, UpdatedAt: now}
		c := &dsr.Change{Request: r}
		for _, rc := range recips {
			if made == n {
				break
			}
			c.Instructions = append(c.Instructions, &dsr.Instruction{ID: id("msg_", uint64(made)), RequestID: r.ID, Recipient: rc.Name,
				SubjectID: r.SubjectID, Categories: []string{"administrator_data"}, State: dsr.InstructionPending, NextAt: now, CreatedAt: now})
			made++
		}
		if err := b.db.CreateRequest(ctx, c); err != nil {
			fatal(err)
		}
	}
	b.svc.RetryBase, b.svc.RetryMax, b.svc.Concurrency = time.Millisecond, 20*time.Millisecond, conc
	b.svc.HTTP = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc * 2}}
	start := time.Now()
	confirmed, passes := 0, 0
	for confirmed < n {
		c, err := b.svc.Deliver(ctx)
		if err != nil {
			fatal(err)
		}
		confirmed += c
		passes++
		if passes > 10000 {
			fatal(fmt.Errorf("only %d of %d confirmed after %d passes", confirmed, n, passes))
		}
		if c == 0 {
			time.Sleep(5 * time.Millisecond) // wait out the backoff
		}
	}
	el := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	calls := okCalls + failCalls
	once := 0
	for _, v := range applied {
		if v == 1 {
			once++
		}
	}
	var tooMany []string
	for k, v := range deliveries {
		_ = v
		if applied[k] != 1 {
			tooMany = append(tooMany, k)
		}
	}
	slices.Sort(tooMany)
	// Every instruction confirmed exactly once (one 2xx each), applied once by id.
	if okCalls != n || once != n || len(applied) != n || len(tooMany) != 0 {
		fatal(fmt.Errorf("ok calls %d, applied once %d of %d (ids %d)", okCalls, once, n, len(applied)))
	}
	fmt.Printf("summary propagate %s instructions=%d fail=%.2f concurrency=%d calls=%d failed=%d passes=%d elapsed=%s confirmed_per_s=%.0f calls_per_s=%.0f applied_once=%d\n",
		b.engine, n, fail, conc, calls, failCalls, passes, el.Round(time.Millisecond), float64(n)/el.Seconds(), float64(calls)/el.Seconds(), once)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
