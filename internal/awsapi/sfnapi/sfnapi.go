// Package sfnapi serves the Step Functions JSON 1.0 API: one file per
// operation, each turning the wire request into a call on the sfn service
// and the result back into Step Functions' wire shapes. Service errors
// become wire errors in exactly one place, serviceError.
package sfnapi

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/sfn"
)

// TargetPrefix is Step Functions' X-Amz-Target prefix.
const TargetPrefix = "AWSStepFunctions."

// API holds the Step Functions service the operations call.
type API struct {
	svc *sfn.Service
}

// Register adds the Step Functions operations to mux.
func Register(mux *awsapi.Mux, svc *sfn.Service) {
	a := &API{svc: svc}
	for name, h := range map[string]awsapi.HandlerFunc{
		"CreateStateMachine":               awsapi.JSON(a.createStateMachine),
		"DescribeStateMachine":             awsapi.JSON(a.describeStateMachine),
		"UpdateStateMachine":               awsapi.JSON(a.updateStateMachine),
		"DeleteStateMachine":               awsapi.JSON(a.deleteStateMachine),
		"ListStateMachines":                awsapi.JSON(a.listStateMachines),
		"ValidateStateMachineDefinition":   awsapi.JSON(a.validateStateMachineDefinition),
		"StartExecution":                   awsapi.JSON(a.startExecution),
		"StartSyncExecution":               awsapi.JSON(a.startSyncExecution),
		"DescribeExecution":                awsapi.JSON(a.describeExecution),
		"ListExecutions":                   awsapi.JSON(a.listExecutions),
		"StopExecution":                    awsapi.JSON(a.stopExecution),
		"GetExecutionHistory":              awsapi.JSON(a.getExecutionHistory),
		"DescribeStateMachineForExecution": awsapi.JSON(a.describeStateMachineForExecution),
		"TagResource":                      awsapi.JSON(a.tagResource),
		"UntagResource":                    awsapi.JSON(a.untagResource),
		"ListTagsForResource":              awsapi.JSON(a.listTagsForResource),
		"SendTaskSuccess":                  awsapi.JSON(a.sendTaskSuccess),
		"SendTaskFailure":                  awsapi.JSON(a.sendTaskFailure),
		"SendTaskHeartbeat":                awsapi.JSON(a.sendTaskHeartbeat),
		"CreateActivity":                   awsapi.JSON(a.createActivity),
		"DescribeActivity":                 awsapi.JSON(a.describeActivity),
		"DeleteActivity":                   awsapi.JSON(a.deleteActivity),
		"ListActivities":                   awsapi.JSON(a.listActivities),
		"GetActivityTask":                  awsapi.JSON(a.getActivityTask),
	} {
		mux.HandleTarget(TargetPrefix+name, &awsapi.Operation{Service: "states", Name: name, Protocol: awsapi.JSON10, Handler: h})
	}
	registerMore(mux, a)
}

// epoch is a timestamp as JSON 1.0 carries it: seconds since the epoch with
// a fraction.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64), nil
}

// optEpoch is an optional timestamp: nil for the zero time (omitempty).
func optEpoch(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

// optString is nil for "" (omitempty on a pointer keeps empty strings
// apart from absent ones where that matters).
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// included is AWS's inputDetails / outputDetails.
type included struct {
	Included bool `json:"included"`
}

// required reports a missing required member as AWS does.
func required(field string) *awsapi.Error {
	return awsapi.NewError(awsapi.SFNValidation, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

// maxLen checks a string member's length (in characters, as AWS counts).
func maxLen(field string, v *string, n int, sensitive bool) *awsapi.Error {
	if v == nil || len([]rune(*v)) <= n {
		return nil
	}
	shown := v
	if sensitive {
		shown = nil
	}
	return awsapi.Validation(field, shown, "Member must have length less than or equal to "+strconv.Itoa(n))
}

// pageSize checks maxResults (0..1000) and returns the page size to use.
func pageSize(n, def int) (int, *awsapi.Error) {
	if n < 0 || n > 1000 {
		v := strconv.Itoa(n)
		c := "Member must have value less than or equal to 1000"
		if n < 0 {
			c = "Member must have value greater than or equal to 0"
		}
		return 0, awsapi.Validation("maxResults", &v, c)
	}
	if n == 0 {
		return def, nil
	}
	return n, nil
}

// serviceError maps the service's errors to Step Functions' wire errors. It
// is the one place that does.
func serviceError(err error) error {
	var de *asl.DefinitionError
	if errors.As(err, &de) {
		return awsapi.NewError(awsapi.SFNInvalidDefinition, "%s", de.Error())
	}
	var se *sfn.Error
	if !errors.As(err, &se) {
		if errors.Is(err, sfn.ErrClosed) {
			return awsapi.NewError(awsapi.CommonService, "The service is shutting down.")
		}
		return err
	}
	d := se.Detail
	switch se.Kind {
	case sfn.ErrInvalidArn:
		return awsapi.NewError(awsapi.SFNInvalidArn, "Invalid Arn: '%s'", d)
	case sfn.ErrInvalidResourceType:
		return awsapi.NewError(awsapi.SFNInvalidArn, "Invalid Arn: 'Resource type not valid in this context: %s'", d)
	case sfn.ErrStateMachineNotFound:
		return awsapi.NewError(awsapi.SFNStateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", d)
	case sfn.ErrStateMachineAlreadyExists:
		return awsapi.NewError(awsapi.SFNStateMachineAlreadyExists, "State Machine Already Exists: '%s'", d)
	case sfn.ErrStateMachineTypeNotSupp:
		return awsapi.NewError(awsapi.SFNStateMachineTypeNotSupported, "This operation is not supported by this type of state machine")
	case sfn.ErrExecutionNotFound:
		return awsapi.NewError(awsapi.SFNExecutionDoesNotExist, "Execution Does Not Exist: '%s'", d)
	case sfn.ErrExecutionAlreadyExists:
		return awsapi.NewError(awsapi.SFNExecutionAlreadyExists, "Execution Already Exists: '%s'", d)
	case sfn.ErrInvalidName:
		return awsapi.NewError(awsapi.SFNInvalidName, "Invalid Name: '%s'", d)
	case sfn.ErrInvalidMockTestCase:
		return awsapi.NewError(awsapi.SFNInvalidName, "%s", d)
	case sfn.ErrInvalidToken:
		return awsapi.NewError(awsapi.SFNInvalidToken, "Invalid Token: '%s'", d)
	case sfn.ErrInvalidExecutionInput:
		return awsapi.NewError(awsapi.SFNInvalidExecutionInput, "Invalid State Machine Execution Input: '%s'", d)
	case sfn.ErrInvalidLogging:
		return awsapi.NewError(awsapi.SFNInvalidLoggingConfiguration, "Invalid Logging Configuration: %s", d)
	case sfn.ErrMissingParameter:
		return awsapi.NewError(awsapi.SFNMissingRequiredParameter, "%s", d)
	case sfn.ErrResourceNotFound:
		return awsapi.NewError(awsapi.SFNResourceNotFound, "Resource not found: '%s'", d)
	case sfn.ErrTaskDoesNotExist:
		return awsapi.NewError(awsapi.SFNTaskDoesNotExist, "Task Does Not Exist: '%s'", d)
	case sfn.ErrTaskTimedOut:
		return awsapi.NewError(awsapi.SFNTaskTimedOut, "Task Timed Out: '%s'", d)
	case sfn.ErrInvalidOutput:
		return awsapi.NewError(awsapi.SFNInvalidOutput, "Invalid Output: '%s'", d)
	case sfn.ErrActivityNotFound:
		return awsapi.NewError(awsapi.SFNActivityDoesNotExist, "Activity Does Not Exist: '%s'", d)
	case sfn.ErrActivityAlreadyExists:
		return awsapi.NewError(awsapi.SFNActivityAlreadyExists, "Activity Already Exists: '%s'", d)
	case sfn.ErrTooManyTags:
		return awsapi.NewError(awsapi.SFNTooManyTags, "Too many tags: a resource can have at most %d tags", sfn.MaxTags).With("resourceName", d)
	}
	if e := moreServiceError(se); e != nil {
		return e
	}
	return fmt.Errorf("unmapped service error: %w", err)
}
