// Package sfnapi serves the Step Functions JSON 1.0 API: one file per
// operation, each turning the wire request into a call on the sfn service
// and the result (or error) back into Step Functions' wire shapes.
package sfnapi

import (
	"errors"
	"strconv"
	"time"

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
		"ListStateMachines":    awsapi.JSON(a.listStateMachines),
		"DescribeStateMachine": awsapi.JSON(a.describeStateMachine),
		"StartExecution":       awsapi.JSON(a.startExecution),
	} {
		mux.HandleTarget(TargetPrefix+name, &awsapi.Operation{Service: "states", Name: name, Protocol: awsapi.JSON10, Handler: h})
	}
}

// epoch is a timestamp as JSON 1.0 carries it: seconds since the epoch with
// a fraction.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64), nil
}

// required reports a missing required member as AWS does.
func required(field string) *awsapi.Error {
	return awsapi.NewError(awsapi.SFNValidation, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

// serviceError maps the service's errors to Step Functions' wire errors.
func serviceError(err error, arn string) error {
	switch {
	case errors.Is(err, sfn.ErrInvalidArn):
		return awsapi.NewError(awsapi.SFNInvalidArn, "Invalid Arn: 'Resource type not valid in this context: %s'", arn)
	case errors.Is(err, sfn.ErrStateMachineNotFound):
		return awsapi.NewError(awsapi.SFNStateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", arn)
	case errors.Is(err, sfn.ErrInvalidToken):
		return awsapi.NewError(awsapi.SFNInvalidToken, "Invalid Token: '%s'", arn)
	}
	return err
}
