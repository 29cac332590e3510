package sfnapi

import (
	"context"
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type updateMapRunInput struct {
	MapRunArn                  *string  `json:"mapRunArn"`
	MaxConcurrency             *int64   `json:"maxConcurrency"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount"`
}

type updateMapRunOutput struct{}

func (a *API) updateMapRun(ctx context.Context, r *awsapi.Request, in *updateMapRunInput) (*updateMapRunOutput, error) {
	if in.MapRunArn == nil {
		return nil, required("mapRunArn")
	}
	if err := maxLen("mapRunArn", in.MapRunArn, 2000, false); err != nil {
		return nil, err
	}
	if n := in.MaxConcurrency; n != nil && *n < 0 {
		v := strconv.FormatInt(*n, 10)
		return nil, awsapi.Validation("maxConcurrency", &v, "Member must have value greater than or equal to 0")
	}
	if n := in.ToleratedFailureCount; n != nil && *n < 0 {
		v := strconv.FormatInt(*n, 10)
		return nil, awsapi.Validation("toleratedFailureCount", &v, "Member must have value greater than or equal to 0")
	}
	if p := in.ToleratedFailurePercentage; p != nil && (*p < 0 || *p > 100) {
		v := strconv.FormatFloat(*p, 'f', -1, 64)
		c := "Member must have value less than or equal to 100"
		if *p < 0 {
			c = "Member must have value greater than or equal to 0"
		}
		return nil, awsapi.Validation("toleratedFailurePercentage", &v, c)
	}
	if err := a.svc.UpdateMapRun(ctx, *in.MapRunArn, in.MaxConcurrency, in.ToleratedFailurePercentage, in.ToleratedFailureCount); err != nil {
		return nil, serviceError(err)
	}
	return &updateMapRunOutput{}, nil
}
