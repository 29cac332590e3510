package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type listStateMachineVersionsInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	NextToken       *string `json:"nextToken"`
	MaxResults      int     `json:"maxResults"`
}

type stateMachineVersionListItem struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	CreationDate           epoch  `json:"creationDate"`
}

type listStateMachineVersionsOutput struct {
	StateMachineVersions []stateMachineVersionListItem `json:"stateMachineVersions"`
	NextToken            string                        `json:"nextToken,omitempty"`
}

func (a *API) listStateMachineVersions(ctx context.Context, r *awsapi.Request, in *listStateMachineVersionsInput) (*listStateMachineVersionsOutput, error) {
	if in.StateMachineArn == nil {
		return nil, required("stateMachineArn")
	}
	size, verr := pageSize(in.MaxResults, 100)
	if verr != nil {
		return nil, verr
	}
	token, err := pageToken(in.NextToken, 1024)
	if err != nil {
		return nil, err
	}
	items, next, err := a.svc.ListStateMachineVersions(ctx, *in.StateMachineArn, token, size)
	if err != nil {
		return nil, serviceError(err)
	}
	out := &listStateMachineVersionsOutput{StateMachineVersions: make([]stateMachineVersionListItem, 0, len(items)), NextToken: next}
	for _, it := range items {
		out.StateMachineVersions = append(out.StateMachineVersions, stateMachineVersionListItem{
			StateMachineVersionArn: it.StateMachineVersionArn, CreationDate: epoch(it.CreationDate)})
	}
	return out, nil
}
