package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/asl/jsonata"
	"github.com/gureum-dev/gureum/internal/lambdaclient"
	"github.com/gureum-dev/gureum/internal/sfnmock"
	"github.com/gureum-dev/gureum/internal/sfnrun"
)

func init() {
	register("sfn", command{
		summary: "Step Functions: sfn run|validate DEF.json (in-process); sfn create|start|history|list|describe (server)",
		run:     runSFN,
	})
}

func runSFN(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: gureum sfn run|validate DEF.json [flags]")
		return exitError
	}
	switch args[0] {
	case "run":
		return sfnRun(ctx, args[1:], stdout, stderr)
	case "validate":
		return sfnValidate(args[1:], stdout, stderr)
	case "create", "start", "history", "list", "describe":
		return sfnRemote(ctx, args[0], args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "gureum sfn: unknown subcommand %q (have: run, validate, create, start, history, list, describe)\n", args[0])
		return exitError
	}
}

func sfnRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gureum sfn run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gureum sfn run DEF.json [--input JSON|@file] [--history] [--mock-config FILE --test-case NAME] [--endpoint URL]")
		fs.PrintDefaults()
	}
	input := fs.String("input", "{}", "execution input: JSON text or @file")
	history := fs.Bool("history", false, "add the execution history (GetExecutionHistory's events) to the output")
	mockConfig := fs.String("mock-config", "", "Step Functions Local mock configuration `file`")
	testCase := fs.String("test-case", "", "test case of the mock configuration to use")
	machineName := fs.String("state-machine", "", "state machine name in the mock configuration (default: its only one, else the file's base name)")
	endpoint := fs.String("endpoint", "", "Lambda-compatible endpoint `URL` that runs Lambda tasks (e.g. http://127.0.0.1:4566)")
	name := fs.String("name", "", "execution name")
	waitScale := fs.Float64("wait-scale", 1, "scale real waiting for Wait states, backoff and timeouts (0: don't wait; history keeps real times)")
	typ := fs.String("type", "STANDARD", "execution type: STANDARD (history limited to 25,000 events, as on AWS) or EXPRESS (no history limit)")
	region := fs.String("region", envOr("AWS_REGION", envOr("AWS_DEFAULT_REGION", "us-east-1")), "region for ARNs and the endpoint")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitError
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitError
	}
	if (*mockConfig == "") != (*testCase == "") {
		fmt.Fprintln(stderr, "gureum sfn run: --mock-config and --test-case go together")
		return exitError
	}
	if *typ != "STANDARD" && *typ != "EXPRESS" {
		fmt.Fprintln(stderr, "gureum sfn run: --type must be STANDARD or EXPRESS")
		return exitError
	}
	if *waitScale < 0 {
		fmt.Fprintln(stderr, "gureum sfn run: --wait-scale must be ≥ 0")
		return exitError
	}
	def, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "gureum sfn run:", err)
		return exitError
	}
	m, err := asl.CompileWith(def, asl.CompileOptions{JSONata: jsonata.Engine()})
	if err != nil {
		printDiagnostics(stderr, pos[0], err)
		return exitError
	}
	in, err := readArg(*input)
	if err != nil {
		fmt.Fprintln(stderr, "gureum sfn run: --input:", err)
		return exitError
	}
	if !json.Valid(in) {
		fmt.Fprintln(stderr, "gureum sfn run: --input is not valid JSON")
		return exitError
	}
	smName := *machineName
	var tasks sfnrun.Tasks
	if *endpoint != "" {
		tasks = &sfnrun.Lambda{Client: &lambdaclient.Client{Endpoint: *endpoint, Region: *region,
			AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY")}}
	}
	if *mockConfig != "" {
		raw, err := os.ReadFile(*mockConfig)
		if err != nil {
			fmt.Fprintln(stderr, "gureum sfn run:", err)
			return exitError
		}
		cfg, err := sfnmock.Parse(raw)
		if err != nil {
			fmt.Fprintln(stderr, "gureum sfn run:", err)
			return exitError
		}
		if smName == "" {
			if ms := cfg.Machines(); len(ms) == 1 {
				smName = ms[0]
			} else {
				smName = strings.TrimSuffix(filepath.Base(pos[0]), filepath.Ext(pos[0]))
			}
		}
		tc, err := cfg.TestCase(smName, *testCase)
		if err != nil {
			fmt.Fprintln(stderr, "gureum sfn run:", err)
			return exitError
		}
		tasks = &sfnrun.Mock{TestCase: tc, Next: tasks}
	}
	if smName == "" {
		smName = strings.TrimSuffix(filepath.Base(pos[0]), filepath.Ext(pos[0]))
	}
	rep, err := sfnrun.Run(ctx, m, sfnrun.Options{Input: string(in), ExecutionName: *name, StateMachineName: smName,
		Region: *region, History: *history, WaitScale: *waitScale, Tasks: tasks, Express: *typ == "EXPRESS"})
	if err != nil {
		fmt.Fprintln(stderr, "gureum sfn run:", err)
		return exitError
	}
	if err := writeReport(stdout, rep); err != nil {
		fmt.Fprintln(stderr, "gureum sfn run:", err)
		return exitError
	}
	return exitOK
}

// writeReport prints the run's result as one JSON object: readable fields,
// and history events one compact object per line (a long history stays fast
// to print and easy to grep).
func writeReport(w io.Writer, rep *sfnrun.Report) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	field := func(name string, v any, last bool) error {
		b, err := marshalCompact(v)
		if err != nil {
			return err
		}
		sep := ","
		if last {
			sep = ""
		}
		fmt.Fprintf(bw, "  %q: %s%s\n", name, b, sep)
		return nil
	}
	bw.WriteString("{\n")
	hasEvents := rep.Events != nil
	if err := field("status", rep.Status, false); err != nil {
		return err
	}
	last := rep.Error == "" && rep.Cause == "" && !hasEvents
	if err := field("output", rep.Output, last); err != nil {
		return err
	}
	if rep.Error != "" || rep.Cause != "" {
		_ = field("error", rep.Error, false)
		_ = field("cause", rep.Cause, !hasEvents)
	}
	if hasEvents {
		bw.WriteString("  \"events\": [\n")
		var b []byte
		for i, e := range rep.Events {
			var err error
			b, err = e.AppendJSON(b[:0]) // directly: json.Marshal would re-scan every event
			if err != nil {
				return err
			}
			bw.WriteString("    ")
			bw.Write(b)
			if i < len(rep.Events)-1 {
				bw.WriteByte(',')
			}
			bw.WriteByte('\n')
		}
		bw.WriteString("  ]\n")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

func marshalCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func printDiagnostics(w io.Writer, file string, err error) {
	var de *asl.DefinitionError
	if !errors.As(err, &de) {
		fmt.Fprintf(w, "%s: %v\n", file, err)
		return
	}
	fmt.Fprintf(w, "%s: %s\n", file, de.Error())
}

type validateOutput struct {
	Result      string           `json:"result"`
	Diagnostics []asl.Diagnostic `json:"diagnostics"`
	Truncated   bool             `json:"truncated"`
}

// sfnValidate prints ValidateStateMachineDefinition's answer for a file.
func sfnValidate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gureum sfn validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil || len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: gureum sfn validate DEF.json")
		return exitError
	}
	def, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "gureum sfn validate:", err)
		return exitError
	}
	diags := asl.ValidateWith(def, asl.CompileOptions{JSONata: jsonata.Engine()})
	out := validateOutput{Result: "OK", Diagnostics: diags}
	if out.Diagnostics == nil {
		out.Diagnostics = []asl.Diagnostic{}
	}
	for _, d := range diags {
		if d.Severity == "ERROR" {
			out.Result = "FAIL"
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
	if out.Result == "FAIL" {
		return exitError
	}
	return exitOK
}
