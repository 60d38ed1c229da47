package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"custos.dev/custos/app"
	"custos.dev/custos/auth"
)

// token create|list|revoke work on the database directly, also while a server runs on it
// (SQLite's busy timeout and PostgreSQL's row locks keep the writers apart).
func (m *Main) token(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, "usage: custos token create|list|revoke")
		return exitUsage
	}
	sub, args := args[0], args[1:]
	cf := newFlags(m, "token "+sub)
	role := cf.fs.String("role", "", "the token's role: "+rolesList())
	tenant := cf.fs.String("tenant", "", "the tenant a customer-admin token is bound to")
	label := cf.fs.String("label", "", "a note saying what the token is for")
	location := cf.fs.String("location", "cn", "where the holder works: cn (mainland China) or abroad")
	asJSON := cf.fs.Bool("json", false, "print JSON")
	if err := cf.fs.Parse(args); err != nil {
		return exitUsage
	}
	switch sub {
	case "create":
		if *role == "" {
			fmt.Fprintln(m.Stderr, "custos: --role is required: "+rolesList())
			return exitUsage
		}
	case "revoke":
		if cf.fs.NArg() != 1 {
			fmt.Fprintln(m.Stderr, "usage: custos token revoke ID")
			return exitUsage
		}
	case "list":
	default:
		fmt.Fprintf(m.Stderr, "custos: unknown token command %q: want create, list or revoke\n", sub)
		return exitUsage
	}
	a, err := m.open(ctx, cf, app.KeyCreate)
	if err != nil {
		m.fail(err)
		return exitUsage
	}
	defer a.Close()
	switch sub {
	case "create":
		secret, t, err := a.Auth.Create(ctx, auth.System, auth.Role(*role), *tenant, *label, *location)
		if err != nil {
			m.fail(err)
			return exitUsage
		}
		if *asJSON {
			_ = json.NewEncoder(m.Stdout).Encode(map[string]any{"id": t.ID, "role": t.Role, "tenant": t.Tenant, "token": secret})
		} else {
			// The secret alone on stdout, so that TOKEN=$(custos token create ...) works;
			// what it is goes to stderr.
			fmt.Fprintln(m.Stdout, secret)
			fmt.Fprintf(m.Stderr, "created token %s (role %s%s); the secret above is shown only once\n", t.ID, t.Role, tenantNote(t.Tenant))
		}
	case "revoke":
		if err := a.Auth.Revoke(ctx, auth.System, cf.fs.Arg(0)); err != nil {
			m.fail(err)
			return exitFail
		}
		fmt.Fprintln(m.Stdout, "revoked", cf.fs.Arg(0))
	case "list":
		ts, err := a.Store.ListTokens(ctx)
		if err != nil {
			m.fail(err)
			return exitFail
		}
		if *asJSON {
			_ = json.NewEncoder(m.Stdout).Encode(ts)
			return exitOK
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tTENANT\tLOCATION\tLABEL\tCREATED\tREVOKED")
		for _, t := range ts {
			revoked := ""
			if !t.RevokedAt.IsZero() {
				revoked = t.RevokedAt.Format("2006-01-02 15:04:05Z")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.Tenant, t.Location, t.Label, t.CreatedAt.Format("2006-01-02 15:04:05Z"), revoked)
		}
		tw.Flush()
	}
	return exitOK
}

func rolesList() string {
	s := ""
	for i, r := range auth.Roles {
		if i > 0 {
			s += ", "
		}
		s += string(r)
	}
	return s
}

func tenantNote(t string) string {
	if t == "" {
		return ""
	}
	return ", tenant " + t
}
