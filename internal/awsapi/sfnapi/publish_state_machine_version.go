package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type publishStateMachineVersionInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	RevisionID      *string `json:"revisionId"`
	Description     *string `json:"description"`
}

type publishStateMachineVersionOutput struct {
	CreationDate           epoch  `json:"creationDate"`
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
}

func (a *API) publishStateMachineVersion(ctx context.Context, r *awsapi.Request, in *publishStateMachineVersionInput) (*publishStateMachineVersionOutput, error) {
	if in.StateMachineArn == nil {
		return nil, required("stateMachineArn")
	}
	if err := maxLen("stateMachineArn", in.StateMachineArn, 256, false); err != nil {
		return nil, err
	}
	if err := maxLen("description", in.Description, maxDescription, false); err != nil {
		return nil, err
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	versionArn, created, err := a.svc.PublishStateMachineVersion(ctx, *in.StateMachineArn, in.RevisionID, desc)
	if err != nil {
		return nil, serviceError(err)
	}
	return &publishStateMachineVersionOutput{CreationDate: epoch(created), StateMachineVersionArn: versionArn}, nil
}
