// Command gureum is a self-hosted serverless platform: AWS Lambda and AWS
// Step Functions compatible APIs in one binary. See internal/cli for the
// commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/gureum-dev/gureum/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
