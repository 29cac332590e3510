package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type listMapRunsInput struct {
	ExecutionArn *string `json:"executionArn"`
	MaxResults   int     `json:"maxResults"`
	NextToken    *string `json:"nextToken"`
}

type mapRunListItem struct {
	ExecutionArn    string `json:"executionArn"`
	MapRunArn       string `json:"mapRunArn"`
	StateMachineArn string `json:"stateMachineArn"`
	StartDate       epoch  `json:"startDate"`
	StopDate        *epoch `json:"stopDate,omitempty"`
}

type listMapRunsOutput struct {
	MapRuns   []mapRunListItem `json:"mapRuns"`
	NextToken string           `json:"nextToken,omitempty"`
}

func (a *API) listMapRuns(ctx context.Context, r *awsapi.Request, in *listMapRunsInput) (*listMapRunsOutput, error) {
	if in.ExecutionArn == nil {
		return nil, required("executionArn")
	}
	size, verr := pageSize(in.MaxResults, 100)
	if verr != nil {
		return nil, verr
	}
	token, err := pageToken(in.NextToken, 1024)
	if err != nil {
		return nil, err
	}
	items, next, err := a.svc.ListMapRuns(ctx, *in.ExecutionArn, token, size)
	if err != nil {
		return nil, serviceError(err)
	}
	out := &listMapRunsOutput{MapRuns: make([]mapRunListItem, 0, len(items)), NextToken: next}
	for _, it := range items {
		out.MapRuns = append(out.MapRuns, mapRunListItem{ExecutionArn: it.ExecutionArn, MapRunArn: it.MapRunArn,
			StateMachineArn: it.StateMachineArn, StartDate: epoch(it.StartDate), StopDate: optEpoch(it.StopDate)})
	}
	return out, nil
}
