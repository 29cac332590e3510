package sfnapi

import (
	"context"
	"encoding/json"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type getExecutionHistoryInput struct {
	ExecutionArn         *string `json:"executionArn"`
	MaxResults           int     `json:"maxResults"`
	ReverseOrder         bool    `json:"reverseOrder"`
	NextToken            *string `json:"nextToken"`
	IncludeExecutionData *bool   `json:"includeExecutionData"`
}

type getExecutionHistoryOutput struct {
	Events    []json.RawMessage `json:"events"`
	NextToken string            `json:"nextToken,omitempty"`
}

func (a *API) getExecutionHistory(ctx context.Context, r *awsapi.Request, in *getExecutionHistoryInput) (*getExecutionHistoryOutput, error) {
	if in.ExecutionArn == nil {
		return nil, required("executionArn")
	}
	size, verr := pageSize(in.MaxResults, 100)
	if verr != nil {
		return nil, verr
	}
	if err := maxLen("nextToken", in.NextToken, 3096, false); err != nil {
		return nil, err
	}
	token := ""
	if in.NextToken != nil {
		token = *in.NextToken
	}
	includeData := in.IncludeExecutionData == nil || *in.IncludeExecutionData
	page, err := a.svc.GetExecutionHistory(ctx, *in.ExecutionArn, size, in.ReverseOrder, token, includeData)
	if err != nil {
		return nil, serviceError(err)
	}
	return &getExecutionHistoryOutput{Events: page.Events, NextToken: page.NextToken}, nil
}
