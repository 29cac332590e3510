package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type deleteStateMachineInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
}

type deleteStateMachineOutput struct{}

func (a *API) deleteStateMachine(ctx context.Context, r *awsapi.Request, in *deleteStateMachineInput) (*deleteStateMachineOutput, error) {
	if in.StateMachineArn == nil {
		return nil, required("stateMachineArn")
	}
	if err := a.svc.DeleteStateMachine(ctx, *in.StateMachineArn); err != nil {
		return nil, serviceError(err)
	}
	return &deleteStateMachineOutput{}, nil
}
