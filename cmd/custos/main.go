// Command custos runs custos and its operator tools: serve, migrate, token, policy check,
// audit verify, scan.
//
// It stays thin: it parses flags into an app.Config and calls the app package.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain()
	code := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
