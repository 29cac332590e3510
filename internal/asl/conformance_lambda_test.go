package asl

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This file extends the conformance run to cases whose only need is Lambda,
// with a fake Lambda that emulates the handful of Python functions the cases
// ship. It exercises the Task machinery (LambdaFunction* and Task* events,
// Retry, Catch, timeouts, size limits) against AWS's recorded histories. The
// lambda:invoke response envelope is emulated here; the real one belongs to
// the sfn package.

const (
	fakeRegion  = "us-east-1"
	fakeAccount = "000000000000"
)

// conformanceLambdaFloor is the number of JSONPath Lambda cases that must
// keep passing, conformanceLambdaJSONataFloor the number of JSONata ones.
const (
	conformanceLambdaFloor        = 32
	conformanceLambdaJSONataFloor = 15
)

type fakeFunction struct {
	name string
	code string
}

func (fn fakeFunction) arn() string {
	return "arn:aws:lambda:" + fakeRegion + ":" + fakeAccount + ":function:" + fn.name
}

// pyJSON renders v like Python's json.dumps (", " and ": " separators).
func pyJSON(v any) string {
	switch x := v.(type) {
	case map[string]any:
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(encodeValue(k))
			b.WriteString(": ")
			b.WriteString(pyJSON(x[k]))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		var b strings.Builder
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyJSON(e))
		}
		b.WriteByte(']')
		return b.String()
	}
	return encodeValue(v)
}

// fakeOutcome is what a fake function invocation produced.
type fakeOutcome struct {
	payload    string // raw response payload
	errType    string
	errPayload map[string]any
	sleeps     bool
}

func (fn fakeFunction) invoke(payload string, requestID string) fakeOutcome {
	switch {
	case strings.Contains(fn.code, "time.sleep(60)"):
		return fakeOutcome{sleeps: true, payload: payload}
	case strings.Contains(fn.code, `raise Exception("Some exception was raised.")`):
		return fakeOutcome{errType: "Exception", errPayload: map[string]any{
			"errorMessage": "Some exception was raised.", "errorType": "Exception", "requestId": requestID,
			"stackTrace": []any{"  File \"/var/task/handler.py\", line 2, in handler\n    raise Exception(\"Some exception was raised.\")\n"}}}
	case strings.Contains(fn.code, "raise CustomException()"):
		return fakeOutcome{errType: "CustomException", errPayload: map[string]any{
			"errorMessage": "", "errorType": "CustomException", "requestId": requestID,
			"stackTrace": []any{"  File \"/var/task/handler.py\", line 9, in handler\n    raise CustomException()\n"}}}
	case strings.Contains(fn.code, `b'"HelloWorld!"'`):
		return fakeOutcome{payload: `"HelloWorld!"`}
	case strings.Contains(fn.code, "257 * 1024"):
		return fakeOutcome{payload: strings.Repeat("a", 257*1024)}
	case strings.Contains(fn.code, `{"Return": "HelloWorld"}`):
		return fakeOutcome{payload: `{"Return":"HelloWorld"}`}
	case strings.Contains(fn.code, "return event"):
		// Python's json.dumps renders the event: ", " and ": " separators.
		if v, err := decodeValue(payload); err == nil {
			return fakeOutcome{payload: pyJSON(v)}
		}
		return fakeOutcome{payload: payload}
	}
	return fakeOutcome{errType: "Runtime.Unsupported", errPayload: map[string]any{"errorMessage": "unsupported fake function"}}
}

// lambdaInvokeEnvelope is the lambda:invoke integration's response.
func lambdaInvokeEnvelope(payload any, payloadLen int) map[string]any {
	n := strconv.Itoa(payloadLen)
	return map[string]any{
		"ExecutedVersion": "$LATEST",
		"Payload":         payload,
		"SdkHttpMetadata": map[string]any{
			"AllHttpHeaders": map[string]any{
				"X-Amz-Executed-Version":         []any{"$LATEST"},
				"x-amzn-Remapped-Content-Length": []any{"0"},
				"Connection":                     []any{"keep-alive"},
				"x-amzn-RequestId":               "x-amzn-RequestId",
				"Content-Length":                 []any{n},
				"Date":                           "date",
				"X-Amzn-Trace-Id":                "X-Amzn-Trace-Id",
				"Content-Type":                   []any{"application/json"},
			},
			"HttpHeaders": map[string]any{
				"Connection":                     "keep-alive",
				"Content-Length":                 n,
				"Content-Type":                   "application/json",
				"Date":                           "date",
				"X-Amz-Executed-Version":         "$LATEST",
				"x-amzn-Remapped-Content-Length": "0",
				"x-amzn-RequestId":               "x-amzn-RequestId",
				"X-Amzn-Trace-Id":                "X-Amzn-Trace-Id",
			},
			"HttpStatusCode": json.Number("200"),
		},
		"SdkResponseMetadata": map[string]any{"RequestId": "RequestId"},
		"StatusCode":          json.Number("200"),
	}
}

// runLambdaCase runs a case with the fake Lambda.
func runLambdaCase(c *confCase) (bool, string) {
	var raw struct {
		Functions []struct {
			Name string `json:"name"`
			Code string `json:"code"`
		} `json:"functions"`
	}
	if err := json.Unmarshal(c.rawFile, &raw); err != nil {
		return false, err.Error()
	}
	def, input := string(c.Definition), c.Input
	byName := map[string]fakeFunction{}
	for _, f := range raw.Functions {
		fn := fakeFunction{name: "conf-" + f.Name, code: f.Code}
		byName[fn.name] = fn
		byName[fn.arn()] = fn
		for _, s := range []*string{&def, &input} {
			*s = strings.ReplaceAll(*s, "${lambda:"+f.Name+"}", fn.arn())
			*s = strings.ReplaceAll(*s, "${lambda-name:"+f.Name+"}", fn.name)
		}
	}
	m, err := CompileWith([]byte(def), CompileOptions{JSONata: testJSONata})
	if err != nil {
		return false, "compile: " + err.Error()
	}
	start := time.Date(2024, 8, 16, 13, 52, 50, 123e6, time.UTC)
	ex, _, err := m.Start(StartOptions{
		Input:           input,
		ExecutionArn:    "arn:aws:states:us-east-1:000000000000:execution:conf-sm:exec-1",
		StateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:conf-sm",
		RoleArn:         "arn:aws:iam::000000000000:role/sfn",
		StartTime:       start,
		Seed:            7,
	})
	if err != nil {
		return false, "start: " + err.Error()
	}
	now := start
	requests := 0
	for steps := 0; !ex.Done(); steps++ {
		if steps > 10000 {
			return false, "execution did not finish"
		}
		pending := ex.Pending()
		if len(pending) == 0 {
			return false, "execution is stuck with nothing pending"
		}
		switch eff := pending[0].(type) {
		case *Sleep:
			if eff.Until.After(now) {
				now = eff.Until
			}
			if _, err := ex.Complete(eff.ID, Result{}, now); err != nil {
				return false, "complete: " + err.Error()
			}
		case *Invoke:
			requests++
			reqID := fmt.Sprintf("00000000-0000-4000-8000-%012d", requests)
			r, sleeps := fakeLambdaInvoke(eff, byName, reqID)
			if sleeps {
				if eff.Deadline.IsZero() {
					now = now.Add(60 * time.Second)
					if _, err := ex.Complete(eff.ID, r, now); err != nil {
						return false, "complete: " + err.Error()
					}
					continue
				}
				now = eff.Deadline
				ex.Expire(now)
				continue
			}
			if _, err := ex.Complete(eff.ID, r, now); err != nil {
				return false, "complete: " + err.Error()
			}
		default:
			return false, fmt.Sprintf("unsupported effect %T", eff)
		}
	}
	return compareWithTransform(c, ex)
}

// fakeLambdaInvoke runs an Invoke against the fake functions.
func fakeLambdaInvoke(eff *Invoke, byName map[string]fakeFunction, reqID string) (Result, bool) {
	if eff.Kind == "lambda" {
		fn, ok := byName[eff.Resource]
		if !ok {
			return Result{Error: "Lambda.ResourceNotFoundException", Cause: "Function not found"}, false
		}
		out := fn.invoke(eff.ParametersJSON, reqID)
		if out.sleeps {
			return Result{OutputJSON: eff.ParametersJSON}, true
		}
		if out.errType != "" {
			return Result{Error: out.errType, Cause: pyJSON(out.errPayload)}, false
		}
		if _, err := decodeValue(out.payload); err != nil {
			return Result{Output: out.payload}, false
		}
		return Result{OutputJSON: out.payload}, false
	}
	if eff.ResourceType != "lambda" || !strings.HasPrefix(eff.ResourceName, "invoke") {
		return Result{Error: "States.Runtime", Cause: "unsupported resource " + eff.Resource}, false
	}
	params, _ := eff.Parameters.(map[string]any)
	name, _ := params["FunctionName"].(string)
	fn, ok := byName[name]
	if !ok {
		arn := name
		if !strings.HasPrefix(arn, "arn:") {
			arn = "arn:aws:lambda:" + fakeRegion + ":" + fakeAccount + ":function:" + name
		}
		return Result{Error: "Lambda.ResourceNotFoundException", Cause: "Function not found: " + arn +
			":$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: " +
			reqID + "; Proxy: null)"}, false
	}
	payload := "{}"
	if p, present := params["Payload"]; present && p != nil {
		if s, isStr := p.(string); isStr {
			payload = s
		} else {
			payload = encodeValue(p)
		}
	}
	out := fn.invoke(payload, reqID)
	if out.sleeps {
		return Result{}, true
	}
	if out.errType != "" {
		return Result{Error: out.errType, Cause: encodeValue(out.errPayload)}, false
	}
	var pv any = out.payload
	if v, err := decodeValue(out.payload); err == nil {
		pv = v
	}
	return Result{Output: lambdaInvokeEnvelope(pv, len(out.payload))}, false
}

// TestConformanceLambda runs the cases whose only need is Lambda, against
// the fake Lambda above, counting JSONPath and JSONata cases apart.
func TestConformanceLambda(t *testing.T) {
	t.Parallel()
	if testJSONata == nil {
		t.Fatal("no JSONata engine: jsonata_engine_test.go sets it")
	}
	cases := loadConfCases(t)
	var path, ata confTally
	skipped := 0
	for _, c := range cases {
		if len(c.Needs) != 1 || c.Needs[0] != "lambda" {
			skipped++
			continue
		}
		tally := &path
		if usesJSONataDef(c.Definition) {
			tally = &ata
		}
		tally.record(c, runLambdaCase)
	}
	path.log(t, "lambda, JSONPath")
	ata.log(t, "lambda, JSONata")
	t.Logf("conformance (lambda, emulated): %d skipped", skipped)
	if path.passed < conformanceLambdaFloor {
		t.Errorf("conformance (lambda, JSONPath): %d passed, below the floor of %d", path.passed, conformanceLambdaFloor)
	}
	if ata.passed < conformanceLambdaJSONataFloor {
		t.Errorf("conformance (lambda, JSONata): %d passed, below the floor of %d", ata.passed, conformanceLambdaJSONataFloor)
	}
}
