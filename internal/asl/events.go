package asl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// EventType is the type of a history event, as GetExecutionHistory reports it.
type EventType string

// History event types (AWS's HistoryEventType enumeration).
const (
	EventActivityFailed            EventType = "ActivityFailed"
	EventActivityScheduled         EventType = "ActivityScheduled"
	EventActivityScheduleFailed    EventType = "ActivityScheduleFailed"
	EventActivityStarted           EventType = "ActivityStarted"
	EventActivitySucceeded         EventType = "ActivitySucceeded"
	EventActivityTimedOut          EventType = "ActivityTimedOut"
	EventChoiceStateEntered        EventType = "ChoiceStateEntered"
	EventChoiceStateExited         EventType = "ChoiceStateExited"
	EventExecutionAborted          EventType = "ExecutionAborted"
	EventExecutionFailed           EventType = "ExecutionFailed"
	EventExecutionStarted          EventType = "ExecutionStarted"
	EventExecutionSucceeded        EventType = "ExecutionSucceeded"
	EventExecutionTimedOut         EventType = "ExecutionTimedOut"
	EventExecutionRedriven         EventType = "ExecutionRedriven"
	EventFailStateEntered          EventType = "FailStateEntered"
	EventLambdaFunctionFailed      EventType = "LambdaFunctionFailed"
	EventLambdaFunctionScheduled   EventType = "LambdaFunctionScheduled"
	EventLambdaFunctionSchedFailed EventType = "LambdaFunctionScheduleFailed"
	EventLambdaFunctionStarted     EventType = "LambdaFunctionStarted"
	EventLambdaFunctionStartFailed EventType = "LambdaFunctionStartFailed"
	EventLambdaFunctionSucceeded   EventType = "LambdaFunctionSucceeded"
	EventLambdaFunctionTimedOut    EventType = "LambdaFunctionTimedOut"
	EventMapIterationAborted       EventType = "MapIterationAborted"
	EventMapIterationFailed        EventType = "MapIterationFailed"
	EventMapIterationStarted       EventType = "MapIterationStarted"
	EventMapIterationSucceeded     EventType = "MapIterationSucceeded"
	EventMapStateAborted           EventType = "MapStateAborted"
	EventMapStateEntered           EventType = "MapStateEntered"
	EventMapStateExited            EventType = "MapStateExited"
	EventMapStateFailed            EventType = "MapStateFailed"
	EventMapStateStarted           EventType = "MapStateStarted"
	EventMapStateSucceeded         EventType = "MapStateSucceeded"
	EventMapRunAborted             EventType = "MapRunAborted"
	EventMapRunFailed              EventType = "MapRunFailed"
	EventMapRunStarted             EventType = "MapRunStarted"
	EventMapRunSucceeded           EventType = "MapRunSucceeded"
	EventMapRunRedriven            EventType = "MapRunRedriven"
	EventParallelStateAborted      EventType = "ParallelStateAborted"
	EventParallelStateEntered      EventType = "ParallelStateEntered"
	EventParallelStateExited       EventType = "ParallelStateExited"
	EventParallelStateFailed       EventType = "ParallelStateFailed"
	EventParallelStateStarted      EventType = "ParallelStateStarted"
	EventParallelStateSucceeded    EventType = "ParallelStateSucceeded"
	EventPassStateEntered          EventType = "PassStateEntered"
	EventPassStateExited           EventType = "PassStateExited"
	EventSucceedStateEntered       EventType = "SucceedStateEntered"
	EventSucceedStateExited        EventType = "SucceedStateExited"
	EventTaskFailed                EventType = "TaskFailed"
	EventTaskScheduled             EventType = "TaskScheduled"
	EventTaskStarted               EventType = "TaskStarted"
	EventTaskStartFailed           EventType = "TaskStartFailed"
	EventTaskStateAborted          EventType = "TaskStateAborted"
	EventTaskStateEntered          EventType = "TaskStateEntered"
	EventTaskStateExited           EventType = "TaskStateExited"
	EventTaskSubmitFailed          EventType = "TaskSubmitFailed"
	EventTaskSubmitted             EventType = "TaskSubmitted"
	EventTaskSucceeded             EventType = "TaskSucceeded"
	EventTaskTimedOut              EventType = "TaskTimedOut"
	EventWaitStateAborted          EventType = "WaitStateAborted"
	EventWaitStateEntered          EventType = "WaitStateEntered"
	EventWaitStateExited           EventType = "WaitStateExited"
	EventEvaluationFailed          EventType = "EvaluationFailed"
)

// Event is one history event. It marshals to exactly the JSON shape of a
// GetExecutionHistory event: {"timestamp", "type", "id", "previousEventId",
// "<x>EventDetails": {...}}, with the timestamp in epoch seconds as the AWS
// JSON protocol sends it. Details holds a pointer to the details struct that
// belongs to Type (e.g. *StateEnteredEventDetails for PassStateEntered), or
// nil for events without details (ParallelStateStarted, MapStateSucceeded...).
type Event struct {
	Timestamp       time.Time
	Type            EventType
	ID              int64
	PreviousEventID int64
	Details         any
}

// HistoryEventExecutionDataDetails is AWS's inputDetails/outputDetails.
type HistoryEventExecutionDataDetails struct {
	Truncated bool `json:"truncated"`
}

// ExecutionStartedEventDetails is the details of ExecutionStarted.
type ExecutionStartedEventDetails struct {
	Input                  string                            `json:"input,omitempty"`
	InputDetails           *HistoryEventExecutionDataDetails `json:"inputDetails,omitempty"`
	RoleArn                string                            `json:"roleArn,omitempty"`
	StateMachineAliasArn   string                            `json:"stateMachineAliasArn,omitempty"`
	StateMachineVersionArn string                            `json:"stateMachineVersionArn,omitempty"`
}

// ExecutionSucceededEventDetails is the details of ExecutionSucceeded.
type ExecutionSucceededEventDetails struct {
	Output        string                            `json:"output,omitempty"`
	OutputDetails *HistoryEventExecutionDataDetails `json:"outputDetails,omitempty"`
}

// ErrorCauseDetails is the details shape shared by events that carry an
// error and a cause (ExecutionFailed, LambdaFunctionFailed, ActivityFailed...).
type ErrorCauseDetails struct {
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
}

// ExecutionRedrivenEventDetails is the details of ExecutionRedriven.
type ExecutionRedrivenEventDetails struct {
	RedriveCount int `json:"redriveCount"`
}

// StateEnteredEventDetails is the details of every *StateEntered event.
type StateEnteredEventDetails struct {
	Name         string                            `json:"name"`
	Input        string                            `json:"input,omitempty"`
	InputDetails *HistoryEventExecutionDataDetails `json:"inputDetails,omitempty"`
}

// StateExitedEventDetails is the details of every *StateExited event.
type StateExitedEventDetails struct {
	Name                     string                            `json:"name"`
	Output                   string                            `json:"output,omitempty"`
	OutputDetails            *HistoryEventExecutionDataDetails `json:"outputDetails,omitempty"`
	AssignedVariables        map[string]string                 `json:"assignedVariables,omitempty"`
	AssignedVariablesDetails *HistoryEventExecutionDataDetails `json:"assignedVariablesDetails,omitempty"`
}

// TaskCredentials is the role a task was run with.
type TaskCredentials struct {
	RoleArn string `json:"roleArn,omitempty"`
}

// TaskScheduledEventDetails is the details of TaskScheduled.
type TaskScheduledEventDetails struct {
	ResourceType       string           `json:"resourceType"`
	Resource           string           `json:"resource"`
	Region             string           `json:"region"`
	Parameters         string           `json:"parameters"`
	TimeoutInSeconds   *int64           `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds *int64           `json:"heartbeatInSeconds,omitempty"`
	TaskCredentials    *TaskCredentials `json:"taskCredentials,omitempty"`
}

// TaskStartedEventDetails is the details of TaskStarted.
type TaskStartedEventDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
}

// TaskOutputEventDetails is the details of TaskSubmitted and TaskSucceeded.
type TaskOutputEventDetails struct {
	ResourceType  string                            `json:"resourceType"`
	Resource      string                            `json:"resource"`
	Output        string                            `json:"output,omitempty"`
	OutputDetails *HistoryEventExecutionDataDetails `json:"outputDetails,omitempty"`
}

// TaskErrorEventDetails is the details of TaskFailed, TaskTimedOut,
// TaskStartFailed and TaskSubmitFailed.
type TaskErrorEventDetails struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
	Error        string `json:"error,omitempty"`
	Cause        string `json:"cause,omitempty"`
}

// ActivityScheduledEventDetails is the details of ActivityScheduled.
type ActivityScheduledEventDetails struct {
	Resource           string                            `json:"resource"`
	Input              string                            `json:"input,omitempty"`
	InputDetails       *HistoryEventExecutionDataDetails `json:"inputDetails,omitempty"`
	TimeoutInSeconds   *int64                            `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds *int64                            `json:"heartbeatInSeconds,omitempty"`
}

// ActivityStartedEventDetails is the details of ActivityStarted.
type ActivityStartedEventDetails struct {
	WorkerName string `json:"workerName,omitempty"`
}

// OutputEventDetails is the details of ActivitySucceeded and
// LambdaFunctionSucceeded.
type OutputEventDetails struct {
	Output        string                            `json:"output,omitempty"`
	OutputDetails *HistoryEventExecutionDataDetails `json:"outputDetails,omitempty"`
}

// LambdaFunctionScheduledEventDetails is the details of LambdaFunctionScheduled.
type LambdaFunctionScheduledEventDetails struct {
	Resource         string                            `json:"resource"`
	Input            string                            `json:"input,omitempty"`
	InputDetails     *HistoryEventExecutionDataDetails `json:"inputDetails,omitempty"`
	TimeoutInSeconds *int64                            `json:"timeoutInSeconds,omitempty"`
	TaskCredentials  *TaskCredentials                  `json:"taskCredentials,omitempty"`
}

// MapStateStartedEventDetails is the details of MapStateStarted.
type MapStateStartedEventDetails struct {
	Length int `json:"length"`
}

// MapIterationEventDetails is the details of the MapIteration* events.
type MapIterationEventDetails struct {
	Name  string `json:"name"`
	Index int    `json:"index"`
}

// MapRunStartedEventDetails is the details of MapRunStarted.
type MapRunStartedEventDetails struct {
	MapRunArn string `json:"mapRunArn"`
}

// MapRunRedrivenEventDetails is the details of MapRunRedriven.
type MapRunRedrivenEventDetails struct {
	MapRunArn    string `json:"mapRunArn"`
	RedriveCount int    `json:"redriveCount"`
}

// EvaluationFailedEventDetails is the details of EvaluationFailed (JSONata).
type EvaluationFailedEventDetails struct {
	Error    string `json:"error,omitempty"`
	Cause    string `json:"cause,omitempty"`
	Location string `json:"location,omitempty"`
	State    string `json:"state"`
}

// detailsKeys maps an event type to the JSON key of its details; types absent
// here carry no details.
var detailsKeys = map[EventType]string{
	EventActivityFailed:            "activityFailedEventDetails",
	EventActivityScheduled:         "activityScheduledEventDetails",
	EventActivityScheduleFailed:    "activityScheduleFailedEventDetails",
	EventActivityStarted:           "activityStartedEventDetails",
	EventActivitySucceeded:         "activitySucceededEventDetails",
	EventActivityTimedOut:          "activityTimedOutEventDetails",
	EventExecutionAborted:          "executionAbortedEventDetails",
	EventExecutionFailed:           "executionFailedEventDetails",
	EventExecutionStarted:          "executionStartedEventDetails",
	EventExecutionSucceeded:        "executionSucceededEventDetails",
	EventExecutionTimedOut:         "executionTimedOutEventDetails",
	EventExecutionRedriven:         "executionRedrivenEventDetails",
	EventLambdaFunctionFailed:      "lambdaFunctionFailedEventDetails",
	EventLambdaFunctionScheduled:   "lambdaFunctionScheduledEventDetails",
	EventLambdaFunctionSchedFailed: "lambdaFunctionScheduleFailedEventDetails",
	EventLambdaFunctionStartFailed: "lambdaFunctionStartFailedEventDetails",
	EventLambdaFunctionSucceeded:   "lambdaFunctionSucceededEventDetails",
	EventLambdaFunctionTimedOut:    "lambdaFunctionTimedOutEventDetails",
	EventMapIterationAborted:       "mapIterationAbortedEventDetails",
	EventMapIterationFailed:        "mapIterationFailedEventDetails",
	EventMapIterationStarted:       "mapIterationStartedEventDetails",
	EventMapIterationSucceeded:     "mapIterationSucceededEventDetails",
	EventMapStateStarted:           "mapStateStartedEventDetails",
	EventMapRunStarted:             "mapRunStartedEventDetails",
	EventMapRunFailed:              "mapRunFailedEventDetails",
	EventMapRunRedriven:            "mapRunRedrivenEventDetails",
	EventTaskFailed:                "taskFailedEventDetails",
	EventTaskScheduled:             "taskScheduledEventDetails",
	EventTaskStarted:               "taskStartedEventDetails",
	EventTaskStartFailed:           "taskStartFailedEventDetails",
	EventTaskSubmitFailed:          "taskSubmitFailedEventDetails",
	EventTaskSubmitted:             "taskSubmittedEventDetails",
	EventTaskSucceeded:             "taskSucceededEventDetails",
	EventTaskTimedOut:              "taskTimedOutEventDetails",
	EventEvaluationFailed:          "evaluationFailedEventDetails",
	EventChoiceStateEntered:        "stateEnteredEventDetails",
	EventFailStateEntered:          "stateEnteredEventDetails",
	EventMapStateEntered:           "stateEnteredEventDetails",
	EventParallelStateEntered:      "stateEnteredEventDetails",
	EventPassStateEntered:          "stateEnteredEventDetails",
	EventSucceedStateEntered:       "stateEnteredEventDetails",
	EventTaskStateEntered:          "stateEnteredEventDetails",
	EventWaitStateEntered:          "stateEnteredEventDetails",
	EventChoiceStateExited:         "stateExitedEventDetails",
	EventMapStateExited:            "stateExitedEventDetails",
	EventParallelStateExited:       "stateExitedEventDetails",
	EventPassStateExited:           "stateExitedEventDetails",
	EventSucceedStateExited:        "stateExitedEventDetails",
	EventTaskStateExited:           "stateExitedEventDetails",
	EventWaitStateExited:           "stateExitedEventDetails",
}

// newDetails returns a zero details value of the Go type that belongs to t,
// or nil when t carries no details.
func newDetails(t EventType) any {
	switch t {
	case EventExecutionStarted:
		return &ExecutionStartedEventDetails{}
	case EventExecutionSucceeded:
		return &ExecutionSucceededEventDetails{}
	case EventExecutionRedriven:
		return &ExecutionRedrivenEventDetails{}
	case EventTaskScheduled:
		return &TaskScheduledEventDetails{}
	case EventTaskStarted:
		return &TaskStartedEventDetails{}
	case EventTaskSubmitted, EventTaskSucceeded:
		return &TaskOutputEventDetails{}
	case EventTaskFailed, EventTaskTimedOut, EventTaskStartFailed, EventTaskSubmitFailed:
		return &TaskErrorEventDetails{}
	case EventActivityScheduled:
		return &ActivityScheduledEventDetails{}
	case EventActivityStarted:
		return &ActivityStartedEventDetails{}
	case EventActivitySucceeded, EventLambdaFunctionSucceeded:
		return &OutputEventDetails{}
	case EventLambdaFunctionScheduled:
		return &LambdaFunctionScheduledEventDetails{}
	case EventMapStateStarted:
		return &MapStateStartedEventDetails{}
	case EventMapIterationStarted, EventMapIterationSucceeded, EventMapIterationFailed, EventMapIterationAborted:
		return &MapIterationEventDetails{}
	case EventMapRunStarted:
		return &MapRunStartedEventDetails{}
	case EventMapRunRedriven:
		return &MapRunRedrivenEventDetails{}
	case EventEvaluationFailed:
		return &EvaluationFailedEventDetails{}
	}
	key := detailsKeys[t]
	switch key {
	case "":
		return nil
	case "stateEnteredEventDetails":
		return &StateEnteredEventDetails{}
	case "stateExitedEventDetails":
		return &StateExitedEventDetails{}
	}
	return &ErrorCauseDetails{}
}

// DetailsKey returns the JSON key under which an event of type t carries its
// details ("stateEnteredEventDetails"), or "" when it has none.
func DetailsKey(t EventType) string { return detailsKeys[t] }

// epochSeconds renders t as AWS's JSON protocol does: seconds since the epoch
// with millisecond precision.
func appendEpochSeconds(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec--
		frac += 1000
	}
	b = strconv.AppendInt(b, sec, 10)
	if frac != 0 {
		b = append(b, '.')
		s := strconv.FormatInt(frac+1000, 10)[1:]
		for len(s) > 0 && s[len(s)-1] == '0' {
			s = s[:len(s)-1]
		}
		b = append(b, s...)
	}
	return b
}

// MarshalJSON renders e in GetExecutionHistory's shape.
func (e Event) MarshalJSON() ([]byte, error) { return e.AppendJSON(make([]byte, 0, 256)) }

// AppendJSON appends e in GetExecutionHistory's shape to b. The details of
// the most frequent events (state entered/exited) are written directly; the
// rest go through encoding/json without HTML escaping, as AWS writes them.
func (e Event) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"timestamp":`...)
	b = appendEpochSeconds(b, e.Timestamp)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, string(e.Type))
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, e.ID, 10)
	b = append(b, `,"previousEventId":`...)
	b = strconv.AppendInt(b, e.PreviousEventID, 10)
	if e.Details != nil {
		key := detailsKeys[e.Type]
		if key == "" {
			return nil, fmt.Errorf("asl: event type %q carries no details", e.Type)
		}
		b = append(b, ',', '"')
		b = append(b, key...)
		b = append(b, '"', ':')
		switch d := e.Details.(type) {
		case *StateEnteredEventDetails:
			b = appendStateData(b, d.Name, "input", d.Input, d.InputDetails)
			b = append(b, '}')
		case *StateExitedEventDetails:
			if d.AssignedVariables != nil || d.AssignedVariablesDetails != nil {
				var err error
				if b, err = appendMarshal(b, d); err != nil {
					return nil, err
				}
				break
			}
			b = appendStateData(b, d.Name, "output", d.Output, d.OutputDetails)
			b = append(b, '}')
		default:
			var err error
			if b, err = appendMarshal(b, d); err != nil {
				return nil, err
			}
		}
	}
	b = append(b, '}')
	return b, nil
}

// appendStateData writes {"name":..,"<field>":..,"<field>Details":{..}}
// without the closing brace.
func appendStateData(b []byte, name, field, data string, det *HistoryEventExecutionDataDetails) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, name)
	if data != "" {
		b = append(b, ',', '"')
		b = append(b, field...)
		b = append(b, '"', ':')
		b = appendJSONString(b, data)
	}
	if det != nil {
		b = append(b, ',', '"')
		b = append(b, field...)
		b = append(b, `Details":{"truncated":`...)
		b = strconv.AppendBool(b, det.Truncated)
		b = append(b, '}')
	}
	return b
}

// appendMarshal appends v's JSON without HTML escaping.
func appendMarshal(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...), nil
}

// UnmarshalJSON reads an event in GetExecutionHistory's shape.
func (e *Event) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	var out Event
	if v, ok := raw["type"]; ok {
		if err := json.Unmarshal(v, &out.Type); err != nil {
			return err
		}
	}
	if v, ok := raw["id"]; ok {
		if err := json.Unmarshal(v, &out.ID); err != nil {
			return err
		}
	}
	if v, ok := raw["previousEventId"]; ok {
		if err := json.Unmarshal(v, &out.PreviousEventID); err != nil {
			return err
		}
	}
	if v, ok := raw["timestamp"]; ok {
		v = bytes.TrimSpace(v)
		if len(v) > 0 && v[0] == '"' {
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return err
			}
			out.Timestamp = t
		} else {
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil {
				return fmt.Errorf("asl: event timestamp: %w", err)
			}
			out.Timestamp = time.UnixMilli(int64(f*1000 + 0.5)).UTC()
		}
	}
	if key := detailsKeys[out.Type]; key != "" {
		if v, ok := raw[key]; ok {
			d := newDetails(out.Type)
			if err := json.Unmarshal(v, d); err != nil {
				return err
			}
			out.Details = d
		}
	}
	*e = out
	return nil
}

// StateEntered returns e's state-entered details, or nil.
func (e *Event) StateEntered() *StateEnteredEventDetails {
	d, _ := e.Details.(*StateEnteredEventDetails)
	return d
}

// StateExited returns e's state-exited details, or nil.
func (e *Event) StateExited() *StateExitedEventDetails {
	d, _ := e.Details.(*StateExitedEventDetails)
	return d
}

// stateEventTypes maps a state type to its entered and exited event types.
var stateEventTypes = map[string][2]EventType{
	"Pass":     {EventPassStateEntered, EventPassStateExited},
	"Task":     {EventTaskStateEntered, EventTaskStateExited},
	"Choice":   {EventChoiceStateEntered, EventChoiceStateExited},
	"Wait":     {EventWaitStateEntered, EventWaitStateExited},
	"Succeed":  {EventSucceedStateEntered, EventSucceedStateExited},
	"Fail":     {EventFailStateEntered, ""},
	"Parallel": {EventParallelStateEntered, EventParallelStateExited},
	"Map":      {EventMapStateEntered, EventMapStateExited},
}

var notTruncated = &HistoryEventExecutionDataDetails{}
