// Package asl compiles, validates and interprets Amazon States Language
// (AWS Step Functions) state machines.
//
// The package is pure: it does no I/O, never reads the clock and has no
// ambient randomness. Time and randomness come in as inputs, so an execution
// is a deterministic function of its definition, its StartOptions and the
// results its caller reports.
//
// # Compiling
//
// Compile parses and validates a definition once, the way AWS's
// CreateStateMachine and ValidateStateMachineDefinition do, and returns a
// *Machine or a *DefinitionError whose Diagnostics carry AWS's codes
// (SCHEMA_VALIDATION_FAILED, MISSING_TRANSITION_TARGET, MISSING_END_STATE...),
// messages and JSON-pointer locations ("/States/Foo/Next"). Validate returns
// the diagnostics alone.
//
// # Running
//
// An Execution is a state machine its caller drives:
//
//	m, err := asl.Compile(definition)
//	ex, events, err := m.Start(asl.StartOptions{Input: input, ExecutionArn: arn, StartTime: now, Seed: seed})
//	for !ex.Done() {
//		for _, eff := range ex.Pending() {
//			switch e := eff.(type) {
//			case *asl.Invoke:   // run e.Resource with e.Parameters; Complete(e.ID, result, now)
//			case *asl.Sleep:    // at e.Until: Complete(e.ID, asl.Result{}, now) (or Expire(now))
//			case *asl.Callback: // wait for SendTaskSuccess/Failure: CompleteToken(e.Token, result, now)
//			}
//		}
//		events, err = ex.Complete(id, result, now) // the new history events
//	}
//	ex.Status(); ex.Output(); ex.Error(); ex.Cause()
//
// Start and every Complete run the execution as far as it can go and return
// the history events that produced (GetExecutionHistory's shape, with AWS's
// event types, details and previousEventId chains, including inside
// Parallel branches and Map iterations). Parallel branches and Map
// iterations run inside the interpreter as child frames, so Pending may
// return several effects at once; MaxConcurrency bounds a Map's live
// iterations. Expire fires Sleeps, task and heartbeat timeouts and the
// execution timeout that are due; NextDeadline says when that is. Stop aborts
// an execution.
//
// # Durability
//
// MarshalState serializes the live state (frames, inputs, variables, retry
// counters, pending effects with their ids and deadlines, the event counter
// and the random generator) and Machine.Restore resumes from it: a durable
// executor persists each call's events together with the snapshot taken after
// the call. History is not replayed to resume; StartOptions.History selects
// whether events are kept in memory (HistoryRetain), only returned
// (HistoryStream) or not built at all (HistoryOff).
//
// # Query languages
//
// JSONPath states are fully supported: InputPath, Parameters (".$" keys,
// intrinsic functions, the context object "$$"), ResultSelector, ResultPath,
// OutputPath, variables and Assign. JSONata states ("{% ... %}" in
// Arguments, Output, Assign, Items, ItemSelector, Condition, Seconds,
// Timestamp, Error, Cause, TimeoutSeconds, HeartbeatSeconds,
// MaxConcurrency, ToleratedFailure*) are evaluated by a JSONataEngine given
// to CompileWith: the asl/jsonata package's Engine(), kept out of this
// package so the seam stays small (querylang.go). Expressions see $states
// (input, result, errorOutput, context), the workflow variables, the step's
// time and the execution's seeded random source. Without an engine,
// JSONata states validate but fail at run time with
// States.QueryEvaluationError.
package asl
