package sfnapi

import (
	"context"
	"regexp"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type redriveExecutionInput struct {
	ExecutionArn *string `json:"executionArn"`
	ClientToken  *string `json:"clientToken"`
}

type redriveExecutionOutput struct {
	RedriveDate epoch `json:"redriveDate"`
}

var clientTokenRE = regexp.MustCompile(`^[!-~]+$`)

func (a *API) redriveExecution(ctx context.Context, r *awsapi.Request, in *redriveExecutionInput) (*redriveExecutionOutput, error) {
	if in.ExecutionArn == nil {
		return nil, required("executionArn")
	}
	if err := maxLen("executionArn", in.ExecutionArn, 256, false); err != nil {
		return nil, err
	}
	token := ""
	if in.ClientToken != nil {
		token = *in.ClientToken
		if err := maxLen("clientToken", in.ClientToken, 64, false); err != nil {
			return nil, err
		}
		if token == "" {
			return nil, awsapi.Validation("clientToken", in.ClientToken, "Member must have length greater than or equal to 1")
		}
		if !clientTokenRE.MatchString(token) {
			return nil, awsapi.Validation("clientToken", in.ClientToken, "Member must satisfy regular expression pattern: [!-~]+")
		}
	}
	date, err := a.svc.RedriveExecution(ctx, *in.ExecutionArn, token)
	if err != nil {
		return nil, serviceError(err)
	}
	return &redriveExecutionOutput{RedriveDate: epoch(date)}, nil
}
