package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type describeStateMachineInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
}

type describeStateMachineOutput struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	Definition      string `json:"definition"`
	RoleArn         string `json:"roleArn"`
	Type            string `json:"type"`
	CreationDate    epoch  `json:"creationDate"`
}

func (a *API) describeStateMachine(ctx context.Context, r *awsapi.Request, in *describeStateMachineInput) (*describeStateMachineOutput, error) {
	if in.StateMachineArn == nil {
		return nil, required("stateMachineArn")
	}
	sm, err := a.svc.DescribeStateMachine(ctx, *in.StateMachineArn)
	if err != nil {
		return nil, serviceError(err, *in.StateMachineArn)
	}
	return &describeStateMachineOutput{StateMachineArn: sm.StateMachineArn, Name: sm.Name, Status: sm.Status,
		Definition: sm.Definition, RoleArn: sm.RoleArn, Type: sm.Type, CreationDate: epoch(sm.CreationDate)}, nil
}
