package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/gureum-dev/gureum/internal/lambda/bootstrap"
	"github.com/gureum-dev/gureum/internal/sandbox"
)

func init() {
	register("doctor", command{
		summary: "check this host: sandboxing (namespaces, cgroups) and which Lambda runtimes it can run",
		run:     runDoctor,
	})
}

func runDoctor(_ context.Context, _ []string, stdout, _ io.Writer) int {
	caps, err := sandbox.Check()
	fmt.Fprintln(stdout, "Sandbox:")
	if err != nil {
		fmt.Fprintf(stdout, "  not available: %v\n", err)
	}
	fmt.Fprintf(stdout, "  %s\n\nRuntimes:\n", caps)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  RUNTIME\tSTATUS\tINTERPRETER\tVERSION\tSDK\tNOTE")
	ok := 0
	for _, r := range bootstrap.Available() {
		status, note := "ok", r.Note
		if !r.Available {
			status, note = "missing", r.Reason
		} else {
			ok++
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", r.ID, status, dash(r.Interpreter), dash(r.Version), dash(r.SDK), note)
	}
	_ = tw.Flush()
	fmt.Fprintf(stdout, "\n%d runtimes can run here.\n", ok)
	if err != nil {
		return exitError
	}
	return exitOK
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
