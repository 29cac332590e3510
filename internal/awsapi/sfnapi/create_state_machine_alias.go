package sfnapi

import (
	"context"
	"regexp"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type createStateMachineAliasInput struct {
	Description          *string             `json:"description"`
	Name                 *string             `json:"name"`
	RoutingConfiguration []sfn.RoutingConfig `json:"routingConfiguration"`
}

type createStateMachineAliasOutput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         epoch  `json:"creationDate"`
}

// aliasNamePattern is the CharacterRestrictedName constraint as AWS quotes
// it (Go's regexp has no lookahead: ValidAliasName checks the same).
const aliasNamePattern = `^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$`

var aliasNameChars = regexp.MustCompile(`^[a-zA-Z0-9_.\-]+$`)

// checkAliasName validates an alias name member.
func checkAliasName(name *string) error {
	if name == nil {
		return required("name")
	}
	if err := maxLen("name", name, sfn.MaxNameLength, false); err != nil {
		return err
	}
	if *name == "" {
		return awsapi.Validation("name", name, "Member must have length greater than or equal to 1")
	}
	if !aliasNameChars.MatchString(*name) || !sfn.ValidAliasName(*name) {
		return awsapi.Validation("name", name, "Member must satisfy regular expression pattern: "+aliasNamePattern)
	}
	return nil
}

func (a *API) createStateMachineAlias(ctx context.Context, r *awsapi.Request, in *createStateMachineAliasInput) (*createStateMachineAliasOutput, error) {
	if err := checkAliasName(in.Name); err != nil {
		return nil, err
	}
	if in.RoutingConfiguration == nil {
		return nil, required("routingConfiguration")
	}
	if err := checkRouting(in.RoutingConfiguration, true); err != nil {
		return nil, err
	}
	if err := maxLen("description", in.Description, maxDescription, false); err != nil {
		return nil, err
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	aliasArn, created, err := a.svc.CreateStateMachineAlias(ctx, *in.Name, desc, in.RoutingConfiguration)
	if err != nil {
		return nil, serviceError(err)
	}
	return &createStateMachineAliasOutput{StateMachineAliasArn: aliasArn, CreationDate: epoch(created)}, nil
}
