package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type deleteActivityInput struct {
	ActivityArn *string `json:"activityArn"`
}

type deleteActivityOutput struct{}

func (a *API) deleteActivity(ctx context.Context, r *awsapi.Request, in *deleteActivityInput) (*deleteActivityOutput, error) {
	if err := checkActivityArn(in.ActivityArn); err != nil {
		return nil, err
	}
	if err := a.svc.DeleteActivity(ctx, *in.ActivityArn); err != nil {
		return nil, serviceError(err)
	}
	return &deleteActivityOutput{}, nil
}
