// Command piibench generates the PI benchmark corpus, scores the scanner
// against its labels, and measures throughput side by side with Go's
// regexp and ripgrep. bench/pii/run.sh drives it; bench/README.md
// ("## PI scanner") holds the figures.
//
//	piibench gen -size 200MB -seed 1 -o corpus.txt -labels labels.jsonl
//	piibench score -labels labels.jsonl corpus.txt
//	piibench throughput -runs 5 corpus.txt
//	piibench process -runs 5 -custos ./custos-scan corpus.txt
//	piibench adversarial
//	piibench kinds
//
// The corpus is synthetic; no real person's data is ever used.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: piibench gen|score|throughput|process|adversarial|kinds [flags]")
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "gen":
		err = genCmd(args)
	case "score":
		err = scoreCmd(args)
	case "throughput":
		err = throughputCmd(args)
	case "process":
		err = processCmd(args)
	case "adversarial":
		err = adversarialCmd(args)
	case "kinds":
		err = kindsCmd(args)
	default:
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "piibench:", err)
		os.Exit(1)
	}
}
