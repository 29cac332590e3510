package asl

import (
	"fmt"
	"time"
)

func (ex *Execution) runTask(f *frame, st *state) {
	ex.attemptTask(f, st)
}

// taskIntField evaluates TimeoutSecondsPath/HeartbeatSecondsPath.
func taskIntField(rp *refPath, field string, s *evalScope) (int64, *failure) {
	v, err := rp.get(s)
	if err != nil {
		return 0, pathFailure(rp, s, err)
	}
	n, ok := pathInteger(v)
	if !ok || n <= 0 {
		return 0, &failure{Error: ErrRuntime, terminal: true, Cause: fmt.Sprintf(
			"The %s field refers to value \"%s\" which is not a valid positive integer: %s", field, plainValue(v), rp.src)}
	}
	return n, nil
}

// attemptTask schedules one attempt of a Task state.
func (ex *Execution) attemptTask(f *frame, st *state) {
	s := ex.scope(f, st, f.Eff)
	var token string
	if st.res.pattern == PatternWaitForTaskToken || st.res.kind == resourceActivity {
		token = ex.newToken()
		s.token = token
	}
	p := &pendingEffect{Kind: effInvoke, Token: token, Attempt: int(f.RetryCount),
		TimeoutSeconds: st.timeoutSeconds, HeartbeatSeconds: st.heartbeatSeconds}
	if st.timeoutPath != nil {
		n, fl := taskIntField(st.timeoutPath, "TimeoutSecondsPath", s)
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		p.TimeoutSeconds = n
	}
	if st.heartbeatPath != nil {
		n, fl := taskIntField(st.heartbeatPath, "HeartbeatSecondsPath", s)
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		p.HeartbeatSeconds = n
	}
	params := f.Eff
	if st.ql == JSONata {
		for _, fld := range []struct {
			name string
			dst  *int64
		}{{"TimeoutSeconds", &p.TimeoutSeconds}, {"HeartbeatSeconds", &p.HeartbeatSeconds}} {
			n, ok, fl := ex.jsonataInt(f, st, fld.name)
			if fl != nil {
				ex.failState(f, st, fl)
				return
			}
			if ok {
				*fld.dst = n
			}
		}
		env := ex.newJSONataEnv(f, ex.jsonataStates(f, st, f.In, token))
		args, ok, fl := ex.evalJSONataField(f, st, st.jx["Arguments"], "Arguments", env, true)
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		if ok {
			params = args
		}
		if t := st.jx["Credentials"]; t != nil {
			creds, _, fl := ex.evalJSONataField(f, st, t, "Credentials", env, true)
			if fl != nil {
				ex.failState(f, st, fl)
				return
			}
			p.Credentials = creds
		}
	}
	if st.parameters != nil {
		v, fl := st.parameters.eval(s)
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		params = v
	}
	p.Params = params
	if ex.probe != nil {
		stage := stageAfterParameters
		if st.ql == JSONata {
			stage = stageAfterArguments
		}
		ex.probe.note(f, stage, params)
	}
	if st.credentials != nil {
		v, fl := st.credentials.eval(s)
		if fl != nil {
			ex.failState(f, st, fl)
			return
		}
		p.Credentials = v
	}
	if ex.build && !f.Silent {
		p.paramsJSON = encodeValue(params)
	}
	var timeout, heartbeat *int64
	if p.TimeoutSeconds > 0 {
		timeout = &p.TimeoutSeconds
	}
	if p.HeartbeatSeconds > 0 {
		heartbeat = &p.HeartbeatSeconds
	}
	var creds *TaskCredentials
	if m, ok := p.Credentials.(map[string]any); ok {
		if r, ok := m["RoleArn"].(string); ok {
			creds = &TaskCredentials{RoleArn: r}
		}
	}
	build := ex.build && !f.Silent
	switch st.res.kind {
	case resourceLambda:
		var d any
		if build {
			d = &LambdaFunctionScheduledEventDetails{Resource: st.resource, Input: p.paramsJSON,
				InputDetails: notTruncated, TimeoutInSeconds: timeout, TaskCredentials: creds}
		}
		ex.emit(f, EventLambdaFunctionScheduled, d, false)
		ex.emit(f, EventLambdaFunctionStarted, nil, false)
		ex.armTimeouts(p)
	case resourceActivity:
		if ex.activityExists != nil && !ex.activityExists(st.resource) {
			ex.failState(f, st, &failure{Error: ErrRuntime, terminal: true,
				Cause: fmt.Sprintf("The activity %s does not exist.", st.resource)})
			return
		}
		var d any
		if build {
			d = &ActivityScheduledEventDetails{Resource: st.resource, Input: p.paramsJSON,
				InputDetails: notTruncated, TimeoutInSeconds: timeout, HeartbeatInSeconds: heartbeat}
		}
		ex.emit(f, EventActivityScheduled, d, false)
		// Timeouts start with ActivityStarted; the schedule-to-start time
		// still counts against TimeoutSeconds.
		if p.TimeoutSeconds > 0 {
			p.Deadline = ex.now.Add(time.Duration(p.TimeoutSeconds) * time.Second)
		}
	default:
		var d, d2 any
		if build {
			region := st.res.region
			if region == "" {
				region = ex.st.Info.Region
			}
			d = &TaskScheduledEventDetails{ResourceType: st.res.resourceType, Resource: st.res.resource,
				Region: region, Parameters: p.paramsJSON, TimeoutInSeconds: timeout,
				HeartbeatInSeconds: heartbeat, TaskCredentials: creds}
			d2 = &TaskStartedEventDetails{ResourceType: st.res.resourceType, Resource: st.res.resource}
		}
		ex.emit(f, EventTaskScheduled, d, false)
		ex.emit(f, EventTaskStarted, d2, false)
		ex.armTimeouts(p)
	}
	ex.newEffect(f, p)
	f.Ph = phWaiting
}

// armTimeouts starts a task's timeout and heartbeat clocks.
func (ex *Execution) armTimeouts(p *pendingEffect) {
	if p.TimeoutSeconds > 0 {
		p.Deadline = ex.now.Add(time.Duration(p.TimeoutSeconds) * time.Second)
	}
	if p.HeartbeatSeconds > 0 {
		p.HeartbeatAt = ex.now.Add(time.Duration(p.HeartbeatSeconds) * time.Second)
	}
}

// taskDone applies a task's final result.
func (ex *Execution) taskDone(f *frame, st *state, r Result, out any) {
	build := ex.build && !f.Silent
	if r.Error != "" {
		errName := ErrorName(r.Error)
		timedOut := errName == ErrTimeout || errName == ErrHeartbeatTimeout
		var typ EventType
		var d any
		switch st.res.kind {
		case resourceLambda:
			typ = EventLambdaFunctionFailed
			if timedOut {
				typ = EventLambdaFunctionTimedOut
			}
			if build {
				d = &ErrorCauseDetails{Error: r.Error, Cause: r.Cause}
			}
		case resourceActivity:
			typ = EventActivityFailed
			if timedOut {
				typ = EventActivityTimedOut
			}
			if build {
				d = &ErrorCauseDetails{Error: r.Error, Cause: r.Cause}
			}
		default:
			typ = EventTaskFailed
			if timedOut {
				typ = EventTaskTimedOut
			}
			if build {
				d = &TaskErrorEventDetails{ResourceType: st.res.resourceType, Resource: st.res.resource, Error: r.Error, Cause: r.Cause}
			}
		}
		ex.emit(f, typ, d, false)
		ex.handleFailure(f, st, &failure{Error: errName, Cause: r.Cause, heartbeat: r.heartbeat}, false)
		return
	}
	var outJSON string
	if build {
		outJSON = encodeValue(out)
	}
	if (build && len(outJSON) > maxPayloadBytes) || (!build && jsonSizeExceeds(out, maxPayloadBytes)) {
		// AWS records the oversized result as a failed task.
		name := st.res.resourceType
		if st.res.kind != resourceService {
			name = st.resource
		}
		ex.taskDone(f, st, Result{Error: string(ErrDataLimitExceeded), Cause: fmt.Sprintf(
			"The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", name)}, nil)
		return
	}
	var typ EventType
	var d any
	switch st.res.kind {
	case resourceLambda:
		typ = EventLambdaFunctionSucceeded
		if build {
			d = &OutputEventDetails{Output: outJSON, OutputDetails: notTruncated}
		}
	case resourceActivity:
		typ = EventActivitySucceeded
		if build {
			d = &OutputEventDetails{Output: outJSON, OutputDetails: notTruncated}
		}
	default:
		typ = EventTaskSucceeded
		if build {
			d = &TaskOutputEventDetails{ResourceType: st.res.resourceType, Resource: st.res.resource, Output: outJSON, OutputDetails: notTruncated}
		}
	}
	ex.emit(f, typ, d, false)
	ex.completeState(f, st, out)
}

// effectOf renders f's pending effect for the caller.
func (ex *Execution) effectOf(f *frame) Effect {
	p := f.Pending
	st := ex.stateOf(f)
	switch p.Kind {
	case effSleep:
		return &Sleep{ID: p.ID, StateName: st.name, Until: p.Until, Retry: p.Retry}
	case effCallback:
		return &Callback{ID: p.ID, StateName: st.name, Token: p.Token, Deadline: p.Deadline}
	case effItemReader:
		return &Invoke{ID: p.ID, StateName: st.name, Kind: "itemReader", Resource: stringField(st.itemReader, "Resource"),
			Parameters: p.Params, ParametersJSON: encodeValue(p.Params), ItemReader: st.itemReader, Region: ex.st.Info.Region}
	}
	kind := "service"
	switch st.res.kind {
	case resourceLambda:
		kind = "lambda"
	case resourceActivity:
		kind = "activity"
	}
	pj := p.paramsJSON
	if pj == "" {
		pj = encodeValue(p.Params)
	}
	region := st.res.region
	if region == "" {
		region = ex.st.Info.Region
	}
	return &Invoke{
		ID: p.ID, StateName: st.name, Resource: st.resource, ResourceType: st.res.resourceType,
		ResourceName: st.res.resource, Region: region, Pattern: st.res.pattern, Kind: kind,
		Parameters: p.Params, ParametersJSON: pj, TaskToken: p.Token, Credentials: p.Credentials,
		TimeoutSeconds: p.TimeoutSeconds, HeartbeatSeconds: p.HeartbeatSeconds, Deadline: p.Deadline,
		Attempt: p.Attempt, Submitted: p.Submitted,
	}
}

func stringField(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
