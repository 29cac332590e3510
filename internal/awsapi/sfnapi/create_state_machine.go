package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type createStateMachineInput struct {
	Name                 *string                   `json:"name"`
	Definition           *string                   `json:"definition"`
	RoleArn              *string                   `json:"roleArn"`
	Type                 *string                   `json:"type"`
	LoggingConfiguration *sfn.LoggingConfiguration `json:"loggingConfiguration"`
	TracingConfiguration *sfn.TracingConfiguration `json:"tracingConfiguration"`
	Tags                 []sfn.Tag                 `json:"tags"`
	Publish              bool                      `json:"publish"`
	VersionDescription   *string                   `json:"versionDescription"`
}

type createStateMachineOutput struct {
	StateMachineArn        string  `json:"stateMachineArn"`
	CreationDate           epoch   `json:"creationDate"`
	StateMachineVersionArn *string `json:"stateMachineVersionArn,omitempty"`
}

// maxDefinition is AWS's definition size limit, in characters.
const maxDefinition = 1048576

func (a *API) createStateMachine(ctx context.Context, r *awsapi.Request, in *createStateMachineInput) (*createStateMachineOutput, error) {
	switch {
	case in.Name == nil:
		return nil, required("name")
	case in.Definition == nil:
		return nil, required("definition")
	case in.RoleArn == nil:
		return nil, required("roleArn")
	}
	if err := maxLen("name", in.Name, sfn.MaxNameLength, false); err != nil {
		return nil, err
	}
	if err := maxLen("definition", in.Definition, maxDefinition, true); err != nil {
		return nil, err
	}
	if err := maxLen("roleArn", in.RoleArn, 256, false); err != nil {
		return nil, err
	}
	typ, err := machineType(in.Type)
	if err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if !in.Publish && in.VersionDescription != nil {
		return nil, awsapi.NewError(awsapi.SFNValidation, "Version description can only be set when publish is true")
	}
	if err := maxLen("versionDescription", in.VersionDescription, maxDescription, false); err != nil {
		return nil, err
	}
	smArn, created, err := a.svc.CreateStateMachine(ctx, sfn.Scope{Account: r.Account, Region: r.Region}, sfn.CreateStateMachineInput{
		Name: *in.Name, Definition: *in.Definition, RoleArn: *in.RoleArn, Type: typ,
		Logging: in.LoggingConfiguration, Tracing: in.TracingConfiguration, Tags: in.Tags,
	})
	if err != nil {
		return nil, serviceError(err)
	}
	out := &createStateMachineOutput{StateMachineArn: smArn, CreationDate: epoch(created)}
	if in.Publish {
		desc := ""
		if in.VersionDescription != nil {
			desc = *in.VersionDescription
		}
		versionArn, _, err := a.svc.PublishStateMachineVersion(ctx, smArn, nil, desc)
		if err != nil {
			return nil, serviceError(err)
		}
		out.StateMachineVersionArn = &versionArn
	}
	return out, nil
}

// machineType checks the type member (default STANDARD).
func machineType(t *string) (string, error) {
	if t == nil {
		return "STANDARD", nil
	}
	switch *t {
	case "STANDARD", "EXPRESS":
		return *t, nil
	}
	return "", awsapi.Validation("type", t, "Member must satisfy enum value set: [STANDARD, EXPRESS]")
}
