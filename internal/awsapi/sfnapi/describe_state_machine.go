package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type describeStateMachineInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
}

type describeStateMachineOutput struct {
	StateMachineArn      string                   `json:"stateMachineArn"`
	Name                 string                   `json:"name"`
	Status               string                   `json:"status"`
	Definition           string                   `json:"definition"`
	RoleArn              string                   `json:"roleArn"`
	Type                 string                   `json:"type"`
	Description          string                   `json:"description,omitempty"`
	CreationDate         epoch                    `json:"creationDate"`
	LoggingConfiguration sfn.LoggingConfiguration `json:"loggingConfiguration"`
	TracingConfiguration sfn.TracingConfiguration `json:"tracingConfiguration"`
	RevisionID           string                   `json:"revisionId,omitempty"`
}

func (a *API) describeStateMachine(ctx context.Context, r *awsapi.Request, in *describeStateMachineInput) (*describeStateMachineOutput, error) {
	if in.StateMachineArn == nil {
		return nil, required("stateMachineArn")
	}
	sm, err := a.svc.DescribeStateMachine(ctx, *in.StateMachineArn)
	if err != nil {
		return nil, serviceError(err)
	}
	return &describeStateMachineOutput{StateMachineArn: sm.StateMachineArn, Name: sm.Name, Status: sm.Status,
		Definition: sm.Definition, RoleArn: sm.RoleArn, Type: sm.Type, Description: sm.Description,
		CreationDate: epoch(sm.CreationDate), LoggingConfiguration: sm.Logging, TracingConfiguration: sm.Tracing,
		RevisionID: sm.RevisionID}, nil
}
