package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/gureum-dev/gureum/internal/lambdaclient"
)

func init() {
	register("fn", command{
		summary: "functions: fn create|invoke|list|delete|logs (talks to a running gureum over the Lambda and CloudWatch Logs APIs)",
		run:     runFn,
	})
}

// multiFlag collects repeated flags (--env K=V --env K2=V2).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func endpointFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("AWS_ENDPOINT_URL")
	if def == "" {
		def = "http://127.0.0.1:4566"
	}
	return fs.String("endpoint", def, "gureum (or any Lambda-compatible) endpoint `URL`")
}

func lambdaClient(endpoint string) *lambdaclient.Client {
	return &lambdaclient.Client{Endpoint: endpoint, Region: envOr("AWS_REGION", envOr("AWS_DEFAULT_REGION", "us-east-1")),
		AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretKey: os.Getenv("AWS_SECRET_ACCESS_KEY")}
}

func runFn(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: gureum fn create|invoke|list|delete|logs ...")
		return exitError
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("gureum fn "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := endpointFlag(fs)
	var run func(c *lambdaclient.Client, pos []string) error
	switch sub {
	case "create":
		runtime := fs.String("runtime", "", "runtime, e.g. nodejs20.x, python3.12, provided.al2023")
		handler := fs.String("handler", "", "handler, e.g. index.handler")
		code := fs.String("code", "", "code: a directory or a .zip file")
		watch := fs.Bool("watch", false, "use the directory as live code: saved changes apply on the next invoke")
		memory := fs.Int("memory", 0, "memory size in MB (128–10240)")
		timeout := fs.Int("timeout", 0, "timeout in seconds (1–900)")
		role := fs.String("role", "arn:aws:iam::000000000000:role/lambda", "execution role ARN")
		var env multiFlag
		fs.Var(&env, "env", "environment variable `KEY=VALUE` (repeatable)")
		run = func(c *lambdaclient.Client, pos []string) error {
			if len(pos) != 1 || *runtime == "" || *code == "" {
				return errUsage("gureum fn create NAME --runtime R --handler H --code DIR|ZIP [--watch] [--env K=V] [--memory MB] [--timeout S]")
			}
			in := map[string]any{"FunctionName": pos[0], "Runtime": *runtime, "Role": *role}
			if *handler != "" {
				in["Handler"] = *handler
			}
			if *memory > 0 {
				in["MemorySize"] = *memory
			}
			if *timeout > 0 {
				in["Timeout"] = *timeout
			}
			if len(env) > 0 {
				vars := map[string]string{}
				for _, kv := range env {
					k, v, ok := strings.Cut(kv, "=")
					if !ok {
						return errUsage("--env wants KEY=VALUE")
					}
					vars[k] = v
				}
				in["Environment"] = map[string]any{"Variables": vars}
			}
			codeParam, err := codeFor(*code, *watch)
			if err != nil {
				return err
			}
			in["Code"] = codeParam
			body, _ := json.Marshal(in)
			_, out, err := c.Call(ctx, http.MethodPost, "/2015-03-31/functions", nil, jsonHeader(), body)
			if err != nil {
				return err
			}
			return printJSON(stdout, out)
		}
	case "invoke":
		payload := fs.String("payload", "{}", "event: JSON text or @file")
		qualifier := fs.String("qualifier", "", "version or alias")
		run = func(c *lambdaclient.Client, pos []string) error {
			if len(pos) != 1 {
				return errUsage("gureum fn invoke NAME [--payload JSON|@file] [--qualifier Q]")
			}
			p, err := readArg(*payload)
			if err != nil {
				return err
			}
			resp, err := c.Invoke(ctx, lambdaclient.Request{FunctionName: pos[0], Qualifier: *qualifier, Payload: p, LogType: "Tail"})
			if err != nil {
				return err
			}
			if resp.LogResult != "" {
				logs, _ := base64.StdEncoding.DecodeString(resp.LogResult)
				fmt.Fprintf(stderr, "%s", logs)
			}
			if resp.FunctionError != "" {
				fmt.Fprintf(stderr, "function error (%s):\n", resp.FunctionError)
			}
			_, _ = stdout.Write(resp.Payload)
			fmt.Fprintln(stdout)
			if resp.FunctionError != "" {
				return errFunction
			}
			return nil
		}
	case "list":
		run = func(c *lambdaclient.Client, pos []string) error {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tRUNTIME\tMEMORY\tTIMEOUT\tSTATE\tLAST MODIFIED")
			marker := ""
			for {
				q := url.Values{}
				if marker != "" {
					q.Set("Marker", marker)
				}
				_, body, err := c.Call(ctx, http.MethodGet, "/2015-03-31/functions/", q, nil, nil)
				if err != nil {
					return err
				}
				var page struct {
					Functions []struct {
						FunctionName, Runtime, State, LastModified string
						MemorySize, Timeout                        int
					}
					NextMarker *string
				}
				if err := json.Unmarshal(body, &page); err != nil {
					return err
				}
				for _, f := range page.Functions {
					fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", f.FunctionName, f.Runtime, f.MemorySize, f.Timeout, f.State, f.LastModified)
				}
				if page.NextMarker == nil {
					return tw.Flush()
				}
				marker = *page.NextMarker
			}
		}
	case "delete":
		run = func(c *lambdaclient.Client, pos []string) error {
			if len(pos) != 1 {
				return errUsage("gureum fn delete NAME")
			}
			_, _, err := c.Call(ctx, http.MethodDelete, "/2015-03-31/functions/"+url.PathEscape(pos[0]), nil, nil, nil)
			return err
		}
	case "logs":
		opts := fnLogsFlags(fs)
		run = func(c *lambdaclient.Client, pos []string) error {
			if len(pos) != 1 {
				return errUsage("gureum fn logs NAME [--follow] [--since 10m] [--filter-pattern P] [--format detailed|short]")
			}
			return runFnLogs(ctx, c, pos[0], opts, stdout)
		}
	default:
		fmt.Fprintf(stderr, "gureum fn: unknown subcommand %q (have: create, invoke, list, delete, logs)\n", sub)
		return exitError
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitError
	}
	if err := run(lambdaClient(*endpoint), pos); err != nil {
		if !errors.Is(err, errFunction) {
			fmt.Fprintf(stderr, "gureum fn %s: %v\n", sub, err)
		}
		return exitError
	}
	return exitOK
}

var errFunction = errors.New("the function returned an error")

type usageError string

func (e usageError) Error() string { return "usage: " + string(e) }

func errUsage(s string) error { return usageError(s) }

func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json"}}
}

func printJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		_, err = w.Write(raw)
		return err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// codeFor builds CreateFunction's Code parameter from a directory (zipped
// in memory, or used live with watch) or a .zip file.
func codeFor(path string, watch bool) (map[string]any, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if watch {
		if !st.IsDir() {
			return nil, errUsage("--watch needs --code to be a directory")
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, err
		}
		return map[string]any{"S3Bucket": "hot-reload", "S3Key": abs}, nil
	}
	if !st.IsDir() {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return map[string]any{"ZipFile": b}, nil
	}
	b, err := zipDir(path)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ZipFile": b}, nil
}

func zipDir(dir string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		hdr.Name, hdr.Method = filepath.ToSlash(rel), zip.Deflate
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
