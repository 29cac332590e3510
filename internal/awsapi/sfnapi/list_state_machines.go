package sfnapi

import (
	"context"
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type listStateMachinesInput struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
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
	if in.MaxResults < 0 || in.MaxResults > 1000 {
		v := strconv.Itoa(in.MaxResults)
		c := "Member must have value less than or equal to 1000"
		if in.MaxResults < 0 {
			c = "Member must have value greater than or equal to 0"
		}
		return nil, awsapi.Validation("maxResults", &v, c)
	}
	if len(in.NextToken) > 1024 {
		return nil, awsapi.Validation("nextToken", nil, "Member must have length less than or equal to 1024")
	}
	max := in.MaxResults
	if max == 0 {
		max = 100
	}
	items, next, err := a.svc.ListStateMachines(ctx, sfn.Scope{Account: r.Account, Region: r.Region}, in.NextToken, max)
	if err != nil {
		return nil, serviceError(err, in.NextToken)
	}
	out := &listStateMachinesOutput{StateMachines: make([]stateMachineListItem, 0, len(items)), NextToken: next}
	for _, it := range items {
		out.StateMachines = append(out.StateMachines, stateMachineListItem{
			StateMachineArn: it.StateMachineArn, Name: it.Name, Type: it.Type, CreationDate: epoch(it.CreationDate)})
	}
	return out, nil
}
