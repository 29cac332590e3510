package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type listStateMachinesInput struct {
	MaxResults int     `json:"maxResults"`
	NextToken  *string `json:"nextToken"`
}

type stateMachineListItem struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Type            string `json:"type"`
	CreationDate    epoch  `json:"creationDate"`
}

type listStateMachinesOutput struct {
	StateMachines []stateMachineListItem `json:"stateMachines"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

func (a *API) listStateMachines(ctx context.Context, r *awsapi.Request, in *listStateMachinesInput) (*listStateMachinesOutput, error) {
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
	items, next, err := a.svc.ListStateMachines(ctx, sfn.Scope{Account: r.Account, Region: r.Region}, token, size)
	if err != nil {
		return nil, serviceError(err)
	}
	out := &listStateMachinesOutput{StateMachines: make([]stateMachineListItem, 0, len(items)), NextToken: next}
	for _, it := range items {
		out.StateMachines = append(out.StateMachines, stateMachineListItem{
			StateMachineArn: it.StateMachineArn, Name: it.Name, Type: it.Type, CreationDate: epoch(it.CreationDate)})
	}
	return out, nil
}
