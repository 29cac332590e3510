package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type sendTaskHeartbeatInput struct {
	TaskToken *string `json:"taskToken"`
}

type sendTaskHeartbeatOutput struct{}

func (a *API) sendTaskHeartbeat(ctx context.Context, r *awsapi.Request, in *sendTaskHeartbeatInput) (*sendTaskHeartbeatOutput, error) {
	if err := checkTaskToken(in.TaskToken); err != nil {
		return nil, err
	}
	if err := a.svc.SendTaskHeartbeat(ctx, *in.TaskToken); err != nil {
		return nil, serviceError(err)
	}
	return &sendTaskHeartbeatOutput{}, nil
}
