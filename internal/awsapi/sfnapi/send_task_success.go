package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type sendTaskSuccessInput struct {
	TaskToken *string `json:"taskToken"`
	Output    *string `json:"output"`
}

type sendTaskSuccessOutput struct{}

// maxTaskToken is the longest taskToken the SendTask* operations accept.
const maxTaskToken = 2048

// maxTaskOutput is SendTaskSuccess's output limit (256 KiB).
const maxTaskOutput = 262144

// checkTaskToken validates the taskToken member.
func checkTaskToken(token *string) error {
	if token == nil {
		return required("taskToken")
	}
	if *token == "" {
		return awsapi.Validation("taskToken", token, "Member must have length greater than or equal to 1")
	}
	if err := maxLen("taskToken", token, maxTaskToken, false); err != nil {
		return err
	}
	return nil
}

func (a *API) sendTaskSuccess(ctx context.Context, r *awsapi.Request, in *sendTaskSuccessInput) (*sendTaskSuccessOutput, error) {
	if err := checkTaskToken(in.TaskToken); err != nil {
		return nil, err
	}
	if in.Output == nil {
		return nil, required("output")
	}
	if len(*in.Output) > maxTaskOutput {
		return nil, awsapi.Validation("output", nil, "Member must have length less than or equal to 262144")
	}
	if err := a.svc.SendTaskSuccess(ctx, *in.TaskToken, *in.Output); err != nil {
		return nil, serviceError(err)
	}
	return &sendTaskSuccessOutput{}, nil
}
