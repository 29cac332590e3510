// Package sfntask translates between the interpreter's Task effects and the
// services that answer them: which Lambda call a Task asks for, and what the
// Task's result is given Lambda's answer, in the exact shapes Step Functions
// produces (the lambda:invoke output with SdkHttpMetadata, function errors
// as errorType + payload, API errors with AWS SDK cause texts). Pure.
package sfntask

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gureum-dev/gureum/internal/asl"
)

// LambdaCall is the Invoke request a Task asks for.
type LambdaCall struct {
	FunctionName   string
	Qualifier      string
	Payload        []byte
	InvocationType string
	ClientContext  string
	LogType        string
}

// LambdaReply is Lambda's answer to a call that reached the function.
type LambdaReply struct {
	StatusCode      int
	Payload         []byte
	FunctionError   string // X-Amz-Function-Error: Unhandled / Handled
	ExecutedVersion string
	RequestID       string
	Date            time.Time
}

// LambdaAPIError is a failure of the Lambda API itself (the function did not
// run): not found, throttled, bad request...
type LambdaAPIError struct {
	StatusCode int
	Code       string // e.g. ResourceNotFoundException
	Message    string
	RequestID  string
}

// IsLambda reports whether inv is answered by Lambda: the legacy function
// ARN form or the arn:aws:states:::lambda:invoke integration (also as
// lambda:invoke.waitForTaskToken).
func IsLambda(inv *asl.Invoke) bool {
	return inv.Kind == "lambda" || (inv.Kind == "service" && inv.ResourceType == "lambda" &&
		strings.TrimSuffix(inv.ResourceName, ".waitForTaskToken") == "invoke")
}

// LambdaCallFor builds the call for inv. A non-nil Result means the task
// fails before calling Lambda (bad parameters).
func LambdaCallFor(inv *asl.Invoke) (LambdaCall, *asl.Result) {
	if inv.Kind == "lambda" {
		return LambdaCall{FunctionName: inv.Resource, Payload: []byte(paramsJSON(inv))}, nil
	}
	params, _ := inv.Parameters.(map[string]any)
	name, _ := params["FunctionName"].(string)
	if name == "" {
		return LambdaCall{}, &asl.Result{Error: "States.Runtime",
			Cause: fmt.Sprintf("An error occurred while executing the state '%s'. The Parameters of a lambda:invoke task must include 'FunctionName'.", inv.StateName)}
	}
	c := LambdaCall{FunctionName: name, Payload: []byte("{}")}
	c.Qualifier, _ = params["Qualifier"].(string)
	c.InvocationType, _ = params["InvocationType"].(string)
	c.ClientContext, _ = params["ClientContext"].(string)
	c.LogType, _ = params["LogType"].(string)
	if s, ok := params["Payload"].(string); ok {
		// A string Payload is the request body itself, as the SDK's blob
		// is: "true" invokes with true, "{}" with {}.
		c.Payload = []byte(s)
	} else if p, ok := params["Payload"]; ok && p != nil { // a null Payload is sent as {}, as AWS does
		b, err := marshal(p)
		if err != nil {
			return LambdaCall{}, &asl.Result{Error: "States.Runtime", Cause: err.Error()}
		}
		c.Payload = b
	}
	return c, nil
}

func paramsJSON(inv *asl.Invoke) string {
	if inv.ParametersJSON != "" {
		return inv.ParametersJSON
	}
	b, _ := marshal(inv.Parameters)
	return string(b)
}

// marshal writes compact JSON without HTML escaping.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// LambdaResult turns Lambda's answer into the Task's result.
func LambdaResult(inv *asl.Invoke, reply *LambdaReply, apiErr *LambdaAPIError) asl.Result {
	if apiErr != nil {
		return asl.Result{Error: "Lambda." + apiErr.Code, Cause: fmt.Sprintf(
			"%s (Service: AWSLambda; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)",
			apiErr.Message, apiErr.StatusCode, apiErr.Code, apiErr.RequestID)}
	}
	if reply.FunctionError != "" {
		var p struct {
			ErrorType string `json:"errorType"`
		}
		_ = json.Unmarshal(reply.Payload, &p)
		name := p.ErrorType
		if name == "" {
			name = "Lambda.Unknown"
		}
		cause := reply.Payload
		if inv.Kind != "lambda" {
			// lambda:invoke re-serialises the function's error compactly
			// (Python's runtime writes it with ", " and ": "); a function
			// ARN as Resource keeps the runtime's bytes.
			var buf bytes.Buffer
			if json.Compact(&buf, cause) == nil {
				cause = buf.Bytes()
			}
		}
		return asl.Result{Error: name, Cause: string(cause)}
	}
	submitted := inv.Pattern == asl.PatternWaitForTaskToken
	if inv.Kind == "lambda" {
		if len(bytes.TrimSpace(reply.Payload)) == 0 {
			return asl.Result{OutputJSON: "null", Submitted: submitted}
		}
		if json.Valid(reply.Payload) {
			return asl.Result{OutputJSON: string(reply.Payload), Submitted: submitted}
		}
		b, _ := marshal(string(reply.Payload))
		return asl.Result{OutputJSON: string(b), Submitted: submitted}
	}
	var payload any = string(reply.Payload)
	if len(bytes.TrimSpace(reply.Payload)) == 0 {
		payload = nil
	} else if json.Valid(reply.Payload) {
		payload = json.RawMessage(reply.Payload)
	}
	version := reply.ExecutedVersion
	if version == "" {
		version = "$LATEST"
	}
	date := reply.Date
	if date.IsZero() {
		date = time.Now()
	}
	headers := map[string]string{
		"Connection":                     "keep-alive",
		"Content-Length":                 fmt.Sprint(len(reply.Payload)),
		"Content-Type":                   "application/json",
		"Date":                           date.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT"),
		"X-Amz-Executed-Version":         version,
		"x-amzn-Remapped-Content-Length": "0",
		"x-amzn-RequestId":               reply.RequestID,
		"X-Amzn-Trace-Id":                "Root=" + reply.RequestID,
	}
	all := make(map[string][]string, len(headers))
	keys := make([]string, 0, len(headers))
	for k, v := range headers {
		all[k] = []string{v}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	status := reply.StatusCode
	if status == 0 {
		status = 200
	}
	out := map[string]any{
		"ExecutedVersion": version,
		"Payload":         payload,
		"SdkHttpMetadata": map[string]any{
			"AllHttpHeaders": all,
			"HttpHeaders":    headers,
			"HttpStatusCode": status,
		},
		"SdkResponseMetadata": map[string]any{"RequestId": reply.RequestID},
		"StatusCode":          status,
	}
	b, err := marshal(out)
	if err != nil {
		return asl.Result{Error: "States.Runtime", Cause: err.Error()}
	}
	return asl.Result{OutputJSON: string(b), Submitted: submitted}
}

// Unsupported is the result for a resource nothing here can run.
func Unsupported(inv *asl.Invoke) asl.Result {
	return asl.Result{Error: "States.Runtime", Cause: fmt.Sprintf(
		"An error occurred while executing the state '%s'. The resource '%s' is not supported by gureum.",
		inv.StateName, strings.TrimSpace(inv.Resource))}
}
