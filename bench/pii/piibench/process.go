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
	cmds := []command{
		{"custos scan --json FILE > /dev/null", []string{*custos, "--json", path}, func(c int) bool { return c <= 1 }},
		{"custos scan FILE > /dev/null", []string{*custos, path}, func(c int) bool { return c <= 1 }},
		{"custos scan --redact=tag FILE > /dev/null", []string{*custos, "--redact=tag", path}, func(c int) bool { return c <= 1 }},
		{"rg --count-matches -e PATTERN FILE", []string{*rg, "--no-config", "--count-matches", "-e", rgPattern(), path}, func(c int) bool { return c == 0 }},
	}
	fmt.Printf("file %s, %d bytes\n", path, st.Size())
	custosBest, rgTime, err := timeCommands(*runs, cmds, st.Size())
	if err != nil {
		return err
	}
	fmt.Printf("\ncustos scan --json is %.1fx ripgrep (whole process)\n", rgTime.Seconds()/custosBest.Seconds())

	// Many small files, as in a folder of exported tickets: the first
	// 20 MB of the corpus in files of 10 KB.
	dir, err := os.MkdirTemp("", "piibench-files")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files, total, err := splitFiles(path, dir, 2000, 10000)
	if err != nil {
		return err
	}
	fmt.Printf("\n%d files of 10 KB (%d bytes) in %s\n", len(files), total, dir)
	custosBest, rgTime, err = timeCommands(*runs, []command{
		{"custos scan --json FILE... > /dev/null", append([]string{*custos, "--json"}, files...), func(c int) bool { return c <= 1 }},
		{"rg --count-matches -e PATTERN DIR", []string{*rg, "--no-config", "--count-matches", "-e", rgPattern(), dir}, func(c int) bool { return c == 0 }},
	}, total)
	if err != nil {
		return err
	}
	fmt.Printf("\ncustos scan --json is %.1fx ripgrep (many files)\n", rgTime.Seconds()/custosBest.Seconds())
	return nil
}

// command is one command line to time; ok tells the exit codes that are
// no failure.
type command struct {
	name string
	argv []string
	ok   func(int) bool
}

// timeCommands runs each command runs times, prints its median wall time
// and throughput over size bytes, and returns the medians of the custos
// --json command and of ripgrep.
func timeCommands(runs int, cmds []command, size int64) (custosBest, rgTime time.Duration, err error) {
	fmt.Printf("%-44s %10s %10s\n", "command", "median s", "MB/s")
	for _, c := range cmds {
		var runErr error
		wall, _ := measure(runs, func() {
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
			return 0, 0, fmt.Errorf("%s: %w", c.name, runErr)
		}
		fmt.Printf("%-44s %10.3f %10.0f\n", c.name, wall.Seconds(), float64(size)/wall.Seconds()/1e6)
		if strings.HasPrefix(c.name, "custos scan --json") {
			custosBest = wall
		}
		if strings.HasPrefix(c.name, "rg") {
			rgTime = wall
		}
	}
	return custosBest, rgTime, nil
}

// splitFiles writes the first n*size bytes of the file at path into n
// files of size bytes in dir, and returns their names and total size.
func splitFiles(path, dir string, n, size int) ([]string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var names []string
	var total int64
	buf := make([]byte, size)
	for i := range n {
		m, err := io.ReadFull(f, buf)
		if m == 0 {
			break
		}
		name := fmt.Sprintf("%s/t%04d.txt", dir, i)
		if werr := os.WriteFile(name, buf[:m], 0o600); werr != nil {
			return nil, 0, werr
		}
		names = append(names, name)
		total += int64(m)
		if err != nil {
			break
		}
	}
	return names, total, nil
}
