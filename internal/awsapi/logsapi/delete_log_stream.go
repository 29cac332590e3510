package logsapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type deleteLogStreamInput struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
}

func (a *API) deleteLogStream(ctx context.Context, r *awsapi.Request, in *deleteLogStreamInput) (*empty, error) {
	v := &validator{}
	v.required("logGroupName", in.LogGroupName)
	v.required("logStreamName", in.LogStreamName)
	v.groupName("logGroupName", in.LogGroupName)
	v.streamName("logStreamName", in.LogStreamName)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := a.svc.DeleteStream(ctx, scope(r), *in.LogGroupName, *in.LogStreamName); err != nil {
		return nil, serviceError(err)
	}
	return &empty{}, nil
}
