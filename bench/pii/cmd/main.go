// Command cmd is `custos scan` on its own, for benchmarking the scanner as
// a whole process before and apart from cmd/custos. It is scan.Main and
// nothing else.
package main

import (
	"context"
	"os"
	"os/signal"

	"custos.dev/custos/scan"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := scan.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
