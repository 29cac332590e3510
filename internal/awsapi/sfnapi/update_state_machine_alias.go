package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type updateStateMachineAliasInput struct {
	StateMachineAliasArn *string             `json:"stateMachineAliasArn"`
	Description          *string             `json:"description"`
	RoutingConfiguration []sfn.RoutingConfig `json:"routingConfiguration"`
}

type updateStateMachineAliasOutput struct {
	UpdateDate epoch `json:"updateDate"`
}

func (a *API) updateStateMachineAlias(ctx context.Context, r *awsapi.Request, in *updateStateMachineAliasInput) (*updateStateMachineAliasOutput, error) {
	if in.StateMachineAliasArn == nil {
		return nil, required("stateMachineAliasArn")
	}
	if err := maxLen("stateMachineAliasArn", in.StateMachineAliasArn, 256, false); err != nil {
		return nil, err
	}
	if err := maxLen("description", in.Description, maxDescription, false); err != nil {
		return nil, err
	}
	if err := checkRouting(in.RoutingConfiguration, in.RoutingConfiguration != nil); err != nil {
		return nil, err
	}
	date, err := a.svc.UpdateStateMachineAlias(ctx, *in.StateMachineAliasArn, in.Description, in.RoutingConfiguration)
	if err != nil {
		return nil, serviceError(err)
	}
	return &updateStateMachineAliasOutput{UpdateDate: epoch(date)}, nil
}
