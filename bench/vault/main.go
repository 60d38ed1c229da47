// Command vault measures custos's vault and consent ledger on a real store, SQLite or
// PostgreSQL, through the same code the server runs (subject.Service, store/sqldb):
//
//	records   PutRecord and GetRecord (masked, and with an allowed purpose) of ~1 KB
//	          administrator_data records, and the share of that time spent in the AEAD
//	consents  grants per second appended with AppendConsents, 1, 100 and 1000 per
//	          transaction, each with its audit event
//	lookup    the current-state lookup (ConsentHistory + consent.Current) of random
//	          subjects as the ledger grows (10k, 1M, 10M rows, bulk-filled)
//	erase     Service.Erase of one subject in stores of 10k and 1M subjects
//
// Every loop is bounded in count and in time. The SQLite data folder (under /tmp) and the
// PostgreSQL schemas (custos_bench_<random> and its _keys schema) are made for the run and
// removed at its end. Lines starting with "summary" are the results; bench/vault/run.sh
// runs everything on both engines and bench/README.md ("Vault and consent ledger") has the
// figures.
//
//	go run ./bench/vault -engine sqlite -what records
//	go run ./bench/vault -engine postgres -what lookup -lookup-rows 10000,1000000
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"custos.dev/custos/auditlog"
	"custos.dev/custos/policy"
	"custos.dev/custos/store/postgres"
	"custos.dev/custos/store/postgres/pgtest"
	"custos.dev/custos/store/sqldb"
	"custos.dev/custos/store/sqlite"
	"custos.dev/custos/subject"
	"custos.dev/custos/vault"
)

type config struct {
	engine, what, dsn, data string
	keep                    bool
	reps                    int
	timeout                 time.Duration
	repTime                 time.Duration
	cpuProfile              string
	writerPragmas           string
	startProfile            func() error
	label                   string

	records int // records: records written and read per repetition

	batches []int // consents: grants per transaction
	grants  int   // consents: grants per repetition (at most)
	// consents: time-ordered consent ids rather than random ones like the service's (a what-if)
	orderedIDs bool
	prefill    []int // consents: ledger rows already in the store

	lookupRows []int // lookup: ledger sizes, 10 rows per subject
	lookups    int   // lookup: lookups per repetition

	eraseSubjects []int // erase: store sizes in subjects
	erasures      int   // erase: erasures per repetition
}

func main() {
	var c config
	var batches, prefill, lookupRows, eraseSubjects string
	flag.StringVar(&c.engine, "engine", "sqlite", "sqlite or postgres")
	flag.StringVar(&c.what, "what", "records", "records, consents, lookup or erase")
	flag.StringVar(&c.dsn, "dsn", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server (a schema is made for the run and dropped)")
	flag.StringVar(&c.data, "data", "", "SQLite data folder: must not exist, made and removed by the run (default: a new folder under /tmp)")
	flag.BoolVar(&c.keep, "keep", false, "keep the SQLite folder / PostgreSQL schemas")
	flag.IntVar(&c.reps, "reps", 5, "repetitions")
	flag.DurationVar(&c.timeout, "timeout", 45*time.Minute, "the whole run stops after this")
	flag.DurationVar(&c.repTime, "rep-time", 20*time.Second, "a repetition stops early after this")
	flag.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured part to this file")
	flag.StringVar(&c.label, "label", "", "a name for this variant, put in the summary lines")
	flag.StringVar(&c.writerPragmas, "writer-pragmas", "", "SQLite: pragmas for the data store's writer connection, comma-separated (a what-if; default: the store's own settings)")
	flag.IntVar(&c.records, "records", 1000, "records: records written and read per repetition")
	flag.StringVar(&batches, "batches", "1,100,1000", "consents: grants per transaction")
	flag.IntVar(&c.grants, "grants", 50000, "consents: grants per repetition (at most 5000 in batches of 1; fewer if -rep-time runs out)")
	flag.BoolVar(&c.orderedIDs, "ordered-consent-ids", false, "consents: time-ordered consent ids instead of random ones like the service's (a what-if)")
	flag.StringVar(&prefill, "consents-ledger", "0,1000000", "consents: ledger rows in the store before the grants (bulk-filled), one fresh store per size and batch")
	flag.StringVar(&lookupRows, "lookup-rows", "10000,1000000,10000000", "lookup: ledger sizes in rows (10 per subject)")
	flag.IntVar(&c.lookups, "lookups", 2000, "lookup: lookups per repetition")
	flag.StringVar(&eraseSubjects, "erase-subjects", "10000,1000000", "erase: store sizes in subjects")
	flag.IntVar(&c.erasures, "erasures", 10, "erase: erasures per repetition")
	flag.Parse()

	var err error
	if c.batches, err = ints(batches, 1); err == nil {
		if c.prefill, err = ints(prefill, 0); err == nil {
			c.lookupRows, err = ints(lookupRows, ledgerPerSubject)
		}
		if err == nil {
			c.eraseSubjects, err = ints(eraseSubjects, 1)
		}
	}
	if err == nil && (c.engine != "sqlite" && c.engine != "postgres") {
		err = fmt.Errorf("-engine: want sqlite or postgres")
	}
	if err == nil && c.reps < 1 {
		err = fmt.Errorf("-reps: want at least 1")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vault bench:", err)
		os.Exit(2)
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "vault bench:", err)
		os.Exit(1)
	}
}

func ints(s string, least int) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < least {
			return nil, fmt.Errorf("%q: want integers of at least %d separated by commas", s, least)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(c config) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	if c.engine == "sqlite" {
		// One data folder for the run; each store is a folder inside it.
		var err error
		if c.data == "" {
			if c.data, err = os.MkdirTemp("/tmp", "custos-vault-bench-"); err != nil {
				return err
			}
		} else {
			if c.data, err = filepath.Abs(c.data); err != nil {
				return err
			}
			if err := os.Mkdir(c.data, 0o700); err != nil {
				return fmt.Errorf("-data must name a folder that does not exist yet (it is removed at the end): %w", err)
			}
		}
		if !c.keep {
			defer os.RemoveAll(c.data)
		}
		fmt.Printf("data folder %s\n", c.data)
	}
	fmt.Printf("== %s on %s, load average %s, %s\n", c.what, c.engine, loadavg(), time.Now().Format("2006-01-02 15:04"))
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		started := false
		c.startProfile = func() error {
			if started {
				return nil
			}
			started = true
			return pprof.StartCPUProfile(f)
		}
		defer pprof.StopCPUProfile()
		if c.what != "records" { // records starts it after its setup
			if err := c.startProfile(); err != nil {
				return err
			}
		}
	} else {
		c.startProfile = func() error { return nil }
	}
	var err error
	if c.what == "consents" {
		err = runConsents(ctx, c) // a fresh store per batch size
	} else {
		err = runOne(ctx, c)
	}
	fmt.Printf("== end, load average %s\n", loadavg())
	return err
}

func runOne(ctx context.Context, c config) error {
	b, err := open(ctx, c)
	if err != nil {
		return err
	}
	defer b.close()
	switch c.what {
	case "records":
		return b.records(ctx)
	case "lookup":
		return b.lookup(ctx)
	case "erase":
		return b.erase(ctx)
	}
	return fmt.Errorf("-what: want records, consents, lookup or erase")
}

// bench is one store for one run.
type bench struct {
	c      config
	db     *sqldb.DB   // the data store
	keys   *sqldb.Keys // the key store
	svc    *subject.Service
	kek    *vault.KEK
	tokens *vault.Tokenizer

	// SQLite: the writer pools of the data and key files; PostgreSQL: the pool and the
	// data schema (the key store is <schema>_keys).
	sqliteW, sqliteKeysW *sql.DB
	pool                 *pgxpool.Pool
	schema               string

	closers []func()
}

func (b *bench) close() {
	for _, f := range slices.Backward(b.closers) {
		f()
	}
}

func open(ctx context.Context, c config) (*bench, error) {
	b := &bench{c: c}
	skey, _, err := auditlog.GenerateKey("bench.custos/audit")
	if err != nil {
		return nil, err
	}
	signer, err := auditlog.NewSigner(skey)
	if err != nil {
		return nil, err
	}
	switch c.engine {
	case "sqlite":
		dir, err := os.MkdirTemp(c.data, "store-")
		if err != nil {
			return nil, err
		}
		if !c.keep {
			b.closers = append(b.closers, func() { os.RemoveAll(dir) })
		}
		s, err := sqlite.Open(ctx, dir, signer)
		if err != nil {
			b.close()
			return nil, err
		}
		b.closers = append(b.closers, func() { s.Close() })
		b.db, b.keys, b.sqliteW, b.sqliteKeysW = s.DB, s.Keys, s.W, s.Keys.DB.W
	case "postgres":
		conn, err := pgx.Connect(ctx, c.dsn)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		defer conn.Close(ctx)
		var r [6]byte
		_, _ = rand.Read(r[:])
		b.schema = "custos_bench_" + hex.EncodeToString(r[:])
		if _, err := conn.Exec(ctx, "CREATE SCHEMA "+b.schema); err != nil {
			return nil, err
		}
		if !c.keep {
			b.closers = append(b.closers, func() {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				c, err := pgx.Connect(ctx, b.c.dsn)
				if err != nil {
					fmt.Fprintln(os.Stderr, "drop schemas:", err)
					return
				}
				defer c.Close(ctx)
				for _, s := range []string{b.schema, postgres.KeysSchema(b.schema)} {
					if _, err := c.Exec(ctx, "DROP SCHEMA IF EXISTS "+s+" CASCADE"); err != nil {
						fmt.Fprintln(os.Stderr, "drop schema:", err)
					}
				}
			})
		}
		s, err := postgres.Open(ctx, pgtest.WithSearchPath(c.dsn, b.schema), signer)
		if err != nil {
			b.close()
			return nil, err
		}
		b.closers = append(b.closers, func() { s.Close() })
		b.db, b.keys, b.pool = s.DB, s.Keys, s.Pool
		fmt.Printf("schemas %s, %s\n", b.schema, postgres.KeysSchema(b.schema))
	}
	kekJSON, err := vault.GenerateKEK()
	if err == nil {
		b.kek, err = vault.NewKEK(kekJSON)
	}
	if err != nil {
		b.close()
		return nil, err
	}
	tk, err := vault.GenerateTokenKey()
	if err == nil {
		b.tokens, err = vault.NewTokenizer(tk)
	}
	if err != nil {
		b.close()
		return nil, err
	}
	// As app.go wires it.
	if err := b.writerPragmas(ctx); err != nil {
		b.close()
		return nil, err
	}
	b.svc = &subject.Service{Store: b.db, Keys: b.keys, Consents: b.db, KEK: b.kek, Tokens: b.tokens,
		Cache: vault.NewKeyCache(10000), Policy: policy.Default(), Region: "cn-north"}
	return b, nil
}

func loadavg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func load1() string { return strings.Fields(loadavg() + " ?")[0] }

// median of xs (xs is not changed).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// pct is the nearest-rank q-quantile of ds.
func pct(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func fmtRate(x float64) string {
	switch {
	case x >= 100:
		return strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func fmtRates(xs []float64) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmtRate(x)
	}
	return strings.Join(out, " ")
}

// deadline bounds a repetition in time.
func deadline(d time.Duration) func() bool {
	end := time.Now().Add(d)
	return func() bool { return time.Now().After(end) }
}
