package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/asl"
)

// TestStateMaxDuration is how long TestState may run: a state still running
// then fails with States.Timeout.
const TestStateMaxDuration = 5 * time.Minute

// TestStateInput is what TestState runs: one state (or, with StateName,
// one state of a state machine) with an input and workflow variables.
type TestStateInput struct {
	Definition      string
	StateName       string
	RoleArn         string // "" when not given
	Input           string // JSON; "" means "{}"
	Variables       string // JSON object or ""
	InspectionLevel string // INFO (default), DEBUG or TRACE
	RevealSecrets   bool
	Mock            *TestStateMock
}

// TestStateMock replaces the tested Task's call: Result (JSON) or an
// error.
type TestStateMock struct {
	Result      *string
	ErrorOutput *TestStateMockError
}

// TestStateMockError is a mocked failure.
type TestStateMockError struct {
	Error string
	Cause string
}

// TestState runs one state as the TestState API does and returns its
// outcome. Task states call Lambda through the service's Invoker (or answer
// with the mock); Wait states do not wait; a Retry that would run the state
// again ends the test with status RETRIABLE; HTTP tasks (and so TRACE's
// request/response and revealSecrets) are not supported.
func (s *Service) TestState(ctx context.Context, sc Scope, in TestStateInput) (*asl.TestStateResult, error) {
	typ, err := asl.TestedStateType([]byte(in.Definition), in.StateName)
	if err != nil {
		return nil, testStateError(err)
	}
	switch typ {
	case "Map", "Parallel":
		if in.Mock == nil {
			return nil, newError(ErrInvalidDefinition, "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]")
		}
		return nil, newError(ErrValidation, "Mocking %s states is not supported by this server", typ)
	case "Task":
		if in.RoleArn == "" && in.Mock == nil {
			return nil, newError(ErrValidation, "RoleArn must be specified when testing a Task state")
		}
	default:
		if in.Mock != nil {
			return nil, newError(ErrValidation, "State type '%s' is not supported when a mock is specified", typ)
		}
	}
	if in.RoleArn != "" && !validRoleArn(in.RoleArn) {
		return nil, newError(ErrInvalidArn, "%s", in.RoleArn)
	}
	var mocked *asl.Result
	if m := in.Mock; m != nil {
		switch {
		case in.RevealSecrets:
			return nil, newError(ErrValidation, "TestState does not support RevealSecrets when a mock is specified.")
		case m.Result != nil && m.ErrorOutput != nil:
			return nil, newError(ErrValidation, "A test mock should have only one of the following fields: [result, errorOutput].")
		case m.Result != nil:
			if !json.Valid([]byte(*m.Result)) {
				return nil, newError(ErrValidation, "Mocked result must be valid JSON")
			}
			mocked = &asl.Result{OutputJSON: *m.Result}
		case m.ErrorOutput != nil:
			mocked = &asl.Result{Error: m.ErrorOutput.Error, Cause: m.ErrorOutput.Cause}
		default:
			return nil, newError(ErrValidation, "A test mock should have one of the following fields: [result, errorOutput].")
		}
	}

	name, machine := uuid.NewString(), "TestState-"+uuid.NewString()
	now := truncMilli(s.now())
	t, err := asl.NewStateTest(asl.TestStateOptions{
		Definition: []byte(in.Definition), StateName: in.StateName, Input: in.Input, Variables: in.Variables,
		ExecutionArn:    "arn:aws:states:" + sc.Region + ":" + sc.Account + ":express:" + machine + ":" + name,
		StateMachineArn: "arn:aws:states:" + sc.Region + ":" + sc.Account + ":stateMachine:" + machine,
		RoleArn:         in.RoleArn, Now: now, Seed: seedFor(name), Compile: compileOptions,
	})
	if err != nil {
		return nil, testStateError(err)
	}
	ctx, cancel := context.WithTimeout(ctx, TestStateMaxDuration)
	defer cancel()
	for !t.Done() {
		for _, eff := range t.Pending() {
			var (
				res  asl.Result
				when = s.now()
			)
			switch e := eff.(type) {
			case *asl.Sleep:
				when = e.Until // a Wait state does not wait in TestState
			case *asl.Invoke:
				if mocked != nil {
					res = *mocked
					break
				}
				if e.Kind == "activity" || e.Pattern != asl.PatternRequestResponse {
					return nil, newError(ErrInvalidDefinition, "TestState API supports Activity tasks and the .sync and .waitForTaskToken integration patterns only with a mock")
				}
				res, err = s.invoker.Invoke(ctx, &Task{Invoke: e, ExecutionArn: "", Account: sc.Account, Region: sc.Region})
				switch {
				case ctx.Err() != nil:
					res = asl.Result{Error: string(asl.ErrTimeout), Cause: "The state did not complete within the five minutes TestState allows."}
				case err != nil:
					res = asl.Result{Error: string(asl.ErrRuntime), Cause: err.Error()}
				}
			default:
				return nil, fmt.Errorf("test state: unexpected effect %T", eff)
			}
			if err := t.Complete(eff.EffectID(), res, when); err != nil {
				return nil, fmt.Errorf("test state: %w", err)
			}
			break // Pending changed
		}
	}
	res := t.Result(in.InspectionLevel == "DEBUG" || in.InspectionLevel == "TRACE")
	return &res, nil
}

// testStateError maps the interpreter's errors about a TestState request.
func testStateError(err error) error {
	var de *asl.DefinitionError
	switch {
	case errors.As(err, &de):
		return de
	case errors.Is(err, asl.ErrTestStateInput):
		return newError(ErrValidation, "%s", strings.TrimPrefix(err.Error(), asl.ErrTestStateInput.Error()+": "))
	}
	return err
}
