package sfnapi

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

type testStateInput struct {
	Definition         *string          `json:"definition"`
	RoleArn            *string          `json:"roleArn"`
	Input              *string          `json:"input"`
	InspectionLevel    *string          `json:"inspectionLevel"`
	RevealSecrets      bool             `json:"revealSecrets"`
	Variables          *string          `json:"variables"`
	StateName          *string          `json:"stateName"`
	Mock               *testStateMock   `json:"mock"`
	Context            *string          `json:"context"`
	StateConfiguration *json.RawMessage `json:"stateConfiguration"`
}

type testStateMock struct {
	Result      *string `json:"result"`
	ErrorOutput *struct {
		Error *string `json:"error"`
		Cause *string `json:"cause"`
	} `json:"errorOutput"`
	FieldValidationMode *string `json:"fieldValidationMode"`
}

type testStateErrorDetails struct {
	CatchIndex                  *int `json:"catchIndex,omitempty"`
	RetryIndex                  *int `json:"retryIndex,omitempty"`
	RetryBackoffIntervalSeconds *int `json:"retryBackoffIntervalSeconds,omitempty"`
}

type testStateInspectionData struct {
	Input               *string                `json:"input,omitempty"`
	AfterArguments      *string                `json:"afterArguments,omitempty"`
	AfterInputPath      *string                `json:"afterInputPath,omitempty"`
	AfterParameters     *string                `json:"afterParameters,omitempty"`
	Result              *string                `json:"result,omitempty"`
	AfterResultSelector *string                `json:"afterResultSelector,omitempty"`
	AfterResultPath     *string                `json:"afterResultPath,omitempty"`
	Variables           *string                `json:"variables,omitempty"`
	ErrorDetails        *testStateErrorDetails `json:"errorDetails,omitempty"`
}

type testStateOutput struct {
	Output         *string                  `json:"output,omitempty"`
	Error          *string                  `json:"error,omitempty"`
	Cause          *string                  `json:"cause,omitempty"`
	InspectionData *testStateInspectionData `json:"inspectionData,omitempty"`
	NextState      *string                  `json:"nextState,omitempty"`
	Status         string                   `json:"status"`
}

func (a *API) testState(ctx context.Context, r *awsapi.Request, in *testStateInput) (*testStateOutput, error) {
	if in.Definition == nil {
		return nil, required("definition")
	}
	if err := maxLen("definition", in.Definition, maxDefinition, true); err != nil {
		return nil, err
	}
	if err := maxLen("roleArn", in.RoleArn, 256, false); err != nil {
		return nil, err
	}
	sin := sfn.TestStateInput{Definition: *in.Definition, RevealSecrets: in.RevealSecrets, InspectionLevel: "INFO"}
	if in.RoleArn != nil {
		sin.RoleArn = *in.RoleArn
	}
	if in.InspectionLevel != nil {
		switch *in.InspectionLevel {
		case "INFO", "DEBUG", "TRACE":
			sin.InspectionLevel = *in.InspectionLevel
		default:
			return nil, awsapi.Validation("inspectionLevel", in.InspectionLevel, "Member must satisfy enum value set: [INFO, DEBUG, TRACE]")
		}
	}
	if in.Input != nil {
		if len(*in.Input) > sfn.MaxInputBytes {
			return nil, awsapi.Validation("input", nil, "Member must have length less than or equal to "+strconv.Itoa(sfn.MaxInputBytes))
		}
		if !json.Valid([]byte(*in.Input)) {
			return nil, awsapi.NewError(awsapi.SFNInvalidExecutionInput, "Invalid State Machine Execution Input: 'input is not valid JSON'")
		}
		sin.Input = *in.Input
	}
	if in.Variables != nil {
		if len(*in.Variables) > sfn.MaxInputBytes {
			return nil, awsapi.Validation("variables", nil, "Member must have length less than or equal to "+strconv.Itoa(sfn.MaxInputBytes))
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(*in.Variables), &obj); err != nil || obj == nil {
			return nil, awsapi.NewError(awsapi.SFNValidation, "variables must be a JSON object literal")
		}
		sin.Variables = *in.Variables
	}
	if in.StateName != nil {
		if err := maxLen("stateName", in.StateName, 80, false); err != nil {
			return nil, err
		}
		if *in.StateName == "" {
			return nil, awsapi.Validation("stateName", in.StateName, "Member must have length greater than or equal to 1")
		}
		sin.StateName = *in.StateName
	}
	if m := in.Mock; m != nil {
		sin.Mock = &sfn.TestStateMock{Result: m.Result}
		if m.ErrorOutput != nil {
			if m.ErrorOutput.Error == nil {
				return nil, required("mock.errorOutput.error")
			}
			sin.Mock.ErrorOutput = &sfn.TestStateMockError{Error: *m.ErrorOutput.Error}
			if m.ErrorOutput.Cause != nil {
				sin.Mock.ErrorOutput.Cause = *m.ErrorOutput.Cause
			}
		}
		if v := m.FieldValidationMode; v != nil && *v != "STRICT" && *v != "PRESENT" && *v != "NONE" {
			return nil, awsapi.Validation("mock.fieldValidationMode", v, "Member must satisfy enum value set: [STRICT, PRESENT, NONE]")
		}
	}
	if in.Context != nil {
		if in.Mock == nil {
			return nil, awsapi.NewError(awsapi.SFNValidation, "The context field may only be specified if a mock is specified")
		}
		return nil, awsapi.NewError(awsapi.SFNValidation, "The context field is not supported by this server")
	}
	if in.StateConfiguration != nil {
		return nil, awsapi.NewError(awsapi.SFNValidation, "The stateConfiguration field is not supported by this server")
	}
	res, err := a.svc.TestState(ctx, sfn.Scope{Account: r.Account, Region: r.Region}, sin)
	if err != nil {
		return nil, serviceError(err)
	}
	out := &testStateOutput{Status: res.Status, Output: optString(res.Output), Error: optString(res.Error),
		Cause: optString(res.Cause), NextState: optString(res.NextState)}
	if sin.InspectionLevel != "INFO" {
		i := res.Inspection
		out.InspectionData = &testStateInspectionData{Input: optString(i.Input), AfterArguments: optString(i.AfterArguments),
			AfterInputPath: optString(i.AfterInputPath), AfterParameters: optString(i.AfterParameters),
			Result: optString(i.Result), AfterResultSelector: optString(i.AfterResultSelector),
			AfterResultPath: optString(i.AfterResultPath), Variables: optString(i.Variables)}
		if i.CatchIndex != nil || i.RetryIndex != nil {
			out.InspectionData.ErrorDetails = &testStateErrorDetails{CatchIndex: i.CatchIndex, RetryIndex: i.RetryIndex,
				RetryBackoffIntervalSeconds: i.RetryBackoffSeconds}
		}
	}
	return out, nil
}
