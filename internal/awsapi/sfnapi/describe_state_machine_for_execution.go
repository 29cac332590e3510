package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type describeStateMachineForExecutionInput struct {
	ExecutionArn *string `json:"executionArn"`
}

type describeStateMachineForExecutionOutput struct {
	StateMachineArn      string                   `json:"stateMachineArn"`
	Name                 string                   `json:"name"`
	Definition           string                   `json:"definition"`
	RoleArn              string                   `json:"roleArn"`
	UpdateDate           epoch                    `json:"updateDate"`
	LoggingConfiguration sfn.LoggingConfiguration `json:"loggingConfiguration"`
	TracingConfiguration sfn.TracingConfiguration `json:"tracingConfiguration"`
	RevisionID           string                   `json:"revisionId,omitempty"`
}

func (a *API) describeStateMachineForExecution(ctx context.Context, r *awsapi.Request, in *describeStateMachineForExecutionInput) (*describeStateMachineForExecutionOutput, error) {
	if in.ExecutionArn == nil {
		return nil, required("executionArn")
	}
	sm, err := a.svc.DescribeStateMachineForExecution(ctx, *in.ExecutionArn)
	if err != nil {
		return nil, serviceError(err)
	}
	return &describeStateMachineForExecutionOutput{StateMachineArn: sm.StateMachineArn, Name: sm.Name,
		Definition: sm.Definition, RoleArn: sm.RoleArn, UpdateDate: epoch(sm.UpdateDate),
		LoggingConfiguration: sm.Logging, TracingConfiguration: sm.Tracing, RevisionID: sm.RevisionID}, nil
}
