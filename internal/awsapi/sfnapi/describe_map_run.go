package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type describeMapRunInput struct {
	MapRunArn *string `json:"mapRunArn"`
}

type describeMapRunOutput struct {
	MapRunArn                  string           `json:"mapRunArn"`
	ExecutionArn               string           `json:"executionArn"`
	Status                     string           `json:"status"`
	StartDate                  epoch            `json:"startDate"`
	StopDate                   *epoch           `json:"stopDate,omitempty"`
	MaxConcurrency             int64            `json:"maxConcurrency"`
	ToleratedFailurePercentage float64          `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int64            `json:"toleratedFailureCount"`
	ItemCounts                 sfn.MapRunCounts `json:"itemCounts"`
	ExecutionCounts            sfn.MapRunCounts `json:"executionCounts"`
	RedriveCount               int              `json:"redriveCount"`
	RedriveDate                *epoch           `json:"redriveDate,omitempty"`
}

func (a *API) describeMapRun(ctx context.Context, r *awsapi.Request, in *describeMapRunInput) (*describeMapRunOutput, error) {
	if in.MapRunArn == nil {
		return nil, required("mapRunArn")
	}
	if err := maxLen("mapRunArn", in.MapRunArn, 2000, false); err != nil {
		return nil, err
	}
	m, err := a.svc.DescribeMapRun(ctx, *in.MapRunArn)
	if err != nil {
		return nil, serviceError(err)
	}
	return &describeMapRunOutput{MapRunArn: m.MapRunArn, ExecutionArn: m.ExecutionArn, Status: m.Status,
		StartDate: epoch(m.StartDate), StopDate: optEpoch(m.StopDate), MaxConcurrency: m.MaxConcurrency,
		ToleratedFailurePercentage: m.ToleratedFailurePercentage, ToleratedFailureCount: m.ToleratedFailureCount,
		ItemCounts: m.ItemCounts, ExecutionCounts: m.ExecutionCounts, RedriveCount: m.RedriveCount,
		RedriveDate: optEpoch(m.RedriveDate)}, nil
}
