package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

type untagResourceInput struct {
	ResourceArn *string  `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

type untagResourceOutput struct{}

func (a *API) untagResource(ctx context.Context, r *awsapi.Request, in *untagResourceInput) (*untagResourceOutput, error) {
	if in.ResourceArn == nil {
		return nil, required("resourceArn")
	}
	if in.TagKeys == nil {
		return nil, required("tagKeys")
	}
	if err := a.svc.UntagResource(ctx, *in.ResourceArn, in.TagKeys); err != nil {
		return nil, serviceError(err)
	}
	return &untagResourceOutput{}, nil
}
