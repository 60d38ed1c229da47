package main

import (
	"fmt"
	"os"

	"custos.dev/custos/policy"
)

// policy check [FILE] validates a statement-as-code document: the embedded default when
// no file is given. Errors name the file, line and column.
func (m *Main) policy(args []string) int {
	if len(args) == 0 || args[0] != "check" || len(args) > 2 {
		fmt.Fprintln(m.Stderr, "usage: custos policy check [FILE]")
		return exitUsage
	}
	name, data := "(embedded default)", policy.DefaultDocument()
	if len(args) == 2 {
		name = args[1]
		var err error
		if data, err = os.ReadFile(name); err != nil {
			fmt.Fprintln(m.Stderr, "custos:", err)
			return exitUsage
		}
	}
	doc, err := policy.Parse(name, data)
	if err == nil {
		_, err = policy.Compile(doc)
	}
	if err != nil {
		fmt.Fprintln(m.Stderr, err)
		return exitFail
	}
	fmt.Fprintf(m.Stdout, "%s: ok\n", name)
	return exitOK
}
