package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Asynchronous invocation (InvocationType Event)
//
// Invoke with InvocationType Event stores the event in the EventQueue and
// answers 202 once the queue has committed it: an accepted event survives a
// crash or restart of gureum. Workers take events from the queue and call
// ProcessEvent, which applies Lambda's rules:
//
//   - A function error (an error the function returned, a timeout, a crash)
//     is retried up to MaximumRetryAttempts times (default 2), one minute
//     after the first attempt and two minutes after the second.
//   - A throttle (reserved or account concurrency exhausted) or a system error
//     does not count as an attempt: the event goes back to the queue with an
//     exponential backoff from one second up to five minutes.
//   - An event older than MaximumEventAgeInSeconds (default six hours) when
//     its turn comes is discarded.
//   - The invocation record of a success goes to the OnSuccess destination, of
//     a discarded event (RetriesExhausted or EventAgeExceeded) to the OnFailure
//     destination, when configured. Destinations are Lambda functions, invoked
//     asynchronously in turn: the record is enqueued in the same transaction
//     that completes the event.
//
// Delivery is at least once, as on AWS: an event whose invocation was running
// when gureum was killed runs again after the restart (with the same request
// id), so its function may see it twice. Events that were not running, or
// whose completion had committed, run exactly as often as the rules above say.
//
// Retry delays and event ages count in the server's scaled time (WaitScale):
// with a scale of 0.01 the one-minute retry waits 0.6 s and an event with a
// maximum age of 60 s expires after 0.6 s.

// Invocation record conditions.
const (
	ConditionSuccess          = "Success"
	ConditionRetriesExhausted = "RetriesExhausted"
	ConditionEventAgeExceeded = "EventAgeExceeded"
	// OutcomeFunctionDeleted is the outcome of an event whose function (or
	// qualifier) no longer exists: it is dropped without a record.
	OutcomeFunctionDeleted = "FunctionDeleted"
)

// Backoff of throttled events (Lambda: from one second up to five minutes).
const (
	throttleBackoffMin = time.Second
	throttleBackoffMax = 5 * time.Minute
)

// AsyncEvent is one accepted asynchronous invocation, as the queue keeps it.
type AsyncEvent struct {
	Account  string `json:"account"`
	Region   string `json:"region"`
	Function string `json:"function"` // name
	// FunctionARN is the unqualified ARN: the queue finds a function's
	// events by it.
	FunctionARN   string    `json:"fn"`
	Qualifier     string    `json:"qualifier,omitempty"` // as invoked; empty is $LATEST
	Payload       []byte    `json:"payload,omitempty"`
	ClientContext string    `json:"clientContext,omitempty"`
	RequestID     string    `json:"requestId"`
	Accepted      time.Time `json:"accepted"`
}

// EventQueue is the durable queue of asynchronous invocations. The server
// provides one (River on the store's database, see package eventqueue).
type EventQueue interface {
	// Enqueue stores an event; it returns once the event is committed.
	Enqueue(ctx context.Context, ev *AsyncEvent) error
	// DropFunction deletes the pending events of an unqualified function ARN.
	DropFunction(ctx context.Context, functionARN string) error
}

// SetEventQueue attaches the queue that Event invocations go to. Without
// one, Event invocations fail with ServiceException.
func (s *Service) SetEventQueue(q EventQueue) {
	s.mu.Lock()
	s.events = q
	s.mu.Unlock()
}

func (s *Service) eventQueue() EventQueue {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events
}

// invokeAsync enqueues an Event invocation of the resolved function.
func (s *Service) invokeAsync(ctx context.Context, sc Scope, in *InvokeInput) error {
	q := s.eventQueue()
	if q == nil {
		return errorf(KindServiceUnavailable, "Asynchronous invocation is not available: this server has no event queue.")
	}
	reqID := in.RequestID
	if reqID == "" {
		reqID = uuid.NewString()
	}
	ev := &AsyncEvent{Account: sc.Account, Region: sc.Region, Function: in.Ref.Name, FunctionARN: FunctionARN(sc, in.Ref.Name),
		Qualifier: in.Ref.Qualifier, Payload: in.Payload, ClientContext: in.ClientContext, RequestID: reqID, Accepted: s.opts.Now().UTC()}
	if err := q.Enqueue(ctx, ev); err != nil {
		return fmt.Errorf("enqueue event for %s: %w", ev.FunctionARN, err)
	}
	return nil
}

// EventAttempt is what the queue knows of an event when a worker takes it.
type EventAttempt struct {
	// Attempt counts the times the event was taken to run, this one
	// included (throttled turns excluded).
	Attempt int
	// Failures counts the function errors of earlier attempts.
	Failures int
	// Throttles counts the earlier turns that were throttled.
	Throttles int
}

// EventAction is what the queue does with an event after a turn.
type EventAction int

// Actions.
const (
	// ActionDone: the event is finished (completed, or discarded); commit
	// the result's Followups with it.
	ActionDone EventAction = iota
	// ActionRetry: a function error; run it again after Delay, counting a
	// failure (Err says what failed).
	ActionRetry
	// ActionThrottled: the function could not run; try again after Delay
	// without counting an attempt.
	ActionThrottled
)

// EventResult is the outcome of one turn of an event.
type EventResult struct {
	Action EventAction
	Delay  time.Duration
	Err    error
	// Outcome, for ActionDone: a Condition* constant, or
	// OutcomeFunctionDeleted.
	Outcome string
	// Followups are destination invocations to enqueue atomically with the
	// completion.
	Followups []*AsyncEvent
}

// ProcessEvent runs one turn of an event: it checks the event's age, invokes
// the function and decides, per the function's event invoke configuration,
// whether the event is done, retried or throttled.
func (s *Service) ProcessEvent(ctx context.Context, ev *AsyncEvent, at EventAttempt) *EventResult {
	sc := Scope{Account: ev.Account, Region: ev.Region}
	_, doc, err := s.load(ctx, sc, ev.Function)
	if isNotFound(err) {
		return &EventResult{Action: ActionDone, Outcome: OutcomeFunctionDeleted}
	}
	if err != nil {
		return s.throttled(at, err)
	}
	set := doc.eventSettings(ev.Qualifier)
	if s.virtualAge(ev.Accepted) > time.Duration(set.maxAge)*time.Second {
		return s.finish(sc, ev, set, ConditionEventAgeExceeded, at.Attempt-1, nil)
	}
	cfg, err := doc.resolveInvokeQualifier(sc, ev.Function, ev.Qualifier)
	if isNotFound(err) { // the version or alias was deleted
		return &EventResult{Action: ActionDone, Outcome: OutcomeFunctionDeleted}
	}
	if err != nil {
		return s.throttled(at, err)
	}
	if cfg.State != "Active" {
		return s.throttled(at, fmt.Errorf("function %s is %s", cfg.FunctionArn, cfg.State))
	}
	codeDir, key, err := s.codeFor(doc, cfg)
	if err != nil {
		return s.throttled(at, err)
	}
	out, err := s.invokeSync(ctx, sc, doc.Reserved, cfg, codeDir, key, &InvokeInput{Ref: FunctionRef{Name: ev.Function, Qualifier: ev.Qualifier},
		Payload: ev.Payload, InvocationType: "Event", ClientContext: ev.ClientContext, RequestID: ev.RequestID})
	if err != nil {
		return s.throttled(at, err)
	}
	if out.FunctionError == "" {
		return s.finish(sc, ev, set, ConditionSuccess, at.Attempt, out)
	}
	if at.Failures < set.maxRetries {
		return &EventResult{Action: ActionRetry, Delay: s.scaled(retryDelay(at.Failures)),
			Err: fmt.Errorf("%s: %s", out.FunctionError, truncate(out.Payload, 512))}
	}
	return s.finish(sc, ev, set, ConditionRetriesExhausted, at.Attempt, out)
}

// retryDelay is the wait after a function error, on Lambda's clock: one
// minute after the first attempt, two after the second.
func retryDelay(failures int) time.Duration {
	return time.Duration(failures+1) * time.Minute
}

// throttleDelay is the wait after a throttle: exponential from one second,
// at most five minutes.
func throttleDelay(throttles int) time.Duration {
	if throttles >= 16 {
		return throttleBackoffMax
	}
	return min(throttleBackoffMin<<max(throttles, 0), throttleBackoffMax)
}

// throttled sends an event back to the queue without counting an attempt.
func (s *Service) throttled(at EventAttempt, err error) *EventResult {
	return &EventResult{Action: ActionThrottled, Delay: s.scaled(throttleDelay(at.Throttles)), Err: err}
}

// scaled converts a delay of Lambda's clock into real time (WaitScale).
func (s *Service) scaled(d time.Duration) time.Duration {
	if s.opts.WaitScale <= 0 {
		return 0
	}
	return time.Duration(float64(d) * s.opts.WaitScale)
}

// virtualAge is the age of an event accepted at t on Lambda's clock: real
// age divided by WaitScale (or the real age when the scale is 0).
func (s *Service) virtualAge(t time.Time) time.Duration {
	age := s.opts.Now().Sub(t)
	if s.opts.WaitScale <= 0 {
		return age
	}
	return time.Duration(float64(age) / s.opts.WaitScale)
}

// finish ends an event with a condition and builds the invocation record
// for the destination the condition selects.
func (s *Service) finish(sc Scope, ev *AsyncEvent, set eventSettings, condition string, invokes int, out *InvokeOutput) *EventResult {
	res := &EventResult{Action: ActionDone, Outcome: condition}
	dest := set.onFailure
	if condition == ConditionSuccess {
		dest = set.onSuccess
	}
	if dest == "" {
		return res
	}
	ref, err := destinationRef(dest)
	if err != nil {
		s.log.Warn("invalid destination, invocation record dropped", "function", ev.FunctionARN, "destination", dest)
		return res
	}
	q := ev.Qualifier
	if q == "" {
		q = "$LATEST"
	}
	rec := invocationRecord{Version: "1.0", Timestamp: s.opts.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		RequestPayload: jsonOrNull(ev.Payload)}
	rec.RequestContext.RequestID = ev.RequestID
	rec.RequestContext.FunctionArn = ev.FunctionARN + ":" + q
	rec.RequestContext.Condition = condition
	rec.RequestContext.ApproximateInvokeCount = max(invokes, 0)
	if out != nil {
		rec.ResponseContext = &responseContext{StatusCode: 200, ExecutedVersion: out.ExecutedVersion, FunctionError: out.FunctionError}
		rec.ResponsePayload = jsonOrNull(out.Payload)
	}
	payload, err := json.Marshal(rec)
	if err != nil {
		s.log.Warn("invocation record not encoded", "function", ev.FunctionARN, "err", err)
		return res
	}
	tsc := ref.in(sc)
	res.Followups = []*AsyncEvent{{Account: tsc.Account, Region: tsc.Region, Function: ref.Name, FunctionARN: FunctionARN(tsc, ref.Name),
		Qualifier: ref.Qualifier, Payload: payload, RequestID: uuid.NewString(), Accepted: s.opts.Now().UTC()}}
	return res
}

// invocationRecord is the document Lambda sends to destinations.
type invocationRecord struct {
	Version        string `json:"version"`
	Timestamp      string `json:"timestamp"`
	RequestContext struct {
		RequestID              string `json:"requestId"`
		FunctionArn            string `json:"functionArn"`
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	RequestPayload  json.RawMessage  `json:"requestPayload"`
	ResponseContext *responseContext `json:"responseContext,omitempty"`
	ResponsePayload json.RawMessage  `json:"responsePayload,omitempty"`
}

type responseContext struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion"`
	FunctionError   string `json:"functionError,omitempty"`
}

// jsonOrNull returns b when it is a JSON document, else null (an empty
// payload) or the bytes as a JSON string.
func jsonOrNull(b []byte) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	if json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
