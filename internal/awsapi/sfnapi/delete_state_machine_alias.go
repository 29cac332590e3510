package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type deleteStateMachineAliasInput struct {
	StateMachineAliasArn *string `json:"stateMachineAliasArn"`
}

type deleteStateMachineAliasOutput struct{}

func (a *API) deleteStateMachineAlias(ctx context.Context, r *awsapi.Request, in *deleteStateMachineAliasInput) (*deleteStateMachineAliasOutput, error) {
	if in.StateMachineAliasArn == nil {
		return nil, required("stateMachineAliasArn")
	}
	if err := maxLen("stateMachineAliasArn", in.StateMachineAliasArn, 256, false); err != nil {
		return nil, err
	}
	if err := a.svc.DeleteStateMachineAlias(ctx, *in.StateMachineAliasArn); err != nil {
		return nil, serviceError(err)
	}
	return &deleteStateMachineAliasOutput{}, nil
}
