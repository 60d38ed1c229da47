package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"custos.dev/custos/app"
	"custos.dev/custos/auditlog"
)

// audit verify recomputes the Merkle tree from the stored events and checks it against
// every signed checkpoint. Exit 0 and one line when intact; exit 1 naming the first bad
// index when not.
func (m *Main) audit(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(m.Stderr, "usage: custos audit verify [--verifier-key KEY] [flags]")
		return exitUsage
	}
	cf := newFlags(m, "audit verify")
	vkey := cf.fs.String("verifier-key", "", "the log's published verifier key (name+hash+base64); default: the key of --audit-key")
	if err := cf.fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	a, err := m.open(ctx, cf, app.KeyOptional)
	if err != nil {
		m.fail(err)
		return exitUsage
	}
	defer a.Close()
	var rep auditlog.Report
	switch {
	case *vkey != "":
		rep, err = a.VerifyAuditWith(ctx, *vkey)
	case a.Signer != nil:
		rep, err = a.VerifyAudit(ctx)
	default:
		fmt.Fprintln(m.Stderr, "custos: no audit key here: give --verifier-key with the log's published key (GET /v1/audit/key)")
		return exitUsage
	}
	var f *auditlog.Failure
	if errors.As(err, &f) {
		fmt.Fprintln(m.Stdout, f.Error())
		return exitFail
	}
	if err != nil {
		m.fail(err)
		return exitUsage
	}
	fmt.Fprintf(m.Stdout, "audit log intact: size %d, root %s (%d signed checkpoints checked)\n",
		rep.Size, base64.StdEncoding.EncodeToString(rep.Root[:]), rep.Checkpoints)
	return exitOK
}
