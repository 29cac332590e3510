package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type describeExecutionInput struct {
	ExecutionArn *string `json:"executionArn"`
	IncludedData *string `json:"includedData"`
}

type describeExecutionOutput struct {
	ExecutionArn    string    `json:"executionArn"`
	StateMachineArn string    `json:"stateMachineArn"`
	Name            string    `json:"name"`
	Status          string    `json:"status"`
	StartDate       epoch     `json:"startDate"`
	StopDate        *epoch    `json:"stopDate,omitempty"`
	Input           *string   `json:"input,omitempty"`
	InputDetails    *included `json:"inputDetails,omitempty"`
	Output          *string   `json:"output,omitempty"`
	OutputDetails   *included `json:"outputDetails,omitempty"`
	Error           *string   `json:"error,omitempty"`
	Cause           *string   `json:"cause,omitempty"`
	TraceHeader     *string   `json:"traceHeader,omitempty"`
	RedriveCount    int       `json:"redriveCount"`

	StateMachineVersionArn *string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   *string `json:"stateMachineAliasArn,omitempty"`
	RedriveDate            *epoch  `json:"redriveDate,omitempty"`
	RedriveStatus          string  `json:"redriveStatus"`
	RedriveStatusReason    *string `json:"redriveStatusReason,omitempty"`
}

func (a *API) describeExecution(ctx context.Context, r *awsapi.Request, in *describeExecutionInput) (*describeExecutionOutput, error) {
	if in.ExecutionArn == nil {
		return nil, required("executionArn")
	}
	ex, err := a.svc.DescribeExecution(ctx, *in.ExecutionArn)
	if err != nil {
		return nil, serviceError(err)
	}
	out := &describeExecutionOutput{
		ExecutionArn: ex.ExecutionArn, StateMachineArn: ex.StateMachineArn, Name: ex.Name, Status: ex.Status,
		StartDate: epoch(ex.StartDate), StopDate: optEpoch(ex.StopDate),
		Error: optString(ex.Error), Cause: optString(ex.Cause), TraceHeader: optString(ex.TraceHeader),
		RedriveCount: ex.RedriveCount, RedriveDate: optEpoch(ex.RedriveDate), RedriveStatus: ex.RedriveStatus,
		RedriveStatusReason:    optString(ex.RedriveStatusReason),
		StateMachineVersionArn: optString(ex.StateMachineVersionArn), StateMachineAliasArn: optString(ex.StateMachineAliasArn),
	}
	if in.IncludedData == nil || *in.IncludedData != "METADATA_ONLY" {
		out.Input, out.InputDetails = &ex.Input, &included{Included: true}
		if ex.Status == "SUCCEEDED" {
			out.Output, out.OutputDetails = &ex.Output, &included{Included: true}
		}
	}
	return out, nil
}
