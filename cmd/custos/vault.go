package main

import (
	"context"
	"fmt"

	"custos.dev/custos/app"
)

// vault rotate-kek rotates the vault's key-encryption key and re-wraps every data key.
func (m *Main) vault(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "rotate-kek" {
		fmt.Fprintln(m.Stderr, "usage: custos vault rotate-kek [--retire] [flags]  (with the servers stopped)")
		return exitUsage
	}
	cf := newFlags(m, "vault rotate-kek")
	retire := cf.fs.Bool("retire", false, "then delete the old key versions, so keys from old backups open no more")
	if err := cf.fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	a, err := m.open(ctx, cf, app.KeyCreate)
	if err != nil {
		m.fail(err)
		return exitUsage
	}
	defer a.Close()
	rep, err := a.RotateVaultKEK(ctx, *retire)
	if err != nil {
		m.fail(err)
		return exitFail
	}
	fmt.Fprintf(m.Stdout, "key-encryption key rotated: %d data keys re-wrapped, %d already current", rep.Rewrapped, rep.Current)
	if rep.Retired {
		fmt.Fprint(m.Stdout, "; old key versions retired")
	}
	fmt.Fprintln(m.Stdout)
	return exitOK
}
