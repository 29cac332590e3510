package sfnapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/awsapi"
)

type validateStateMachineDefinitionInput struct {
	Definition *string `json:"definition"`
	Type       *string `json:"type"`
	Severity   *string `json:"severity"`
	MaxResults int     `json:"maxResults"`
}

type validateStateMachineDefinitionOutput struct {
	Result      string           `json:"result"`
	Diagnostics []asl.Diagnostic `json:"diagnostics"`
	Truncated   bool             `json:"truncated"`
}

func (a *API) validateStateMachineDefinition(ctx context.Context, r *awsapi.Request, in *validateStateMachineDefinitionInput) (*validateStateMachineDefinitionOutput, error) {
	if in.Definition == nil {
		return nil, required("definition")
	}
	if err := maxLen("definition", in.Definition, maxDefinition, true); err != nil {
		return nil, err
	}
	if _, err := machineType(in.Type); err != nil {
		return nil, err
	}
	if in.Severity != nil && *in.Severity != "ERROR" && *in.Severity != "WARNING" {
		return nil, awsapi.Validation("severity", in.Severity, "Member must satisfy enum value set: [ERROR, WARNING]")
	}
	size, verr := pageSize(in.MaxResults, 100)
	if verr != nil {
		return nil, verr
	}
	diags := a.svc.ValidateStateMachineDefinition(*in.Definition)
	out := &validateStateMachineDefinitionOutput{Result: "OK", Diagnostics: []asl.Diagnostic{}}
	for _, d := range diags {
		if d.Severity == "ERROR" {
			out.Result = "FAIL"
		}
	}
	if len(diags) > size {
		diags, out.Truncated = diags[:size], true
	}
	out.Diagnostics = append(out.Diagnostics, diags...)
	return out, nil
}
