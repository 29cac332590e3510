package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/awsapi/lambdaapi"
	"github.com/gureum-dev/gureum/internal/lambda"
	"github.com/gureum-dev/gureum/internal/sfn"
	"github.com/gureum-dev/gureum/internal/sfntask"
)

// lambdaTasks lets Step Functions' Lambda tasks call the Lambda service in
// process (sfn declares the interface; it never imports lambda).
type lambdaTasks struct {
	svc *lambda.Service
}

var _ sfn.Lambda = lambdaTasks{}

func (l lambdaTasks) InvokeFunction(ctx context.Context, req *sfn.LambdaRequest) (*sfntask.LambdaReply, *sfntask.LambdaAPIError, error) {
	reqID := uuid.NewString()
	ref, err := lambda.ParseFunctionRef(req.Call.FunctionName)
	if err != nil {
		return nil, &sfntask.LambdaAPIError{StatusCode: 400, Code: "ValidationException", RequestID: reqID,
			Message: "1 validation error detected: Value '" + req.Call.FunctionName + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + lambda.FunctionNamePattern}, nil
	}
	if p := req.Call.Payload; len(p) > 0 && !json.Valid(p) {
		// As Lambda's Invoke answers a body that is not JSON.
		return nil, &sfntask.LambdaAPIError{StatusCode: 400, Code: "InvalidRequestContentException", RequestID: reqID,
			Message: "Could not parse request body into json: Could not parse payload into json: Unexpected character: was expecting a JSON value"}, nil
	}
	if req.Call.Qualifier != "" {
		ref.Qualifier = req.Call.Qualifier
	}
	out, err := l.svc.Invoke(ctx, lambda.Scope{Account: req.Account, Region: req.Region}, &lambda.InvokeInput{
		Ref: ref, Payload: req.Call.Payload, InvocationType: req.Call.InvocationType, LogType: req.Call.LogType,
		ClientContext: req.Call.ClientContext})
	if err != nil {
		if ae := lambdaapi.AsAPIError(err); ae != nil {
			return nil, &sfntask.LambdaAPIError{StatusCode: ae.Kind.Status, Code: ae.Kind.Code, Message: ae.Message, RequestID: reqID}, nil
		}
		return nil, nil, err
	}
	return &sfntask.LambdaReply{StatusCode: out.StatusCode, Payload: out.Payload, FunctionError: out.FunctionError,
		ExecutedVersion: out.ExecutedVersion, RequestID: reqID, Date: time.Now()}, nil, nil
}
