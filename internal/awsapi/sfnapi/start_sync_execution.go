package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type startSyncExecutionInput struct {
	startExecutionInput
	IncludedData *string `json:"includedData"`
}

type billingDetails struct {
	BilledMemoryUsedInMB         int64 `json:"billedMemoryUsedInMB"`
	BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
}

type startSyncExecutionOutput struct {
	ExecutionArn    string         `json:"executionArn"`
	StateMachineArn string         `json:"stateMachineArn"`
	Name            string         `json:"name"`
	StartDate       epoch          `json:"startDate"`
	StopDate        epoch          `json:"stopDate"`
	Status          string         `json:"status"`
	Error           *string        `json:"error,omitempty"`
	Cause           *string        `json:"cause,omitempty"`
	Input           *string        `json:"input,omitempty"`
	InputDetails    *included      `json:"inputDetails,omitempty"`
	Output          *string        `json:"output,omitempty"`
	OutputDetails   *included      `json:"outputDetails,omitempty"`
	TraceHeader     *string        `json:"traceHeader,omitempty"`
	BillingDetails  billingDetails `json:"billingDetails"`
}

func (a *API) startSyncExecution(ctx context.Context, r *awsapi.Request, in *startSyncExecutionInput) (*startSyncExecutionOutput, error) {
	sin, err := checkStart(&in.startExecutionInput)
	if err != nil {
		return nil, err
	}
	metaOnly := false
	if in.IncludedData != nil {
		switch *in.IncludedData {
		case "ALL_DATA":
		case "METADATA_ONLY":
			metaOnly = true
		default:
			return nil, awsapi.Validation("includedData", in.IncludedData, "Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]")
		}
	}
	ex, err := a.svc.StartSyncExecution(ctx, sin)
	if err != nil {
		return nil, serviceError(err)
	}
	out := &startSyncExecutionOutput{
		ExecutionArn: ex.ExecutionArn, StateMachineArn: ex.StateMachineArn, Name: ex.Name,
		StartDate: epoch(ex.StartDate), StopDate: epoch(ex.StopDate), Status: ex.Status,
		Error: optString(ex.Error), Cause: optString(ex.Cause), TraceHeader: optString(ex.TraceHeader),
	}
	if !metaOnly {
		out.Input, out.InputDetails = &ex.Input, &included{Included: true}
		if ex.Status == "SUCCEEDED" {
			out.Output, out.OutputDetails = &ex.Output, &included{Included: true}
		}
	}
	// Express workflows bill in 100 ms increments of at least 64 MB.
	ms := ex.StopDate.Sub(ex.StartDate).Milliseconds()
	out.BillingDetails = billingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMilliseconds: max(100, (ms+99)/100*100)}
	return out, nil
}
