package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type updateStateMachineInput struct {
	StateMachineArn      *string                   `json:"stateMachineArn"`
	Definition           *string                   `json:"definition"`
	RoleArn              *string                   `json:"roleArn"`
	LoggingConfiguration *sfn.LoggingConfiguration `json:"loggingConfiguration"`
	TracingConfiguration *sfn.TracingConfiguration `json:"tracingConfiguration"`
	Publish              bool                      `json:"publish"`
	VersionDescription   *string                   `json:"versionDescription"`
}

type updateStateMachineOutput struct {
	UpdateDate             epoch   `json:"updateDate"`
	RevisionID             string  `json:"revisionId"`
	StateMachineVersionArn *string `json:"stateMachineVersionArn,omitempty"`
}

func (a *API) updateStateMachine(ctx context.Context, r *awsapi.Request, in *updateStateMachineInput) (*updateStateMachineOutput, error) {
	if in.StateMachineArn == nil {
		return nil, required("stateMachineArn")
	}
	if err := maxLen("definition", in.Definition, maxDefinition, true); err != nil {
		return nil, err
	}
	if !in.Publish && in.VersionDescription != nil {
		return nil, awsapi.NewError(awsapi.SFNValidation, "Version description can only be set when publish is true")
	}
	if err := maxLen("versionDescription", in.VersionDescription, maxDescription, false); err != nil {
		return nil, err
	}
	date, revision, err := a.svc.UpdateStateMachine(ctx, sfn.UpdateStateMachineInput{
		StateMachineArn: *in.StateMachineArn, Definition: in.Definition, RoleArn: in.RoleArn,
		Logging: in.LoggingConfiguration, Tracing: in.TracingConfiguration,
	})
	if err != nil {
		return nil, serviceError(err)
	}
	out := &updateStateMachineOutput{UpdateDate: epoch(date), RevisionID: revision}
	if in.Publish {
		desc := ""
		if in.VersionDescription != nil {
			desc = *in.VersionDescription
		}
		versionArn, _, err := a.svc.PublishStateMachineVersion(ctx, *in.StateMachineArn, &revision, desc)
		if err != nil {
			return nil, serviceError(err)
		}
		out.StateMachineVersionArn = &versionArn
	}
	return out, nil
}
