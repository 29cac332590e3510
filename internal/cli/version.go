package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/gureum-dev/gureum/internal/version"
)

func init() {
	register("version", command{
		summary: "print the version",
		run: func(_ context.Context, _ []string, stdout, _ io.Writer) int {
			fmt.Fprintln(stdout, "gureum", version.String())
			return exitOK
		},
	})
}
