// Command pgping exits 0 when the PostgreSQL server of the connection string given as its
// argument answers, 1 otherwise. CI uses it to refuse to run with PostgreSQL down.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pgping postgres://...")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, os.Args[1])
	if err == nil {
		err = conn.Ping(ctx)
		conn.Close(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "postgres does not answer:", err)
		os.Exit(1)
	}
}
