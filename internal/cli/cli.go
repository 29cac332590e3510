// Package cli implements gureum's command line: one file per command. Main
// dispatches on the first argument; commands write to the given streams and
// return a process exit code, so they are testable in-process.
package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes shared by all commands.
const (
	exitOK    = 0
	exitError = 1 // the command ran and failed, or bad usage
)

// command is one subcommand. run gets the arguments after the command name.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands is filled by each command's file in an init function, so adding a
// command touches only its own file.
var commands = map[string]command{}

func register(name string, c command) {
	if _, dup := commands[name]; dup {
		panic("cli: command registered twice: " + name)
	}
	commands[name] = c
}

// Main runs the command named by args[0] and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "gureum: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitError
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	width := 0
	for n := range commands {
		names = append(names, n)
		width = max(width, len(n))
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("gureum: serverless functions and workflows, AWS-compatible, on your machine.\n\nUsage: gureum COMMAND [flags]\n\nCommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, n, commands[n].summary)
	}
	b.WriteString("\nRun 'gureum COMMAND -h' for a command's flags.\n")
	io.WriteString(w, b.String())
}
