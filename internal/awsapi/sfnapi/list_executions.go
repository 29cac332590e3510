package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type listExecutionsInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	StatusFilter    *string `json:"statusFilter"`
	MaxResults      int     `json:"maxResults"`
	NextToken       *string `json:"nextToken"`
	MapRunArn       *string `json:"mapRunArn"`
}

type executionListItem struct {
	ExecutionArn    string `json:"executionArn"`
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	StartDate       epoch  `json:"startDate"`
	StopDate        *epoch `json:"stopDate,omitempty"`
}

type listExecutionsOutput struct {
	Executions []executionListItem `json:"executions"`
	NextToken  string              `json:"nextToken,omitempty"`
}

func (a *API) listExecutions(ctx context.Context, r *awsapi.Request, in *listExecutionsInput) (*listExecutionsOutput, error) {
	if in.StateMachineArn == nil {
		if in.MapRunArn != nil {
			return nil, awsapi.NewError(awsapi.SFNResourceNotFound, "Resource not found: '%s'", *in.MapRunArn)
		}
		return nil, awsapi.NewError(awsapi.SFNValidation, "1 validation error detected: Must provide a StateMachine ARN or MapRun ARN")
	}
	status := ""
	if in.StatusFilter != nil {
		switch *in.StatusFilter {
		case "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE":
			status = *in.StatusFilter
		default:
			return nil, awsapi.Validation("statusFilter", in.StatusFilter,
				"Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]")
		}
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
	out := &listExecutionsOutput{Executions: []executionListItem{}}
	if status == "PENDING_REDRIVE" {
		return out, nil // redrive is not supported: nothing is ever pending it
	}
	items, next, err := a.svc.ListExecutions(ctx, *in.StateMachineArn, status, token, size)
	if err != nil {
		return nil, serviceError(err)
	}
	out.NextToken = next
	for _, it := range items {
		out.Executions = append(out.Executions, executionListItem{ExecutionArn: it.ExecutionArn,
			StateMachineArn: it.StateMachineArn, Name: it.Name, Status: it.Status,
			StartDate: epoch(it.StartDate), StopDate: optEpoch(it.StopDate)})
	}
	return out, nil
}
