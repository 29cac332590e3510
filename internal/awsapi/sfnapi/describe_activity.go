package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type describeActivityInput struct {
	ActivityArn *string `json:"activityArn"`
}

type describeActivityOutput struct {
	ActivityArn             string                      `json:"activityArn"`
	Name                    string                      `json:"name"`
	CreationDate            epoch                       `json:"creationDate"`
	EncryptionConfiguration sfn.EncryptionConfiguration `json:"encryptionConfiguration"`
}

// checkActivityArn validates an activityArn member.
func checkActivityArn(v *string) error {
	if v == nil {
		return required("activityArn")
	}
	if err := maxLen("activityArn", v, 256, false); err != nil {
		return err
	}
	return nil
}

func (a *API) describeActivity(ctx context.Context, r *awsapi.Request, in *describeActivityInput) (*describeActivityOutput, error) {
	if err := checkActivityArn(in.ActivityArn); err != nil {
		return nil, err
	}
	act, err := a.svc.DescribeActivity(ctx, *in.ActivityArn)
	if err != nil {
		return nil, serviceError(err)
	}
	return &describeActivityOutput{ActivityArn: act.ActivityArn, Name: act.Name, CreationDate: epoch(act.CreationDate),
		EncryptionConfiguration: act.Encryption}, nil
}
