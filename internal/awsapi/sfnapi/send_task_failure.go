package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type sendTaskFailureInput struct {
	TaskToken *string `json:"taskToken"`
	Error     *string `json:"error"`
	Cause     *string `json:"cause"`
}

type sendTaskFailureOutput struct{}

func (a *API) sendTaskFailure(ctx context.Context, r *awsapi.Request, in *sendTaskFailureInput) (*sendTaskFailureOutput, error) {
	if err := checkTaskToken(in.TaskToken); err != nil {
		return nil, err
	}
	if err := maxLen("error", in.Error, 256, true); err != nil {
		return nil, err
	}
	if err := maxLen("cause", in.Cause, 32768, true); err != nil {
		return nil, err
	}
	var errName, cause string
	if in.Error != nil {
		errName = *in.Error
	}
	if in.Cause != nil {
		cause = *in.Cause
	}
	if err := a.svc.SendTaskFailure(ctx, *in.TaskToken, errName, cause); err != nil {
		return nil, serviceError(err)
	}
	return &sendTaskFailureOutput{}, nil
}
