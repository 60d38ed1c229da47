package main

import (
	"context"

	"custos.dev/custos/scan"
)

func (m *Main) scan(ctx context.Context, args []string) int {
	return scan.Main(ctx, args, m.Stdin, m.Stdout, m.Stderr)
}
