package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/gureum-dev/gureum/internal/config"
	"github.com/gureum-dev/gureum/internal/server"
	"github.com/gureum-dev/gureum/internal/version"
)

func init() {
	register("up", command{
		summary: "run gureum for development: 127.0.0.1:4566, friendly output (same flags as server)",
		run: func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return runServer(ctx, "up", args, stdout, stderr, true)
		},
	})
	register("server", command{
		summary: "run a gureum node (JSON logs; see -h for flags)",
		run: func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return runServer(ctx, "server", args, stdout, stderr, false)
		},
	})
}

// shutdownGrace is how long in-flight requests get to finish on SIGINT/SIGTERM.
const shutdownGrace = 30 * time.Second

func runServer(ctx context.Context, name string, args []string, stdout, stderr io.Writer, friendly bool) int {
	cfg := config.Default(os.Getenv)
	if !friendly {
		cfg.LogFormat = "json"
	}
	if err := cfg.FromEnv(os.Getenv); err != nil {
		fmt.Fprintf(stderr, "gureum %s: %v\n", name, err)
		return exitError
	}
	fs := flag.NewFlagSet("gureum "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitError
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gureum %s: unexpected arguments %q\n", name, fs.Args())
		return exitError
	}
	log := newLogger(stderr, cfg)
	srv, err := server.New(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "gureum %s: %v\n", name, err)
		return exitError
	}
	if err := srv.Start(); err != nil {
		_ = srv.Shutdown(context.Background())
		fmt.Fprintf(stderr, "gureum %s: %v\n", name, err)
		return exitError
	}
	base := "http://" + srv.Addr()
	if friendly {
		where := cfg.DataDir
		if cfg.Store != "" {
			where = "PostgreSQL"
		}
		fmt.Fprintf(stdout, "gureum %s is up\n  API:     %s  (aws --endpoint-url %s ...)\n  Console: %s/console/\n  Health:  %s/_gureum/health\n  Metrics: %s/metrics\n  Data:    %s\nPress Ctrl-C to stop.\n",
			version.String(), base, base, base, base, base, where)
	} else {
		log.Info("listening", "addr", srv.Addr(), "version", version.String(), "auth", cfg.AuthRequired())
	}
	code := exitOK
	select {
	case <-ctx.Done():
	case err := <-srv.Done():
		if err != nil {
			log.Error("server stopped", "err", err)
			code = exitError
		}
	}
	log.Info("shutting down; waiting for in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown", "err", err)
		return exitError
	}
	log.Info("stopped")
	return code
}

func newLogger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
