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
	TraceHeader     *string `json:"traceHeader"`
}

type startExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
	StartDate    epoch  `json:"startDate"`
}

// checkStart validates what StartExecution and StartSyncExecution share and
// returns the service's input.
func checkStart(in *startExecutionInput) (sfn.StartExecutionInput, error) {
	if in.StateMachineArn == nil {
		return sfn.StartExecutionInput{}, required("stateMachineArn")
	}
	if len(*in.StateMachineArn) > 2048 {
		return sfn.StartExecutionInput{}, awsapi.Validation("stateMachineArn", in.StateMachineArn, "Member must have length less than or equal to 2048")
	}
	out := sfn.StartExecutionInput{StateMachineArn: *in.StateMachineArn, Input: "{}"}
	if in.Name != nil {
		out.Name = *in.Name
		if len([]rune(out.Name)) > sfn.MaxNameLength {
			return out, awsapi.Validation("name", in.Name, "Member must have length less than or equal to "+strconv.Itoa(sfn.MaxNameLength))
		}
		if !sfn.ValidName(out.Name) {
			return out, awsapi.NewError(awsapi.SFNInvalidName, "Invalid Name: '%s'", out.Name)
		}
	}
	if in.Input != nil {
		out.Input = *in.Input
		if len(out.Input) > sfn.MaxInputBytes {
			return out, awsapi.Validation("input", nil, "Member must have length less than or equal to "+strconv.Itoa(sfn.MaxInputBytes))
		}
		if !json.Valid([]byte(out.Input)) {
			return out, awsapi.NewError(awsapi.SFNInvalidExecutionInput, "Invalid State Machine Execution Input: 'input is not valid JSON'")
		}
	}
	if in.TraceHeader != nil {
		if err := maxLen("traceHeader", in.TraceHeader, 256, false); err != nil {
			return out, err
		}
		out.TraceHeader = *in.TraceHeader
	}
	return out, nil
}

func (a *API) startExecution(ctx context.Context, r *awsapi.Request, in *startExecutionInput) (*startExecutionOutput, error) {
	sin, err := checkStart(in)
	if err != nil {
		return nil, err
	}
	execArn, start, err := a.svc.StartExecution(ctx, sin)
	if err != nil {
		return nil, serviceError(err)
	}
	return &startExecutionOutput{ExecutionArn: execArn, StartDate: epoch(start)}, nil
}
