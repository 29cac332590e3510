package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type describeStateMachineAliasInput struct {
	StateMachineAliasArn *string `json:"stateMachineAliasArn"`
}

type describeStateMachineAliasOutput struct {
	StateMachineAliasArn string              `json:"stateMachineAliasArn"`
	Name                 string              `json:"name"`
	Description          *string             `json:"description,omitempty"`
	RoutingConfiguration []sfn.RoutingConfig `json:"routingConfiguration"`
	CreationDate         epoch               `json:"creationDate"`
	UpdateDate           epoch               `json:"updateDate"`
}

func (a *API) describeStateMachineAlias(ctx context.Context, r *awsapi.Request, in *describeStateMachineAliasInput) (*describeStateMachineAliasOutput, error) {
	if in.StateMachineAliasArn == nil {
		return nil, required("stateMachineAliasArn")
	}
	if err := maxLen("stateMachineAliasArn", in.StateMachineAliasArn, 256, false); err != nil {
		return nil, err
	}
	al, err := a.svc.DescribeStateMachineAlias(ctx, *in.StateMachineAliasArn)
	if err != nil {
		return nil, serviceError(err)
	}
	return &describeStateMachineAliasOutput{StateMachineAliasArn: al.StateMachineAliasArn, Name: al.Name,
		Description: optString(al.Description), RoutingConfiguration: al.Routing,
		CreationDate: epoch(al.CreationDate), UpdateDate: epoch(al.UpdateDate)}, nil
}
