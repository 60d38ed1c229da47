package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// processCmd times whole processes on the same file, page cache warm:
// `custos scan` against ripgrep.
func processCmd(args []string) error {
	fs := flag.NewFlagSet("process", flag.ExitOnError)
	runs := fs.Int("runs", 5, "runs per command (median reported)")
	custos := fs.String("custos", "./custos-scan", "custos scan binary (bench/pii/cmd)")
	rg := fs.String("rg", "rg", "ripgrep binary")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("process: one corpus file")
	}
	path := fs.Arg(0)
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	// Warm the page cache.
	if f, err := os.Open(path); err == nil {
		io.Copy(io.Discard, f)
		f.Close()
	}
	cmds := []struct {
		name string
		argv []string
		ok   func(int) bool
	}{
		{"custos scan --json FILE > /dev/null", []string{*custos, "--json", path}, func(c int) bool { return c <= 1 }},
		{"custos scan FILE > /dev/null", []string{*custos, path}, func(c int) bool { return c <= 1 }},
		{"custos scan --redact=tag FILE > /dev/null", []string{*custos, "--redact=tag", path}, func(c int) bool { return c <= 1 }},
		{"rg --count-matches -e PATTERN FILE", []string{*rg, "--no-config", "--count-matches", "-e", rgPattern(), path}, func(c int) bool { return c == 0 }},
	}
	fmt.Printf("file %s, %d bytes\n%-44s %10s %10s\n", path, st.Size(), "command", "median s", "MB/s")
	var custosBest, rgTime time.Duration
	for _, c := range cmds {
		var runErr error
		wall, _ := measure(*runs, func() {
			cmd := exec.Command(c.argv[0], c.argv[1:]...)
			cmd.Stdout = io.Discard
			cmd.Stderr = os.Stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if errors.As(err, &ee) && c.ok(ee.ExitCode()) {
				err = nil
			}
			if err != nil {
				runErr = err
			}
		})
		if runErr != nil {
			return fmt.Errorf("%s: %w", c.name, runErr)
		}
		fmt.Printf("%-44s %10.3f %10.0f\n", c.name, wall.Seconds(), float64(st.Size())/wall.Seconds()/1e6)
		if strings.HasPrefix(c.name, "custos scan --json") {
			custosBest = wall
		}
		if strings.HasPrefix(c.name, "rg") {
			rgTime = wall
		}
	}
	fmt.Printf("\ncustos scan --json is %.1fx ripgrep (whole process)\n", rgTime.Seconds()/custosBest.Seconds())
	return nil
}
