package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type getActivityTaskInput struct {
	ActivityArn *string `json:"activityArn"`
	WorkerName  *string `json:"workerName"`
}

// getActivityTaskOutput has no members when no task came within 60 seconds
// (the SDKs then report a null taskToken).
type getActivityTaskOutput struct {
	TaskToken *string `json:"taskToken,omitempty"`
	Input     *string `json:"input,omitempty"`
}

func (a *API) getActivityTask(ctx context.Context, r *awsapi.Request, in *getActivityTaskInput) (*getActivityTaskOutput, error) {
	if err := checkActivityArn(in.ActivityArn); err != nil {
		return nil, err
	}
	if err := maxLen("workerName", in.WorkerName, 80, false); err != nil {
		return nil, err
	}
	worker := ""
	if in.WorkerName != nil {
		worker = *in.WorkerName
	}
	task, err := a.svc.GetActivityTask(ctx, *in.ActivityArn, worker)
	if err != nil {
		return nil, serviceError(err)
	}
	if task.Token == "" {
		return &getActivityTaskOutput{}, nil
	}
	return &getActivityTaskOutput{TaskToken: &task.Token, Input: &task.Input}, nil
}
