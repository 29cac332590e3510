package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type listStateMachineAliasesInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	NextToken       *string `json:"nextToken"`
	MaxResults      int     `json:"maxResults"`
}

type stateMachineAliasListItem struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         epoch  `json:"creationDate"`
}

type listStateMachineAliasesOutput struct {
	StateMachineAliases []stateMachineAliasListItem `json:"stateMachineAliases"`
	NextToken           string                      `json:"nextToken,omitempty"`
}

func (a *API) listStateMachineAliases(ctx context.Context, r *awsapi.Request, in *listStateMachineAliasesInput) (*listStateMachineAliasesOutput, error) {
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
	items, next, err := a.svc.ListStateMachineAliases(ctx, *in.StateMachineArn, token, size)
	if err != nil {
		return nil, serviceError(err)
	}
	out := &listStateMachineAliasesOutput{StateMachineAliases: make([]stateMachineAliasListItem, 0, len(items)), NextToken: next}
	for _, it := range items {
		out.StateMachineAliases = append(out.StateMachineAliases, stateMachineAliasListItem{
			StateMachineAliasArn: it.StateMachineAliasArn, CreationDate: epoch(it.CreationDate)})
	}
	return out, nil
}
