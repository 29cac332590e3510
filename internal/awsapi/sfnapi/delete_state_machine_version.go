package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type deleteStateMachineVersionInput struct {
	StateMachineVersionArn *string `json:"stateMachineVersionArn"`
}

type deleteStateMachineVersionOutput struct{}

func (a *API) deleteStateMachineVersion(ctx context.Context, r *awsapi.Request, in *deleteStateMachineVersionInput) (*deleteStateMachineVersionOutput, error) {
	if in.StateMachineVersionArn == nil {
		return nil, required("stateMachineVersionArn")
	}
	if err := maxLen("stateMachineVersionArn", in.StateMachineVersionArn, 2000, false); err != nil {
		return nil, err
	}
	if err := a.svc.DeleteStateMachineVersion(ctx, *in.StateMachineVersionArn); err != nil {
		return nil, serviceError(err)
	}
	return &deleteStateMachineVersionOutput{}, nil
}
