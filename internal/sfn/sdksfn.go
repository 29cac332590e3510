package sfn

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/asl"
)

// The AWS SDK integration with Step Functions itself
// (arn:aws:states:::aws-sdk:sfn:<action>), for the actions a workflow uses
// to answer another one's callback: sendTaskSuccess, sendTaskFailure and
// sendTaskHeartbeat. Their parameters are the API's members, capitalized
// (TaskToken, Output, Error, Cause); their result is the API's empty
// response. API errors fail the task as the SDK reports them
// ("Sfn.InvalidTokenException"). Other actions are not served here.

// sdkSfnActions are the aws-sdk:sfn actions served.
var sdkSfnActions = map[string]bool{"sendTaskSuccess": true, "sendTaskFailure": true, "sendTaskHeartbeat": true}

// sdkSfn runs an aws-sdk:sfn task.
func (s *Service) sdkSfn(ctx context.Context, task *Task) (asl.Result, error) {
	params, _ := task.Parameters.(map[string]any)
	str := func(k string) (string, bool) {
		switch v := params[k].(type) {
		case nil:
			return "", false
		case string:
			return v, true
		default:
			b, err := marshalJSON(v)
			if err != nil {
				return "", false
			}
			return string(b), true
		}
	}
	token, ok := str("TaskToken")
	if !ok {
		return sdkSfnFailure("ValidationException", "1 validation error detected: Value null at 'taskToken' failed to satisfy constraint: Member must not be null"), nil
	}
	var err error
	switch task.ResourceName {
	case "sendTaskSuccess":
		output, ok := str("Output")
		if !ok {
			return sdkSfnFailure("ValidationException", "1 validation error detected: Value null at 'output' failed to satisfy constraint: Member must not be null"), nil
		}
		err = s.SendTaskSuccess(ctx, token, output)
	case "sendTaskFailure":
		errName, _ := str("Error")
		cause, _ := str("Cause")
		err = s.SendTaskFailure(ctx, token, errName, cause)
	case "sendTaskHeartbeat":
		err = s.SendTaskHeartbeat(ctx, token)
	}
	var se *Error
	if errors.As(err, &se) {
		code, message := "", se.Detail
		switch se.Kind {
		case ErrInvalidToken:
			code, message = "InvalidToken", "Invalid Token: '"+se.Detail+"'"
		case ErrTaskDoesNotExist:
			code, message = "TaskDoesNotExist", "Task Does Not Exist: '"+se.Detail+"'"
		case ErrTaskTimedOut:
			code, message = "TaskTimedOut", "Task Timed Out: '"+se.Detail+"'"
		case ErrInvalidOutput:
			code, message = "InvalidOutput", "Invalid Output: '"+se.Detail+"'"
		}
		if code != "" {
			return sdkSfnFailure(code, message), nil
		}
	}
	if err != nil {
		return asl.Result{}, fmt.Errorf("state %q: %s: %w", task.StateName, task.ResourceName, err)
	}
	return asl.Result{OutputJSON: "{}"}, nil
}

// sdkSfnFailure is a Step Functions API error as the AWS SDK integration
// reports it.
func sdkSfnFailure(code, message string) asl.Result {
	class := code
	if !strings.HasSuffix(class, "Exception") {
		class += "Exception"
	}
	return asl.Result{Error: "Sfn." + class, Cause: fmt.Sprintf(
		"%s (Service: Sfn, Status Code: 400, Request ID: %s) (SDK Attempt Count: 1)", message, uuid.NewString())}
}

// sdkSfnServed reports whether a task is an aws-sdk:sfn action served here.
func sdkSfnServed(task *Task) bool {
	return task.Kind == "service" && task.ResourceType == "aws-sdk:sfn" && sdkSfnActions[task.ResourceName]
}
