package sfnapi

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type startExecutionInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	Name            *string `json:"name"`
	Input           *string `json:"input"`
	TraceHeader     string  `json:"traceHeader"`
}

type startExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
	StartDate    epoch  `json:"startDate"`
}

func (a *API) startExecution(ctx context.Context, r *awsapi.Request, in *startExecutionInput) (*startExecutionOutput, error) {
	if in.StateMachineArn == nil {
		return nil, required("stateMachineArn")
	}
	if len(*in.StateMachineArn) > 2048 {
		return nil, awsapi.Validation("stateMachineArn", in.StateMachineArn, "Member must have length less than or equal to 2048")
	}
	name := ""
	if in.Name != nil {
		name = *in.Name
		if len([]rune(name)) > sfn.MaxNameLength {
			return nil, awsapi.Validation("name", in.Name, "Member must have length less than or equal to "+strconv.Itoa(sfn.MaxNameLength))
		}
		if !sfn.ValidName(name) {
			return nil, awsapi.NewError(awsapi.SFNInvalidName, "Invalid Name: '%s'", name)
		}
	}
	input := "{}"
	if in.Input != nil {
		input = *in.Input
		if len(input) > sfn.MaxInputBytes {
			return nil, awsapi.Validation("input", nil, "Member must have length less than or equal to "+strconv.Itoa(sfn.MaxInputBytes))
		}
		if !json.Valid([]byte(input)) {
			return nil, awsapi.NewError(awsapi.SFNInvalidExecutionInput, "Invalid State Machine Execution Input: 'input is not valid JSON'")
		}
	}
	arn, start, err := a.svc.StartExecution(ctx, sfn.StartExecutionInput{
		StateMachineArn: *in.StateMachineArn, Name: name, Input: input, TraceHeader: in.TraceHeader})
	if err != nil {
		return nil, serviceError(err, *in.StateMachineArn)
	}
	return &startExecutionOutput{ExecutionArn: arn, StartDate: epoch(start)}, nil
}
