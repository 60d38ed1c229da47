package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"custos.dev/custos/app"
	"custos.dev/custos/auth"
	"custos.dev/custos/httpapi"
)

const retentionUsage = `usage:
  custos retention plan  [--until DATE|TIME] [--limit N] [--json] [flags]   what will be deleted or anonymised, when, why
  custos retention sweep [--batch N] [flags]                                 do now what is due (the server does it every --retention-interval)
`

// retention plan prints the retention schedule; retention sweep runs one sweep.
func (m *Main) retention(ctx context.Context, args []string) int {
	if len(args) == 0 || (args[0] != "plan" && args[0] != "sweep") {
		fmt.Fprint(m.Stderr, retentionUsage)
		return exitUsage
	}
	cf := newFlags(m, "retention "+args[0])
	until := cf.fs.String("until", "", "plan up to this date (YYYY-MM-DD) or RFC 3339 time (default: 90 days from now)")
	limit := cf.fs.Int("limit", 1000, "plan at most this many entries (1 to 10000)")
	asJSON := cf.fs.Bool("json", false, "print the plan as JSON")
	batch := cf.fs.Int("batch", 0, "records or subjects per transaction (default 500)")
	if err := cf.fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	a, err := m.open(ctx, cf, app.KeyCreate)
	if err != nil {
		m.fail(err)
		return exitUsage
	}
	defer a.Close()
	if a.Retention == nil {
		fmt.Fprintln(m.Stderr, "custos: the vault's keys are missing: retention needs them")
		return exitUsage
	}
	if args[0] == "sweep" {
		a.Retention.Batch = *batch
		start := time.Now()
		rep, err := a.Retention.Sweep(ctx)
		if err != nil {
			m.fail(err)
			return exitFail
		}
		fmt.Fprintf(m.Stdout, "retention sweep: %d records deleted, %d anonymised, %d subjects erased, %d told of a termination, %d cancelled by one (%s)\n",
			rep.Deleted, rep.Anonymised, rep.Erased, rep.Notified, rep.Cancelled, time.Since(start).Round(time.Millisecond))
		return exitOK
	}
	t := time.Now().UTC().AddDate(0, 0, 90)
	if *until != "" {
		if t, err = httpapi.ParseUntil(*until); err != nil {
			fmt.Fprintln(m.Stderr, "custos: --until: want a date (YYYY-MM-DD) or an RFC 3339 time")
			return exitUsage
		}
	}
	plan, err := a.Retention.Schedule(ctx, auth.System, t, *limit)
	if err != nil {
		m.fail(err)
		return exitUsage
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(plan)
		return exitOK
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DUE (UTC)\tACTION\tSUBJECT\tTENANT\tCATEGORY\tWHY\tRIDS")
	for _, e := range plan.Entries {
		why := e.Rule + " from " + e.ClockStart.Format(time.DateOnly)
		if e.NetworkLogFloor {
			why += "; network logs kept six months from the last write"
		}
		action := e.Action
		if e.Held {
			action += " (held)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.DueAt.Format("2006-01-02 15:04"), action, e.SubjectID, e.TenantID, e.Category, why, strings.Join(e.RIDs, ","))
	}
	_ = tw.Flush()
	more := ""
	if plan.Truncated {
		more = " (truncated: use --limit or an earlier --until)"
	}
	fmt.Fprintf(m.Stdout, "%d entries due by %s%s\n", len(plan.Entries), plan.Until.Format(time.RFC3339), more)
	return exitOK
}
