package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type listExecutionsInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	StatusFilter    *string `json:"statusFilter"`
	MaxResults      int     `json:"maxResults"`
	NextToken       *string `json:"nextToken"`
	MapRunArn       *string `json:"mapRunArn"`
	RedriveFilter   *string `json:"redriveFilter"`
}

type executionListItem struct {
	ExecutionArn    string `json:"executionArn"`
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	StartDate       epoch  `json:"startDate"`
	StopDate        *epoch `json:"stopDate,omitempty"`

	StateMachineVersionArn *string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   *string `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           int     `json:"redriveCount"`
	RedriveDate            *epoch  `json:"redriveDate,omitempty"`
}

type listExecutionsOutput struct {
	Executions []executionListItem `json:"executions"`
	NextToken  string              `json:"nextToken,omitempty"`
}

func (a *API) listExecutions(ctx context.Context, r *awsapi.Request, in *listExecutionsInput) (*listExecutionsOutput, error) {
	if in.StateMachineArn != nil && in.MapRunArn != nil {
		return nil, awsapi.NewError(awsapi.SFNValidation, "1 validation error detected: Must provide either a StateMachine ARN or a MapRun ARN, not both")
	}
	if in.StateMachineArn == nil {
		if in.MapRunArn != nil {
			// A Map Run's child executions run inside their parent
			// execution and have no execution records to list.
			if _, err := a.svc.DescribeMapRun(ctx, *in.MapRunArn); err != nil {
				return nil, serviceError(err)
			}
			return &listExecutionsOutput{Executions: []executionListItem{}}, nil
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
	redrive := ""
	if in.RedriveFilter != nil {
		switch *in.RedriveFilter {
		case "REDRIVEN", "NOT_REDRIVEN":
			redrive = *in.RedriveFilter
		default:
			return nil, awsapi.Validation("redriveFilter", in.RedriveFilter, "Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]")
		}
	}
	if status == "PENDING_REDRIVE" {
		// Only child executions of a Map Run can be pending redrive.
		return nil, awsapi.NewError(awsapi.SFNValidation, "PENDING_REDRIVE status filter can only be used with a mapRunArn")
	}
	out := &listExecutionsOutput{Executions: []executionListItem{}}
	items, next, err := a.svc.ListExecutionsFiltered(ctx, sfn.ListExecutionsInput{StateMachineArn: *in.StateMachineArn,
		StatusFilter: status, RedriveFilter: redrive, NextToken: token, MaxResults: size})
	if err != nil {
		return nil, serviceError(err)
	}
	out.NextToken = next
	for _, it := range items {
		out.Executions = append(out.Executions, executionListItem{ExecutionArn: it.ExecutionArn,
			StateMachineArn: it.StateMachineArn, Name: it.Name, Status: it.Status,
			StartDate: epoch(it.StartDate), StopDate: optEpoch(it.StopDate),
			StateMachineVersionArn: optString(it.StateMachineVersionArn), StateMachineAliasArn: optString(it.StateMachineAliasArn),
			RedriveCount: it.RedriveCount, RedriveDate: optEpoch(it.RedriveDate)})
	}
	return out, nil
}
