package main

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"custos.dev/custos/consent"
	"custos.dev/custos/store/postgres"
)

// The bulk fill writes rows straight into the tables, in big transactions: SQLite through
// its one writer connection with prepared multi-row inserts, PostgreSQL with COPY. Rows
// are what the service would have written, minus the audit events (the audit log is not
// what is measured, and its cost does not depend on these tables).

const benchTenants = 100

// mix is the splitmix64 finaliser, a bijection of uint64: ids made from distinct numbers
// differ in their first 8 bytes.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// benchID looks like the service's ids (prefix and 24 hex digits) and is unique per n.
func benchID(prefix string, n uint64) string {
	var b [12]byte
	binary.BigEndian.PutUint64(b[:8], mix(n))
	binary.BigEndian.PutUint32(b[8:], uint32(mix(^n)))
	return prefix + hex.EncodeToString(b[:])
}

func subjectID(i int) string       { return benchID("sb_", uint64(i)) }
func consentID(i, k int) string    { return benchID("cn_", uint64(i)<<4|uint64(k)) }
func tenantID(j int) string        { return fmt.Sprintf("tn_bench%04d", j) }
func benchEmail(i int) string      { return fmt.Sprintf("user%d@bench.example", i) }
func benchMobile(i int) string     { return fmt.Sprintf("138%08d", i%100_000_000) }
func micros(t time.Time) int64     { return t.UnixMicro() }
func colList(cols []string) string { return strings.Join(cols, ", ") }

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// rowFunc appends row i's values to args.
type rowFunc func(i int, args []any) []any

// bulk inserts rows [from, to) into table (of the key store if keys).
func (b *bench) bulk(ctx context.Context, keys bool, table string, cols []string, from, to int, row rowFunc) error {
	if from >= to {
		return nil
	}
	if b.c.engine == "postgres" {
		schema := b.schema
		if keys {
			schema = postgres.KeysSchema(b.schema)
		}
		return b.pgBulk(ctx, pgx.Identifier{schema, table}, cols, from, to, row)
	}
	db := b.sqliteW
	if keys {
		db = b.sqliteKeysW
	}
	return sqliteBulk(ctx, db, table, cols, from, to, row)
}

// sqliteBulk inserts with one prepared statement of up to 500 rows, 250,000 rows per
// transaction, on the store's single writer connection.
func sqliteBulk(ctx context.Context, db *sql.DB, table string, cols []string, from, to int, row rowFunc) error {
	per := max(1, min(500, 30000/len(cols)))
	const txRows = 250_000
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	text := func(n int) string {
		return "INSERT OR FAIL INTO " + table + " (" + colList(cols) + ") VALUES " + strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
	}
	full, err := db.PrepareContext(ctx, text(per))
	if err != nil {
		return fmt.Errorf("prepare %s: %w", table, err)
	}
	defer full.Close()
	args := make([]any, 0, per*len(cols))
	for start := from; start < to; start += txRows {
		end := min(to, start+txRows)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		st := tx.StmtContext(ctx, full)
		i := start
		for ; i+per <= end; i += per {
			args = args[:0]
			for j := i; j < i+per; j++ {
				args = row(j, args)
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				tx.Rollback()
				return fmt.Errorf("insert %s: %w", table, err)
			}
		}
		if i < end {
			args = args[:0]
			for j := i; j < end; j++ {
				args = row(j, args)
			}
			if _, err := tx.ExecContext(ctx, text(end-i), args...); err != nil {
				tx.Rollback()
				return fmt.Errorf("insert %s: %w", table, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit %s: %w", table, err)
		}
	}
	return nil
}

// pgBulk copies with COPY, a million rows per statement. The session skips the foreign-key
// triggers (session_replication_role = replica) when the server lets it, which is what a
// restore does: the rows are consistent by construction.
func (b *bench) pgBulk(ctx context.Context, table pgx.Identifier, cols []string, from, to int, row rowFunc) error {
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET session_replication_role = replica"); err == nil {
		defer conn.Exec(context.Background(), "RESET session_replication_role")
	}
	const chunk = 1_000_000
	for start := from; start < to; start += chunk {
		end := min(to, start+chunk)
		i := start
		n, err := conn.CopyFrom(ctx, table, cols, pgx.CopyFromFunc(func() ([]any, error) {
			if i >= end {
				return nil, nil
			}
			vals := row(i, make([]any, 0, len(cols)))
			i++
			return vals, nil
		}))
		if err != nil {
			return fmt.Errorf("copy %s: %w", table.Sanitize(), err)
		}
		if n != int64(end-start) {
			return fmt.Errorf("copy %s: %d rows, want %d", table.Sanitize(), n, end-start)
		}
	}
	return nil
}

// withBigCache gives the SQLite writer connections a 1 GiB page cache and in-memory
// statement journals while fn fills the store (random-order index inserts would otherwise
// go to the OS for every page, and multi-row inserts spill their statement journal to a
// temporary file), then puts back what the store opened them with: SQLite's defaults, or
// -writer-pragmas.
func (b *bench) withBigCache(ctx context.Context, fn func() error) error {
	if b.c.engine != "sqlite" {
		return fn()
	}
	for _, db := range []*sql.DB{b.sqliteW, b.sqliteKeysW} {
		for _, p := range []string{"cache_size = -1048576", "temp_store = MEMORY", "foreign_keys = OFF"} {
			if _, err := db.ExecContext(ctx, "PRAGMA "+p); err != nil {
				return err
			}
		}
	}
	err := fn()
	for _, db := range []*sql.DB{b.sqliteW, b.sqliteKeysW} {
		for _, p := range []string{"cache_size = -2000", "temp_store = DEFAULT", "foreign_keys = ON"} {
			if _, e := db.ExecContext(context.Background(), "PRAGMA "+p); e != nil && err == nil {
				err = e
			}
		}
	}
	if err == nil {
		err = b.writerPragmas(ctx)
	}
	return err
}

// writerPragmas applies -writer-pragmas to the SQLite data store's writer connection: a
// what-if, for comparing with the store as it opens itself.
func (b *bench) writerPragmas(ctx context.Context) error {
	if b.c.engine != "sqlite" || b.c.writerPragmas == "" {
		return nil
	}
	for p := range strings.SplitSeq(b.c.writerPragmas, ",") {
		if _, err := b.sqliteW.ExecContext(ctx, "PRAGMA "+strings.TrimSpace(p)); err != nil {
			return fmt.Errorf("-writer-pragmas: %w", err)
		}
	}
	return nil
}

// settle leaves the store as a long-running one would be after the fill: SQLite's WAL
// checkpointed into the database files, PostgreSQL's tables vacuumed and analysed and a
// checkpoint taken; then the page cache's dirty pages are written out (sync), so that the
// measurements do not wait behind the write-back of the bulk load.
func (b *bench) settle(ctx context.Context, tables []string, keyTables []string) error {
	defer syscall.Sync()
	if b.c.engine == "sqlite" {
		for _, db := range []*sql.DB{b.sqliteW, b.sqliteKeysW} {
			if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				return err
			}
		}
		return nil
	}
	var names []string
	for _, t := range tables {
		names = append(names, pgx.Identifier{b.schema, t}.Sanitize())
	}
	for _, t := range keyTables {
		names = append(names, pgx.Identifier{postgres.KeysSchema(b.schema), t}.Sanitize())
	}
	if len(names) > 0 {
		if _, err := b.pool.Exec(ctx, "VACUUM (ANALYZE) "+strings.Join(names, ", ")); err != nil {
			return err
		}
	}
	if _, err := b.pool.Exec(ctx, "CHECKPOINT"); err != nil {
		fmt.Println("note: CHECKPOINT refused (needs superuser or pg_checkpoint):", err)
	}
	return nil
}

func (b *bench) fillTenants(ctx context.Context) error {
	at := micros(epoch)
	return b.bulk(ctx, false, "tenants", []string{"id", "name", "created_at"}, 0, benchTenants, func(j int, a []any) []any {
		return append(a, tenantID(j), fmt.Sprintf("Bench tenant %d", j), at)
	})
}

// fillSubjects adds subjects [from, to): a subject row with a sealed-looking profile (never
// opened by what is measured here), spread over the bench tenants.
func (b *bench) fillSubjects(ctx context.Context, from, to int) error {
	profile := make([]byte, 96)
	for i := range profile {
		profile[i] = byte(i * 7)
	}
	return b.bulk(ctx, false, "subjects", []string{"id", "tenant_id", "kind", "state", "region", "profile", "created_at"}, from, to,
		func(i int, a []any) []any {
			return append(a, subjectID(i), tenantID(i%benchTenants), "end_user", "active", "cn-north", profile, micros(epoch)+int64(i))
		})
}

// ledgerPerSubject is the number of ledger rows of each bulk subject: 8 grants, then the
// withdrawals of grants 0 and 3, so its current state is 6 consents.
const ledgerPerSubject = 10

var ledgerPurposes = [8]string{"marketing", "survey", "transfer_to_licensor", "third_party_analytics",
	"improve_technology", "fraud_prevention", "service_communications", "troubleshooting"}

func ledgerEntry(i, k int) consent.Entry {
	e := consent.Entry{SubjectID: subjectID(i), GivenBy: consent.BySubject, Channel: consent.Channels[k%len(consent.Channels)],
		StatementVersion: "4.0", At: epoch.Add(time.Duration(i*ledgerPerSubject+k) * time.Microsecond)}
	g := k
	e.Action = consent.Grant
	switch k {
	case 8:
		g, e.Action = 0, consent.Withdraw
	case 9:
		g, e.Action = 3, consent.Withdraw
	}
	e.ConsentID = consentID(i, g)
	e.Purpose = ledgerPurposes[g]
	if g%2 == 0 {
		e.Category = "administrator_data"
	}
	e.Separate = e.Purpose == "transfer_to_licensor" || e.Purpose == "third_party_analytics"
	return e
}

// fillLedger adds the ledgers of subjects [from, to). Within each block of 100,000
// subjects the rows go in rounds (every subject's first entry, then every subject's second,
// ...), so that a subject's entries are spread over the table as they are in a ledger
// written over time, not stored next to each other.
func (b *bench) fillLedger(ctx context.Context, from, to int) error {
	const block = 100_000
	cols := []string{"consent_id", "subject_id", "action", "purpose", "category", "separate", "given_by", "channel", "statement_version", "at"}
	for s0 := from; s0 < to; s0 += block {
		n := min(block, to-s0)
		err := b.bulk(ctx, false, "consent_ledger", cols, 0, n*ledgerPerSubject, func(r int, a []any) []any {
			e := ledgerEntry(s0+r%n, r/n)
			sep := int64(0)
			if e.Separate {
				sep = 1
			}
			return append(a, e.ConsentID, e.SubjectID, string(e.Action), e.Purpose, e.Category, sep,
				string(e.GivenBy), e.Channel, e.StatementVersion, micros(e.At))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// fillVault adds, for subjects [from, to), a wrapped key (one made once, reused), an
// administrator_data record (a sealed ~1.1 KB record, reused) and an e-mail lookup token:
// what a store of live subjects holds besides the subject rows.
func (b *bench) fillVault(ctx context.Context, from, to int) error {
	wrapped, dk, err := b.kek.NewDataKey("sb_template")
	if err != nil {
		return err
	}
	sealed, err := dk.Seal(recordPlain(0), []byte("record\x00sb_template\x00administrator_data"))
	if err != nil {
		return err
	}
	at := micros(epoch)
	if err := b.bulk(ctx, true, "subject_keys", []string{"subject_id", "wrapped", "created_at"}, from, to, func(i int, a []any) []any {
		return append(a, subjectID(i), wrapped, at)
	}); err != nil {
		return err
	}
	if err := b.bulk(ctx, false, "records", []string{"subject_id", "category", "region", "sealed", "created_at", "updated_at"}, from, to,
		func(i int, a []any) []any {
			return append(a, subjectID(i), "administrator_data", "cn-north", sealed, at, at)
		}); err != nil {
		return err
	}
	return b.bulk(ctx, false, "lookup_tokens", []string{"kind", "token", "subject_id"}, from, to, func(i int, a []any) []any {
		tok, err := b.tokens.Token("email", benchEmail(i))
		if err != nil {
			panic(err) // benchEmail is always a valid address
		}
		return append(a, "email", tok, subjectID(i))
	})
}
