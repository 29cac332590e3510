package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type listActivitiesInput struct {
	MaxResults int     `json:"maxResults"`
	NextToken  *string `json:"nextToken"`
}

type activityListItem struct {
	ActivityArn  string `json:"activityArn"`
	Name         string `json:"name"`
	CreationDate epoch  `json:"creationDate"`
}

type listActivitiesOutput struct {
	Activities []activityListItem `json:"activities"`
	NextToken  string             `json:"nextToken,omitempty"`
}

func (a *API) listActivities(ctx context.Context, r *awsapi.Request, in *listActivitiesInput) (*listActivitiesOutput, error) {
	size, verr := pageSize(in.MaxResults, 100)
	if verr != nil {
		return nil, verr
	}
	if err := maxLen("nextToken", in.NextToken, 1024, false); err != nil {
		return nil, err
	}
	token := ""
	if in.NextToken != nil {
		token = *in.NextToken
	}
	items, next, err := a.svc.ListActivities(ctx, sfn.Scope{Account: r.Account, Region: r.Region}, token, size)
	if err != nil {
		return nil, serviceError(err)
	}
	out := &listActivitiesOutput{Activities: make([]activityListItem, 0, len(items)), NextToken: next}
	for _, it := range items {
		out.Activities = append(out.Activities, activityListItem{ActivityArn: it.ActivityArn, Name: it.Name, CreationDate: epoch(it.CreationDate)})
	}
	return out, nil
}
