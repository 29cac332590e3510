package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type stopExecutionInput struct {
	ExecutionArn *string `json:"executionArn"`
	Error        *string `json:"error"`
	Cause        *string `json:"cause"`
}

type stopExecutionOutput struct {
	StopDate epoch `json:"stopDate"`
}

func (a *API) stopExecution(ctx context.Context, r *awsapi.Request, in *stopExecutionInput) (*stopExecutionOutput, error) {
	if in.ExecutionArn == nil {
		return nil, required("executionArn")
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
	date, err := a.svc.StopExecution(ctx, *in.ExecutionArn, errName, cause)
	if err != nil {
		return nil, serviceError(err)
	}
	return &stopExecutionOutput{StopDate: epoch(date)}, nil
}
