package sfnapi

import (
	"context"
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type tagResourceInput struct {
	ResourceArn *string   `json:"resourceArn"`
	Tags        []sfn.Tag `json:"tags"`
}

type tagResourceOutput struct{}

// checkTags checks tag keys (1–128 characters) and values (0–256).
func checkTags(tags []sfn.Tag) error {
	for i, t := range tags {
		field := "tags." + strconv.Itoa(i+1) + ".member."
		if n := len([]rune(t.Key)); n < 1 || n > 128 {
			c := "Member must have length less than or equal to 128"
			if n < 1 {
				c = "Member must have length greater than or equal to 1"
			}
			return awsapi.Validation(field+"key", &t.Key, c)
		}
		if len([]rune(t.Value)) > 256 {
			return awsapi.Validation(field+"value", &t.Value, "Member must have length less than or equal to 256")
		}
	}
	return nil
}

func (a *API) tagResource(ctx context.Context, r *awsapi.Request, in *tagResourceInput) (*tagResourceOutput, error) {
	if in.ResourceArn == nil {
		return nil, required("resourceArn")
	}
	if in.Tags == nil {
		return nil, required("tags")
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := a.svc.TagResource(ctx, *in.ResourceArn, in.Tags); err != nil {
		return nil, serviceError(err)
	}
	return &tagResourceOutput{}, nil
}
