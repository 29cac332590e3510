package logsapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type deleteLogGroupInput struct {
	LogGroupName *string `json:"logGroupName"`
}

func (a *API) deleteLogGroup(ctx context.Context, r *awsapi.Request, in *deleteLogGroupInput) (*empty, error) {
	v := &validator{}
	v.required("logGroupName", in.LogGroupName)
	v.groupName("logGroupName", in.LogGroupName)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := a.svc.DeleteGroup(ctx, scope(r), *in.LogGroupName); err != nil {
		return nil, serviceError(err)
	}
	return &empty{}, nil
}
