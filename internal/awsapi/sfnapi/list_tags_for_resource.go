package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type listTagsForResourceInput struct {
	ResourceArn *string `json:"resourceArn"`
}

type listTagsForResourceOutput struct {
	Tags []sfn.Tag `json:"tags"`
}

func (a *API) listTagsForResource(ctx context.Context, r *awsapi.Request, in *listTagsForResourceInput) (*listTagsForResourceOutput, error) {
	if in.ResourceArn == nil {
		return nil, required("resourceArn")
	}
	tags, err := a.svc.ListTagsForResource(ctx, *in.ResourceArn)
	if err != nil {
		return nil, serviceError(err)
	}
	return &listTagsForResourceOutput{Tags: tags}, nil
}
