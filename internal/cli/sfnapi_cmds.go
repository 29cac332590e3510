package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gureum-dev/gureum/internal/awsclient"
)

// sfnClient calls the Step Functions JSON 1.0 API of a running gureum.
type sfnClient struct {
	aws awsclient.Client
}

type sfnError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func (e *sfnError) Error() string { return e.Type + ": " + e.Message }

func (c *sfnClient) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	h := http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amz-Target": {"AWSStepFunctions." + op}}
	resp, raw, err := c.aws.Send(ctx, "states", http.MethodPost, "/", nil, h, body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		e := &sfnError{}
		if json.Unmarshal(raw, e) != nil || e.Type == "" {
			return fmt.Errorf("HTTP %d: %s", resp.StatusCode, raw)
		}
		return e
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// machineArn turns a name into its ARN by listing (an ARN is used as is).
func (c *sfnClient) machineArn(ctx context.Context, nameOrArn string) (string, error) {
	if strings.HasPrefix(nameOrArn, "arn:") {
		return nameOrArn, nil
	}
	token := ""
	for {
		var page struct {
			StateMachines []struct{ StateMachineArn, Name string } `json:"stateMachines"`
			NextToken     string                                   `json:"nextToken"`
		}
		in := map[string]any{"maxResults": 1000}
		if token != "" {
			in["nextToken"] = token
		}
		if err := c.call(ctx, "ListStateMachines", in, &page); err != nil {
			return "", err
		}
		for _, sm := range page.StateMachines {
			if sm.Name == nameOrArn {
				return sm.StateMachineArn, nil
			}
		}
		if page.NextToken == "" {
			return "", fmt.Errorf("no state machine named %q", nameOrArn)
		}
		token = page.NextToken
	}
}

// sfnRemote runs the sfn subcommands that talk to a server.
func sfnRemote(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gureum sfn "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := endpointFlag(fs)
	region := fs.String("region", envOr("AWS_REGION", envOr("AWS_DEFAULT_REGION", "us-east-1")), "region")
	var run func(c *sfnClient, pos []string) error
	switch sub {
	case "create":
		typ := fs.String("type", "STANDARD", "STANDARD or EXPRESS")
		role := fs.String("role", "arn:aws:iam::000000000000:role/stepfunctions", "role ARN")
		run = func(c *sfnClient, pos []string) error {
			if len(pos) != 2 {
				return errUsage("gureum sfn create NAME DEF.json [--type EXPRESS]")
			}
			def, err := os.ReadFile(pos[1])
			if err != nil {
				return err
			}
			var out map[string]any
			if err := c.call(ctx, "CreateStateMachine", map[string]any{"name": pos[0], "definition": string(def), "roleArn": *role, "type": *typ}, &out); err != nil {
				return err
			}
			fmt.Fprintln(stdout, out["stateMachineArn"])
			return nil
		}
	case "start":
		input := fs.String("input", "{}", "execution input: JSON text or @file")
		name := fs.String("name", "", "execution name")
		wait := fs.Bool("wait", false, "wait for the execution to end and print its output (or error)")
		run = func(c *sfnClient, pos []string) error {
			if len(pos) != 1 {
				return errUsage("gureum sfn start NAME|ARN [--input JSON|@file] [--name N] [--wait]")
			}
			smArn, err := c.machineArn(ctx, pos[0])
			if err != nil {
				return err
			}
			in, err := readArg(*input)
			if err != nil {
				return err
			}
			req := map[string]any{"stateMachineArn": smArn, "input": string(in)}
			if *name != "" {
				req["name"] = *name
			}
			var started struct {
				ExecutionArn string `json:"executionArn"`
			}
			if err := c.call(ctx, "StartExecution", req, &started); err != nil {
				return err
			}
			if !*wait {
				fmt.Fprintln(stdout, started.ExecutionArn)
				return nil
			}
			for {
				var d struct {
					Status, Output, Error, Cause string
				}
				if err := c.call(ctx, "DescribeExecution", map[string]any{"executionArn": started.ExecutionArn}, &d); err != nil {
					return err
				}
				if d.Status != "RUNNING" && d.Status != "PENDING_REDRIVE" {
					if d.Status == "SUCCEEDED" {
						fmt.Fprintln(stdout, d.Output)
						return nil
					}
					fmt.Fprintf(stderr, "%s: %s: %s\n", d.Status, d.Error, d.Cause)
					return errFunction
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(100 * time.Millisecond):
				}
			}
		}
	case "history":
		run = func(c *sfnClient, pos []string) error {
			if len(pos) != 1 {
				return errUsage("gureum sfn history EXECUTION_ARN")
			}
			token := ""
			for {
				var page struct {
					Events    []json.RawMessage `json:"events"`
					NextToken string            `json:"nextToken"`
				}
				in := map[string]any{"executionArn": pos[0], "maxResults": 1000}
				if token != "" {
					in["nextToken"] = token
				}
				if err := c.call(ctx, "GetExecutionHistory", in, &page); err != nil {
					return err
				}
				for _, e := range page.Events {
					fmt.Fprintf(stdout, "%s\n", e)
				}
				if page.NextToken == "" {
					return nil
				}
				token = page.NextToken
			}
		}
	case "list":
		run = func(c *sfnClient, pos []string) error {
			var page struct {
				StateMachines []struct {
					Name, Type, StateMachineArn string
				} `json:"stateMachines"`
			}
			if err := c.call(ctx, "ListStateMachines", map[string]any{"maxResults": 1000}, &page); err != nil {
				return err
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tTYPE\tARN")
			for _, sm := range page.StateMachines {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", sm.Name, sm.Type, sm.StateMachineArn)
			}
			return tw.Flush()
		}
	case "describe":
		run = func(c *sfnClient, pos []string) error {
			if len(pos) != 1 {
				return errUsage("gureum sfn describe NAME|STATE_MACHINE_ARN|EXECUTION_ARN")
			}
			var out json.RawMessage
			var err error
			if strings.Contains(pos[0], ":execution:") || strings.Contains(pos[0], ":express:") {
				err = c.call(ctx, "DescribeExecution", map[string]any{"executionArn": pos[0]}, &out)
			} else {
				var smArn string
				if smArn, err = c.machineArn(ctx, pos[0]); err == nil {
					err = c.call(ctx, "DescribeStateMachine", map[string]any{"stateMachineArn": smArn}, &out)
				}
			}
			if err != nil {
				return err
			}
			return printJSON(stdout, out)
		}
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitError
	}
	c := &sfnClient{aws: awsclient.Client{Endpoint: *endpoint, Region: *region,
		AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY")}}
	if err := run(c, pos); err != nil {
		if !errors.Is(err, errFunction) {
			fmt.Fprintf(stderr, "gureum sfn %s: %v\n", sub, err)
		}
		return exitError
	}
	return exitOK
}
