package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type createActivityInput struct {
	Name                    *string                      `json:"name"`
	Tags                    []sfn.Tag                    `json:"tags"`
	EncryptionConfiguration *sfn.EncryptionConfiguration `json:"encryptionConfiguration"`
}

type createActivityOutput struct {
	ActivityArn  string `json:"activityArn"`
	CreationDate epoch  `json:"creationDate"`
}

// checkEncryption validates an encryptionConfiguration member.
func checkEncryption(c *sfn.EncryptionConfiguration) error {
	if c == nil {
		return nil
	}
	switch c.Type {
	case "AWS_OWNED_KEY", "CUSTOMER_MANAGED_KMS_KEY":
	case "":
		return required("encryptionConfiguration.type")
	default:
		return awsapi.Validation("encryptionConfiguration.type", &c.Type, "Member must satisfy enum value set: [CUSTOMER_MANAGED_KMS_KEY, AWS_OWNED_KEY]")
	}
	if p := c.KmsDataKeyReusePeriodSeconds; p != nil && (*p < 60 || *p > 900) {
		c := "Member must have value less than or equal to 900"
		if *p < 60 {
			c = "Member must have value greater than or equal to 60"
		}
		return awsapi.Validation("encryptionConfiguration.kmsDataKeyReusePeriodSeconds", nil, c)
	}
	if err := maxLen("encryptionConfiguration.kmsKeyId", &c.KmsKeyID, 2048, false); err != nil {
		return err
	}
	return nil
}

func (a *API) createActivity(ctx context.Context, r *awsapi.Request, in *createActivityInput) (*createActivityOutput, error) {
	if in.Name == nil {
		return nil, required("name")
	}
	if err := maxLen("name", in.Name, sfn.MaxNameLength, false); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := checkEncryption(in.EncryptionConfiguration); err != nil {
		return nil, err
	}
	actArn, created, err := a.svc.CreateActivity(ctx, sfn.Scope{Account: r.Account, Region: r.Region}, *in.Name, in.Tags, in.EncryptionConfiguration)
	if err != nil {
		return nil, serviceError(err)
	}
	return &createActivityOutput{ActivityArn: actArn, CreationDate: epoch(created)}, nil
}
