package logsapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

// createLogGroupInput is CreateLogGroup's request. kmsKeyId, tags,
// logGroupClass and deletionProtectionEnabled are accepted and not kept.
type createLogGroupInput struct {
	LogGroupName  *string           `json:"logGroupName"`
	KmsKeyID      *string           `json:"kmsKeyId"`
	Tags          map[string]string `json:"tags"`
	LogGroupClass *string           `json:"logGroupClass"`
}

func (a *API) createLogGroup(ctx context.Context, r *awsapi.Request, in *createLogGroupInput) (*empty, error) {
	v := &validator{}
	v.required("logGroupName", in.LogGroupName)
	v.groupName("logGroupName", in.LogGroupName)
	v.str("kmsKeyId", in.KmsKeyID, 0, 256, "", nil)
	if c := in.LogGroupClass; c != nil && *c != "STANDARD" && *c != "INFREQUENT_ACCESS" && *c != "DELIVERY" {
		v.fail("logGroupClass", c, "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := a.svc.CreateGroup(ctx, scope(r), *in.LogGroupName); err != nil {
		return nil, serviceError(err)
	}
	return &empty{}, nil
}
