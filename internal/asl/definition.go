package asl

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxStateNameLength is the longest state name AWS accepts (in characters).
const maxStateNameLength = 80

// maxGraphDepth bounds Parallel/Map nesting (TOO_DEEPLY_NESTED).
const maxGraphDepth = 64

// parser turns a decoded definition into compiled graphs, collecting
// diagnostics instead of stopping at the first problem.
type parser struct {
	jsonata JSONataEngine
	diags   []Diagnostic
	graphs  []*graph
	names   map[string]string // every state name in the machine -> its location
	topQL   QueryLanguage
}

func (p *parser) add(code DiagnosticCode, loc, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Severity: "ERROR", Code: code, Message: fmt.Sprintf(format, args...), Location: loc})
}

func (p *parser) schemaErr(loc, format string, args ...any) {
	if loc == "" {
		loc = "/"
	}
	p.add(CodeSchemaValidationFailed, loc, format, args...)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// escapeLoc escapes a key for use in a JSON pointer location.
func escapeLoc(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}

// Field sets.
var (
	topFields       = setOf("StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage")
	branchFields    = setOf("StartAt", "States", "Comment", "QueryLanguage")
	processorFields = setOf("StartAt", "States", "Comment", "ProcessorConfig")
	retrierFields   = setOf("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment")
	catcherFields   = setOf("ErrorEquals", "Next", "ResultPath", "Assign", "Output", "Comment")
	stateFields     = map[string]map[string]bool{
		"Pass":     setOf("Type", "Comment", "QueryLanguage", "Next", "End", "InputPath", "OutputPath", "Parameters", "Result", "ResultPath", "Assign", "Output"),
		"Task":     setOf("Type", "Comment", "QueryLanguage", "Resource", "Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign", "Arguments", "Output"),
		"Choice":   setOf("Type", "Comment", "QueryLanguage", "Choices", "Default", "InputPath", "OutputPath", "Assign", "Output"),
		"Wait":     setOf("Type", "Comment", "QueryLanguage", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Next", "End", "InputPath", "OutputPath", "Assign", "Output"),
		"Succeed":  setOf("Type", "Comment", "QueryLanguage", "InputPath", "OutputPath", "Output"),
		"Fail":     setOf("Type", "Comment", "QueryLanguage", "Error", "ErrorPath", "Cause", "CausePath"),
		"Parallel": setOf("Type", "Comment", "QueryLanguage", "Branches", "Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Assign", "Arguments", "Output"),
		"Map":      setOf("Type", "Comment", "QueryLanguage", "ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "Parameters", "ItemReader", "ItemBatcher", "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath", "Label", "Next", "End", "InputPath", "OutputPath", "ResultPath", "ResultSelector", "Retry", "Catch", "Assign", "Items", "Output"),
	}
	// jsonPathOnly fields are refused in JSONata states, jsonataOnly ones in
	// JSONPath states.
	jsonPathOnly = setOf("InputPath", "OutputPath", "Parameters", "ResultPath", "ResultSelector", "ItemsPath",
		"SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "TimeoutSecondsPath", "HeartbeatSecondsPath",
		"MaxConcurrencyPath", "ToleratedFailurePercentagePath", "ToleratedFailureCountPath")
	jsonataOnly = setOf("Arguments", "Output", "Items")
	stateTypes  = map[string]stateType{"Pass": typePass, "Task": typeTask, "Choice": typeChoice, "Wait": typeWait,
		"Succeed": typeSucceed, "Fail": typeFail, "Parallel": typeParallel, "Map": typeMap}
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// parseMachine parses the top level of a decoded definition.
func (p *parser) parseMachine(v any) (*graph, int64) {
	obj, ok := v.(map[string]any)
	if !ok {
		p.add(CodeInvalidJSON, "", "The definition must be a JSON object")
		return nil, 0
	}
	for _, k := range sortedKeys(obj) {
		if !topFields[k] {
			p.schemaErr("", "Field '%s' is not supported", k)
		}
	}
	p.topQL = JSONPath
	if ql, present := obj["QueryLanguage"]; present {
		p.topQL = p.queryLanguage(ql, "/QueryLanguage")
	}
	if ver, present := obj["Version"]; present {
		if s, ok := ver.(string); !ok || s != "1.0" {
			p.schemaErr("/Version", "The field 'Version' should have one of these values: [1.0]")
		}
	}
	if c, present := obj["Comment"]; present {
		if _, ok := c.(string); !ok {
			p.schemaErr("/Comment", "The value for the field 'Comment' must be a STRING")
		}
	}
	var timeout int64
	if t, present := obj["TimeoutSeconds"]; present {
		n, ok := toInteger(t)
		if !ok || n < 0 || n > 99999999 {
			p.schemaErr("/TimeoutSeconds", "The value for the field 'TimeoutSeconds' must be a positive integer")
		} else {
			timeout = n
		}
	}
	g := p.parseGraph(obj, "", nil, p.topQL, 0)
	return g, timeout
}

func (p *parser) queryLanguage(v any, loc string) QueryLanguage {
	s, _ := v.(string)
	switch s {
	case string(JSONPath):
		return JSONPath
	case string(JSONata):
		return JSONata
	}
	p.schemaErr(loc, "The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]")
	return JSONata
}

// parseGraph parses {StartAt, States} at loc.
func (p *parser) parseGraph(obj map[string]any, loc string, parent *state, ql QueryLanguage, depth int) *graph {
	g := &graph{id: len(p.graphs), loc: loc, parent: parent, states: map[string]*state{}}
	p.graphs = append(p.graphs, g)
	if depth > maxGraphDepth {
		p.add(CodeTooDeeplyNested, loc, "The states are too deeply nested")
		return g
	}
	startLoc := loc + "/StartAt"
	if sv, present := obj["StartAt"]; !present {
		p.schemaErr(loc, "These fields are required: [StartAt]")
	} else if s, ok := sv.(string); !ok {
		p.schemaErr(startLoc, "The value for the field 'StartAt' must be a STRING")
	} else {
		g.startAt = s
	}
	statesLoc := loc + "/States"
	sv, present := obj["States"]
	if !present {
		p.schemaErr(loc, "These fields are required: [States]")
		return g
	}
	states, ok := sv.(map[string]any)
	if !ok {
		p.schemaErr(statesLoc, "The value for the field 'States' must be an OBJECT")
		return g
	}
	if len(states) == 0 {
		p.schemaErr(statesLoc, "The field 'States' should be non-empty")
	}
	names := sortedKeys(states)
	for _, name := range names {
		sloc := statesLoc + "/" + escapeLoc(name)
		if prev, dup := p.names[name]; dup {
			p.add(CodeDuplicateStateName, sloc, "Duplicate State name: %s (also at %s)", name, prev)
		} else {
			p.names[name] = sloc
		}
		if name == "" || utf8.RuneCountInString(name) > maxStateNameLength {
			p.add(CodeInvalidStateName, sloc, "State names must be between 1 and %d characters: %s", maxStateNameLength, name)
		}
		st := p.parseState(name, states[name], sloc, g, ql, depth)
		if st != nil {
			g.states[name] = st
			g.order = append(g.order, name)
		}
	}
	return g
}

// parseState parses one state object.
func (p *parser) parseState(name string, v any, loc string, g *graph, parentQL QueryLanguage, depth int) *state {
	obj, ok := v.(map[string]any)
	if !ok {
		p.schemaErr(loc, "The value for the state '%s' must be an OBJECT", name)
		return nil
	}
	tv, present := obj["Type"]
	if !present {
		p.schemaErr(loc, "These fields are required: [Type]")
		return nil
	}
	typeName, _ := tv.(string)
	typ, known := stateTypes[typeName]
	if !known {
		p.schemaErr(loc+"/Type", "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]")
		return nil
	}
	st := &state{name: name, typ: typ, g: g, loc: loc, ql: parentQL}
	if qv, present := obj["QueryLanguage"]; present {
		st.ql = p.queryLanguage(qv, loc+"/QueryLanguage")
		if parentQL == JSONata && st.ql == JSONPath {
			p.schemaErr(loc+"/QueryLanguage", "The QueryLanguage of a state cannot be JSONPath when the state machine's QueryLanguage is JSONata")
		}
	}
	allowed := stateFields[typeName]
	for _, k := range sortedKeys(obj) {
		switch {
		case !allowed[k]:
			p.schemaErr(loc, "Field '%s' is not supported", k)
		case st.ql == JSONata && jsonPathOnly[k]:
			p.schemaErr(loc, "Field '%s' is not supported when the QueryLanguage is JSONata", k)
		case st.ql == JSONPath && jsonataOnly[k]:
			p.schemaErr(loc, "Field '%s' is not supported when the QueryLanguage is JSONPath", k)
		}
	}
	if c, present := obj["Comment"]; present {
		if s, ok := c.(string); ok {
			st.comment = s
		} else {
			p.schemaErr(loc+"/Comment", "The value for the field 'Comment' must be a STRING")
		}
	}
	if st.ql == JSONata {
		st.jsonata = map[string]any{}
		for _, k := range []string{"Arguments", "Output", "Items", "Assign", "Error", "Cause", "Seconds", "Timestamp",
			"TimeoutSeconds", "HeartbeatSeconds", "MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount", "ItemSelector",
			"Credentials"} {
			if v, ok := obj[k]; ok {
				st.jsonata[k] = v
			}
		}
	}

	// Transitions.
	_, hasNext := obj["Next"]
	endV, hasEnd := obj["End"]
	switch typ {
	case typeChoice, typeSucceed, typeFail:
		// Next and End are refused as unsupported fields above.
	default:
		if hasNext {
			if s, ok := obj["Next"].(string); ok {
				st.nextSrc = s
			} else {
				p.schemaErr(loc+"/Next", "The value for the field 'Next' must be a STRING")
			}
		}
		if hasEnd {
			b, ok := endV.(bool)
			if !ok {
				p.schemaErr(loc+"/End", "The value for the field 'End' must be a BOOLEAN")
			}
			st.end = b
		}
		switch {
		case hasNext && st.end:
			p.schemaErr(loc, "Only one of the fields [Next, End] may be present")
		case !hasNext && !st.end:
			p.schemaErr(loc, "These fields are required: [Next, End]")
		}
	}

	if st.ql == JSONPath {
		st.inputPath = p.optPathField(obj, "InputPath", loc, false)
		st.outputPath = p.optPathField(obj, "OutputPath", loc, false)
	}
	if av, present := obj["Assign"]; present {
		st.assign = p.assignField(av, loc+"/Assign", st.ql)
	}

	switch typ {
	case typePass:
		p.parsePayloadFields(st, obj, loc)
		if r, present := obj["Result"]; present {
			st.result, st.hasResult = r, true
		}
	case typeTask:
		p.parseTask(st, obj, loc)
	case typeChoice:
		p.parseChoice(st, obj, loc)
	case typeWait:
		p.parseWait(st, obj, loc)
	case typeFail:
		p.parseFail(st, obj, loc)
	case typeParallel:
		p.parsePayloadFields(st, obj, loc)
		p.parseErrorHandling(st, obj, loc)
		p.parseParallel(st, obj, loc, depth)
	case typeMap:
		p.parsePayloadFields(st, obj, loc)
		p.parseErrorHandling(st, obj, loc)
		p.parseMap(st, obj, loc, depth)
	}
	p.compileJSONataState(st)
	return st
}

// optPathField parses a path field that may be absent or null.
func (p *parser) optPathField(obj map[string]any, key, loc string, reference bool) optPath {
	v, present := obj[key]
	if !present {
		return optPath{}
	}
	if v == nil {
		return optPath{set: true, null: true}
	}
	s, ok := v.(string)
	if !ok {
		p.schemaErr(loc+"/"+key, "The value for the field '%s' must be a STRING", key)
		return optPath{}
	}
	rp, err := compilePath(s)
	if err != nil {
		p.schemaErr(loc+"/"+key, "The value for the field '%s' must be a valid JSONPath", key)
		return optPath{}
	}
	if reference {
		if rp.kind != pathInput && key == "ResultPath" {
			p.schemaErr(loc+"/"+key, "The value for the field '%s' must be a valid ReferencePath", key)
			return optPath{}
		}
		if !rp.isDefinite() {
			p.schemaErr(loc+"/"+key, "The value for the field '%s' must be a valid ReferencePath", key)
			return optPath{}
		}
	}
	return optPath{set: true, path: rp}
}

// pathField parses a mandatory path-valued field (SecondsPath...).
func (p *parser) pathField(obj map[string]any, key, loc string) *refPath {
	v, present := obj[key]
	if !present {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		p.schemaErr(loc+"/"+key, "The value for the field '%s' must be a STRING", key)
		return nil
	}
	rp, err := compilePath(s)
	if err != nil || !rp.isDefinite() {
		p.schemaErr(loc+"/"+key, "The value for the field '%s' must be a valid ReferencePath", key)
		return nil
	}
	return rp
}

func (p *parser) parsePayloadFields(st *state, obj map[string]any, loc string) {
	if st.ql != JSONPath {
		return
	}
	if v, present := obj["Parameters"]; present {
		st.parameters = p.templateField(v, loc+"/Parameters", "Parameters")
	}
	if v, present := obj["ResultSelector"]; present {
		st.resultSelector = p.templateField(v, loc+"/ResultSelector", "ResultSelector")
	}
	st.resultPath = p.optPathField(obj, "ResultPath", loc, true)
}

func (p *parser) templateField(v any, loc, key string) *tmpl {
	if _, ok := v.(map[string]any); !ok {
		p.schemaErr(loc, "The value for the field '%s' must be an OBJECT", key)
		return nil
	}
	return compileTemplate(v, loc, p)
}

// assignField parses Assign: an object of variable names to values.
func (p *parser) assignField(v any, loc string, ql QueryLanguage) *tmpl {
	obj, ok := v.(map[string]any)
	if !ok {
		p.schemaErr(loc, "The value for the field 'Assign' must be an OBJECT")
		return nil
	}
	for _, k := range sortedKeys(obj) {
		name := k
		if ql == JSONPath {
			name = strings.TrimSuffix(k, ".$")
		}
		if !validVariableName(name) {
			p.schemaErr(loc+"/"+escapeLoc(k), "The variable name '%s' is invalid", name)
		}
	}
	if ql != JSONPath {
		return &tmpl{kind: tmplStatic, static: v}
	}
	return compileTemplate(v, loc, p)
}

func (p *parser) parseErrorHandling(st *state, obj map[string]any, loc string) {
	if v, present := obj["Retry"]; present {
		arr, ok := v.([]any)
		if !ok {
			p.schemaErr(loc+"/Retry", "The value for the field 'Retry' must be an ARRAY")
		}
		for i, e := range arr {
			st.retry = append(st.retry, p.parseRetrier(e, fmt.Sprintf("%s/Retry[%d]", loc, i), i == len(arr)-1))
		}
	}
	if v, present := obj["Catch"]; present {
		arr, ok := v.([]any)
		if !ok {
			p.schemaErr(loc+"/Catch", "The value for the field 'Catch' must be an ARRAY")
		}
		for i, e := range arr {
			st.catch = append(st.catch, p.parseCatcher(e, fmt.Sprintf("%s/Catch[%d]", loc, i), i == len(arr)-1, st.ql))
		}
	}
}

// errorEquals parses an ErrorEquals list.
func (p *parser) errorEquals(obj map[string]any, loc string, last bool, what string) []ErrorName {
	v, present := obj["ErrorEquals"]
	if !present {
		p.schemaErr(loc, "These fields are required: [ErrorEquals]")
		return nil
	}
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		p.schemaErr(loc+"/ErrorEquals", "The field 'ErrorEquals' should be non-empty")
		return nil
	}
	var names []ErrorName
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			p.schemaErr(loc+"/ErrorEquals", "The values of the field 'ErrorEquals' must be STRINGs")
			continue
		}
		names = append(names, ErrorName(s))
	}
	if slices.Contains(names, ErrAll) {
		if len(names) != 1 {
			p.schemaErr(loc+"/ErrorEquals", "'States.ALL' must appear alone in 'ErrorEquals'")
		} else if !last {
			p.schemaErr(loc+"/ErrorEquals", "A %s with 'States.ALL' in 'ErrorEquals' must be the last %s", what, what)
		}
	}
	return names
}

func (p *parser) parseRetrier(v any, loc string, last bool) *retrier {
	r := &retrier{intervalSeconds: 1, maxAttempts: 3, backoffRate: 2.0}
	obj, ok := v.(map[string]any)
	if !ok {
		p.schemaErr(loc, "A Retrier must be an OBJECT")
		return r
	}
	for _, k := range sortedKeys(obj) {
		if !retrierFields[k] {
			p.schemaErr(loc, "Field '%s' is not supported", k)
		}
	}
	r.errorEquals = p.errorEquals(obj, loc, last, "Retrier")
	if v, present := obj["IntervalSeconds"]; present {
		n, ok := toInteger(v)
		if !ok || n < 1 || n > 99999999 {
			p.schemaErr(loc+"/IntervalSeconds", "The value for the field 'IntervalSeconds' must be a positive integer")
		} else {
			r.intervalSeconds = n
		}
	}
	if v, present := obj["MaxAttempts"]; present {
		n, ok := toInteger(v)
		if !ok || n < 0 || n > 99999999 {
			p.schemaErr(loc+"/MaxAttempts", "The value for the field 'MaxAttempts' must be a non-negative integer")
		} else {
			r.maxAttempts = n
		}
	}
	if v, present := obj["BackoffRate"]; present {
		f, ok := toFloat(v)
		if !ok || f < 1.0 || math.IsInf(f, 0) {
			p.schemaErr(loc+"/BackoffRate", "The value for the field 'BackoffRate' must be a number greater than or equal to 1.0")
		} else {
			r.backoffRate = f
		}
	}
	if v, present := obj["MaxDelaySeconds"]; present {
		n, ok := toInteger(v)
		if !ok || n < 1 || n > 31622400 {
			p.schemaErr(loc+"/MaxDelaySeconds", "The value for the field 'MaxDelaySeconds' must be a positive integer")
		} else {
			r.maxDelaySeconds = n
		}
	}
	if v, present := obj["JitterStrategy"]; present {
		switch v {
		case "FULL":
			r.jitterFull = true
		case "NONE":
		default:
			p.schemaErr(loc+"/JitterStrategy", "The field 'JitterStrategy' should have one of these values: [FULL, NONE]")
		}
	}
	return r
}

func (p *parser) parseCatcher(v any, loc string, last bool, ql QueryLanguage) *catcher {
	c := &catcher{}
	obj, ok := v.(map[string]any)
	if !ok {
		p.schemaErr(loc, "A Catcher must be an OBJECT")
		return c
	}
	for _, k := range sortedKeys(obj) {
		switch {
		case !catcherFields[k]:
			p.schemaErr(loc, "Field '%s' is not supported", k)
		case ql == JSONata && k == "ResultPath", ql == JSONPath && k == "Output":
			p.schemaErr(loc, "Field '%s' is not supported", k)
		}
	}
	c.errorEquals = p.errorEquals(obj, loc, last, "Catcher")
	if nv, present := obj["Next"]; !present {
		p.schemaErr(loc, "These fields are required: [Next]")
	} else if s, ok := nv.(string); !ok {
		p.schemaErr(loc+"/Next", "The value for the field 'Next' must be a STRING")
	} else {
		c.nextSrc = s
	}
	if ql == JSONPath {
		c.resultPath = p.optPathField(obj, "ResultPath", loc, true)
	}
	if av, present := obj["Assign"]; present {
		c.assign = p.assignField(av, loc+"/Assign", ql)
		if ql == JSONata {
			c.jassign, c.assign = av, nil
		}
	}
	if ov, present := obj["Output"]; present {
		c.joutput = ov
	}
	return c
}

func (p *parser) positiveInt(obj map[string]any, key, loc string, max int64) (int64, bool) {
	v, present := obj[key]
	if !present {
		return 0, false
	}
	n, ok := toInteger(v)
	if !ok || n < 1 || n > max {
		p.schemaErr(loc+"/"+key, "The value for the field '%s' must be a positive integer", key)
		return 0, false
	}
	return n, true
}

func (p *parser) parseTask(st *state, obj map[string]any, loc string) {
	p.parsePayloadFields(st, obj, loc)
	p.parseErrorHandling(st, obj, loc)
	rv, present := obj["Resource"]
	if !present {
		p.schemaErr(loc, "These fields are required: [Resource]")
	} else if s, ok := rv.(string); !ok {
		p.schemaErr(loc+"/Resource", "The value for the field 'Resource' must be a STRING")
	} else {
		st.resource = s
		info, err := classifyResource(s)
		if err != nil {
			p.add(CodeInvalidResource, loc+"/Resource", "%s", err.Error())
		}
		st.res = info
	}
	if st.ql == JSONPath {
		st.timeoutSeconds, st.hasTimeoutField = p.positiveInt(obj, "TimeoutSeconds", loc, 99999999)
		st.heartbeatSeconds, st.hasHeartbeatFields = p.positiveInt(obj, "HeartbeatSeconds", loc, 99999999)
		st.timeoutPath = p.pathField(obj, "TimeoutSecondsPath", loc)
		st.heartbeatPath = p.pathField(obj, "HeartbeatSecondsPath", loc)
		if _, a := obj["TimeoutSeconds"]; a {
			if _, b := obj["TimeoutSecondsPath"]; b {
				p.schemaErr(loc, "Only one of the fields [TimeoutSeconds, TimeoutSecondsPath] may be present")
			}
		}
		if _, a := obj["HeartbeatSeconds"]; a {
			if _, b := obj["HeartbeatSecondsPath"]; b {
				p.schemaErr(loc, "Only one of the fields [HeartbeatSeconds, HeartbeatSecondsPath] may be present")
			}
		}
		if st.timeoutSeconds > 0 && st.heartbeatSeconds > 0 && st.heartbeatSeconds >= st.timeoutSeconds {
			p.schemaErr(loc+"/HeartbeatSeconds", "The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds'")
		}
	}
	if cv, present := obj["Credentials"]; present {
		if _, ok := cv.(map[string]any); !ok {
			p.schemaErr(loc+"/Credentials", "The value for the field 'Credentials' must be an OBJECT")
		} else if st.ql == JSONPath {
			st.credentials = compileTemplate(cv, loc+"/Credentials", p)
		}
		if st.res.kind == resourceActivity {
			p.schemaErr(loc+"/Credentials", "The field 'Credentials' is not supported for activities")
		}
	}
}

// classifyResource classifies a Task's Resource ARN.
func classifyResource(arn string) (resourceInfo, error) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 6 || parts[0] != "arn" {
		return resourceInfo{}, fmt.Errorf("Resource '%s' is not a valid ARN", arn)
	}
	svc, region := parts[2], parts[3]
	switch {
	case svc == "lambda" && len(parts) >= 7 && parts[5] == "function":
		return resourceInfo{kind: resourceLambda, resourceType: "lambda", resource: arn, region: region, pattern: PatternRequestResponse}, nil
	case svc == "states" && parts[5] == "activity" && len(parts) >= 7:
		return resourceInfo{kind: resourceActivity, resourceType: "activity", resource: arn, region: region, pattern: PatternRequestResponse}, nil
	case svc == "states" && region == "" && parts[4] == "":
		// arn:aws:states:::service:api[.pattern][:version]
		rest := strings.Join(parts[5:], ":")
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return resourceInfo{}, fmt.Errorf("Resource '%s' is not a valid service integration", arn)
		}
		serviceName, api := rest[:i], rest[i+1:]
		if serviceName == "aws-sdk" {
			j := strings.IndexByte(api, ':')
			if j < 0 {
				return resourceInfo{}, fmt.Errorf("Resource '%s' is not a valid AWS SDK integration", arn)
			}
			serviceName, api = "aws-sdk:"+api[:j], api[j+1:]
		}
		info := resourceInfo{kind: resourceService, resourceType: serviceName, resource: api, pattern: PatternRequestResponse}
		base := api
		if k := strings.IndexByte(base, ':'); k >= 0 {
			base = base[:k]
		}
		switch {
		case strings.HasSuffix(base, ".waitForTaskToken"):
			info.pattern = PatternWaitForTaskToken
		case strings.HasSuffix(base, ".sync"):
			info.pattern = PatternRunJob
		}
		if api == "" {
			return resourceInfo{}, fmt.Errorf("Resource '%s' is not a valid service integration", arn)
		}
		return info, nil
	}
	// Other ARNs (e.g. a Lambda ARN with a qualifier elsewhere) are passed on
	// as RequestResponse tasks.
	return resourceInfo{kind: resourceService, resourceType: svc, resource: arn, region: region, pattern: PatternRequestResponse}, nil
}

func (p *parser) parseChoice(st *state, obj map[string]any, loc string) {
	if d, present := obj["Default"]; present {
		if s, ok := d.(string); ok {
			st.defaultSrc, st.hasDefault = s, true
		} else {
			p.schemaErr(loc+"/Default", "The value for the field 'Default' must be a STRING")
		}
	}
	cv, present := obj["Choices"]
	if !present {
		p.schemaErr(loc, "These fields are required: [Choices]")
		return
	}
	arr, ok := cv.([]any)
	if !ok || len(arr) == 0 {
		p.schemaErr(loc+"/Choices", "The field 'Choices' should be non-empty")
		return
	}
	for i, e := range arr {
		r := p.parseChoiceRule(e, fmt.Sprintf("%s/Choices[%d]", loc, i), true, st.ql, 0)
		if r != nil {
			st.choices = append(st.choices, r)
		}
	}
}

var choiceRuleBaseFields = setOf("Variable", "Next", "And", "Or", "Not", "Comment", "Assign", "Condition", "Output")

func (p *parser) parseChoiceRule(v any, loc string, top bool, ql QueryLanguage, depth int) *choiceRule {
	obj, ok := v.(map[string]any)
	if !ok {
		p.schemaErr(loc, "A Choice Rule must be an OBJECT")
		return nil
	}
	if depth > maxDefinitionDepth {
		p.add(CodeTooDeeplyNested, loc, "The choice rules are too deeply nested")
		return nil
	}
	r := &choiceRule{loc: loc}
	var ops []string
	for _, k := range sortedKeys(obj) {
		if _, isOp := choiceOperators[k]; isOp {
			ops = append(ops, k)
			continue
		}
		switch k {
		case "And", "Or", "Not":
			ops = append(ops, k)
		case "Next", "Assign", "Output":
			if !top {
				p.schemaErr(loc, "Field '%s' is not supported", k)
			}
		case "Variable", "Comment", "Condition":
		default:
			if !choiceRuleBaseFields[k] {
				p.schemaErr(loc, "Field '%s' is not supported", k)
			}
		}
	}
	if top {
		if nv, present := obj["Next"]; !present {
			p.schemaErr(loc, "These fields are required: [Next]")
		} else if s, ok := nv.(string); !ok {
			p.schemaErr(loc+"/Next", "The value for the field 'Next' must be a STRING")
		} else {
			r.nextSrc = s
		}
		if av, present := obj["Assign"]; present {
			r.assign = p.assignField(av, loc+"/Assign", ql)
		}
	}
	if ql == JSONata {
		cond, present := obj["Condition"]
		if !present {
			p.schemaErr(loc, "These fields are required: [Condition]")
		}
		r.condition = cond
		if top {
			r.jassign, r.joutput = obj["Assign"], obj["Output"]
			r.assign = nil
		}
		return r
	}
	if _, present := obj["Condition"]; present {
		p.schemaErr(loc, "Field 'Condition' is not supported when the QueryLanguage is JSONPath")
	}
	if len(ops) != 1 {
		if len(ops) == 0 {
			p.schemaErr(loc, "A Choice Rule must contain exactly one comparison operator or one of [And, Or, Not]")
		} else {
			p.schemaErr(loc, "A Choice Rule must contain exactly one comparison operator, found: [%s]", strings.Join(ops, ", "))
		}
		return nil
	}
	op := ops[0]
	switch op {
	case "And", "Or":
		arr, ok := obj[op].([]any)
		if !ok || len(arr) == 0 {
			p.schemaErr(loc+"/"+op, "The field '%s' should be a non-empty ARRAY", op)
			return nil
		}
		r.op = opAnd
		if op == "Or" {
			r.op = opOr
		}
		for i, e := range arr {
			sub := p.parseChoiceRule(e, fmt.Sprintf("%s/%s[%d]", loc, op, i), false, ql, depth+1)
			if sub == nil {
				return nil
			}
			r.subs = append(r.subs, sub)
		}
		if _, present := obj["Variable"]; present {
			p.schemaErr(loc, "Field 'Variable' is not supported")
		}
		return r
	case "Not":
		sub := p.parseChoiceRule(obj["Not"], loc+"/Not", false, ql, depth+1)
		if sub == nil {
			return nil
		}
		r.op = opNot
		r.subs = []*choiceRule{sub}
		if _, present := obj["Variable"]; present {
			p.schemaErr(loc, "Field 'Variable' is not supported")
		}
		return r
	}
	info := choiceOperators[op]
	r.op = info.op
	vv, present := obj["Variable"]
	if !present {
		p.schemaErr(loc, "These fields are required: [Variable]")
		return nil
	}
	vs, ok := vv.(string)
	if !ok {
		p.schemaErr(loc+"/Variable", "The value for the field 'Variable' must be a STRING")
		return nil
	}
	rp, err := compilePath(vs)
	if err != nil {
		p.schemaErr(loc+"/Variable", "The value for the field 'Variable' must be a valid JSONPath or a valid variable reference")
		return nil
	}
	r.variable = rp
	val := obj[op]
	if info.path {
		s, ok := val.(string)
		if !ok {
			p.schemaErr(loc+"/"+op, "The value for the field '%s' must be a STRING", op)
			return nil
		}
		rp, err := compilePath(s)
		if err != nil || !rp.isDefinite() {
			p.schemaErr(loc+"/"+op, "The value for the field '%s' must be a valid ReferencePath", op)
			return nil
		}
		r.operand = rp
		return r
	}
	switch info.operand {
	case operandString:
		s, ok := val.(string)
		if !ok {
			p.schemaErr(loc+"/"+op, "The value for the field '%s' must be a STRING", op)
			return nil
		}
		r.str = s
	case operandPattern:
		s, ok := val.(string)
		if !ok {
			p.schemaErr(loc+"/"+op, "The value for the field '%s' must be a STRING", op)
			return nil
		}
		r.pattern = compileGlob(s)
	case operandNumber:
		f, ok := toFloat(val)
		if !ok {
			p.schemaErr(loc+"/"+op, "The value for the field '%s' must be a NUMBER", op)
			return nil
		}
		r.num = f
	case operandBool:
		b, ok := val.(bool)
		if !ok {
			p.schemaErr(loc+"/"+op, "The value for the field '%s' must be a BOOLEAN", op)
			return nil
		}
		r.boolean = b
	case operandTimestamp:
		s, ok := val.(string)
		t, valid := parseTimestamp(s)
		if !ok || !valid {
			p.schemaErr(loc+"/"+op, "The value for the field '%s' must be a valid ISO-8601 extended offset date-time format string", op)
			return nil
		}
		r.ts = t
	}
	return r
}

func (p *parser) parseWait(st *state, obj map[string]any, loc string) {
	n := 0
	for _, k := range []string{"Seconds", "Timestamp", "SecondsPath", "TimestampPath"} {
		if _, present := obj[k]; present {
			n++
		}
	}
	if n != 1 {
		p.schemaErr(loc, "Exactly one of the fields [Seconds, Timestamp, SecondsPath, TimestampPath] is required")
	}
	if st.ql == JSONata {
		return
	}
	if v, present := obj["Seconds"]; present {
		s, ok := toInteger(v)
		if !ok || s < 0 || s > 99999999 {
			p.schemaErr(loc+"/Seconds", "The value for the field 'Seconds' must be a non-negative integer")
		} else {
			st.waitSeconds, st.hasWaitSeconds = s, true
		}
	}
	if v, present := obj["Timestamp"]; present {
		s, ok := v.(string)
		t, valid := parseTimestamp(s)
		if !ok || !valid {
			p.schemaErr(loc+"/Timestamp", "The value for the field 'Timestamp' must be a valid ISO-8601 extended offset date-time format string")
		} else {
			st.waitTimestamp, st.hasWaitTS = t, true
		}
	}
	st.waitSecondsPath = p.pathField(obj, "SecondsPath", loc)
	st.waitTSPath = p.pathField(obj, "TimestampPath", loc)
}

func (p *parser) parseFail(st *state, obj map[string]any, loc string) {
	for _, pair := range [][2]string{{"Error", "ErrorPath"}, {"Cause", "CausePath"}} {
		_, a := obj[pair[0]]
		_, b := obj[pair[1]]
		if a && b {
			p.schemaErr(loc, "Only one of the fields [%s, %s] may be present", pair[0], pair[1])
		}
	}
	if st.ql == JSONata {
		return
	}
	if v, present := obj["Error"]; present {
		if s, ok := v.(string); ok {
			st.failError, st.hasFailError = s, true
		} else {
			p.schemaErr(loc+"/Error", "The value for the field 'Error' must be a STRING")
		}
	}
	if v, present := obj["Cause"]; present {
		if s, ok := v.(string); ok {
			st.failCause, st.hasFailCause = s, true
		} else {
			p.schemaErr(loc+"/Cause", "The value for the field 'Cause' must be a STRING")
		}
	}
	st.failErrorPath = p.failPathField(obj, "ErrorPath", loc)
	st.failCausePath = p.failPathField(obj, "CausePath", loc)
}

// failPathField parses ErrorPath/CausePath: a path or an intrinsic function.
func (p *parser) failPathField(obj map[string]any, key, loc string) *tmpl {
	v, present := obj[key]
	if !present {
		return nil
	}
	t := compileDynamic(v, key, loc+"/"+key, p)
	if t.kind == tmplStatic {
		return nil
	}
	return t
}

func (p *parser) parseParallel(st *state, obj map[string]any, loc string, depth int) {
	bv, present := obj["Branches"]
	if !present {
		p.schemaErr(loc, "These fields are required: [Branches]")
		return
	}
	arr, ok := bv.([]any)
	if !ok || len(arr) == 0 {
		p.schemaErr(loc+"/Branches", "The field 'Branches' should be non-empty")
		return
	}
	for i, b := range arr {
		bl := fmt.Sprintf("%s/Branches[%d]", loc, i)
		bo, ok := b.(map[string]any)
		if !ok {
			p.schemaErr(bl, "A Branch must be an OBJECT")
			continue
		}
		for _, k := range sortedKeys(bo) {
			if !branchFields[k] {
				p.schemaErr(bl, "Field '%s' is not supported", k)
			}
		}
		ql := st.ql
		if qv, present := bo["QueryLanguage"]; present {
			ql = p.queryLanguage(qv, bl+"/QueryLanguage")
		}
		st.branches = append(st.branches, p.parseGraph(bo, bl, st, ql, depth+1))
	}
}

func (p *parser) parseMap(st *state, obj map[string]any, loc string, depth int) {
	_, hasProc := obj["ItemProcessor"]
	_, hasIter := obj["Iterator"]
	key := "ItemProcessor"
	switch {
	case hasProc && hasIter:
		p.schemaErr(loc, "Only one of the fields [ItemProcessor, Iterator] may be present")
	case !hasProc && !hasIter:
		p.schemaErr(loc, "These fields are required: [ItemProcessor]")
		return
	case hasIter:
		key = "Iterator"
	}
	ploc := loc + "/" + key
	po, ok := obj[key].(map[string]any)
	if !ok {
		p.schemaErr(ploc, "The value for the field '%s' must be an OBJECT", key)
		return
	}
	for _, k := range sortedKeys(po) {
		if !processorFields[k] {
			p.schemaErr(ploc, "Field '%s' is not supported", k)
		}
	}
	if pc, present := po["ProcessorConfig"]; present {
		pco, ok := pc.(map[string]any)
		if !ok {
			p.schemaErr(ploc+"/ProcessorConfig", "The value for the field 'ProcessorConfig' must be an OBJECT")
		}
		for _, k := range sortedKeys(pco) {
			switch k {
			case "Mode":
				switch pco[k] {
				case "INLINE":
				case "DISTRIBUTED":
					st.distributed = true
				default:
					p.schemaErr(ploc+"/ProcessorConfig/Mode", "The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]")
				}
			case "ExecutionType":
				switch pco[k] {
				case "STANDARD", "EXPRESS":
					st.executionType, _ = pco[k].(string)
				default:
					p.schemaErr(ploc+"/ProcessorConfig/ExecutionType", "The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS]")
				}
			default:
				p.schemaErr(ploc+"/ProcessorConfig", "Field '%s' is not supported", k)
			}
		}
		if st.distributed && st.executionType == "" {
			p.schemaErr(ploc+"/ProcessorConfig", "These fields are required: [ExecutionType]")
		}
	}
	st.processor = p.parseGraph(po, ploc, st, st.ql, depth+1)

	if st.ql == JSONPath {
		st.itemsPath = p.optPathField(obj, "ItemsPath", loc, true)
		if st.itemsPath.null {
			p.schemaErr(loc+"/ItemsPath", "The value for the field 'ItemsPath' must be a STRING")
		}
	}
	_, hasParams := obj["Parameters"]
	if sv, present := obj["ItemSelector"]; present {
		if hasParams {
			p.schemaErr(loc, "Only one of the fields [ItemSelector, Parameters] may be present")
		}
		if st.ql == JSONPath {
			st.itemSelector = p.templateField(sv, loc+"/ItemSelector", "ItemSelector")
		}
	} else if hasParams {
		// Legacy Map: Parameters selects each item.
		st.itemSelector, st.parameters = st.parameters, nil
	}
	if v, present := obj["MaxConcurrency"]; present && st.ql == JSONPath {
		n, ok := toInteger(v)
		if !ok || n < 0 || n > 99999999 {
			p.schemaErr(loc+"/MaxConcurrency", "The value for the field 'MaxConcurrency' must be a non-negative integer")
		} else {
			st.maxConcurrency = n
		}
		if _, both := obj["MaxConcurrencyPath"]; both {
			p.schemaErr(loc, "Only one of the fields [MaxConcurrency, MaxConcurrencyPath] may be present")
		}
	}
	st.maxConcurrencyPath = p.pathField(obj, "MaxConcurrencyPath", loc)
	if v, present := obj["ToleratedFailureCount"]; present && st.ql == JSONPath {
		n, ok := toInteger(v)
		if !ok || n < 0 {
			p.schemaErr(loc+"/ToleratedFailureCount", "The value for the field 'ToleratedFailureCount' must be a non-negative integer")
		} else {
			st.toleratedCount, st.hasToleratedCount = n, true
		}
	}
	st.toleratedCountPath = p.pathField(obj, "ToleratedFailureCountPath", loc)
	if v, present := obj["ToleratedFailurePercentage"]; present && st.ql == JSONPath {
		f, ok := toFloat(v)
		if !ok || f < 0 || f > 100 {
			p.schemaErr(loc+"/ToleratedFailurePercentage", "The value for the field 'ToleratedFailurePercentage' must be a number between 0 and 100")
		} else {
			st.toleratedPct, st.hasToleratedPct = f, true
		}
	}
	st.toleratedPctPath = p.pathField(obj, "ToleratedFailurePercentagePath", loc)
	if v, present := obj["Label"]; present {
		s, ok := v.(string)
		if !ok || s == "" || utf8.RuneCountInString(s) > 40 || strings.ContainsAny(s, " <>{}[]?*\"#%\\^|~`$&,;:/") {
			p.add(CodeInvalidLabelName, loc+"/Label", "The value for the field 'Label' is not a valid label name")
		}
		st.label = s
	}
	if v, present := obj["ItemReader"]; present {
		m, ok := v.(map[string]any)
		if !ok {
			p.schemaErr(loc+"/ItemReader", "The value for the field 'ItemReader' must be an OBJECT")
		} else if _, has := m["Resource"]; !has {
			p.schemaErr(loc+"/ItemReader", "These fields are required: [Resource]")
		}
		st.itemReader = m
	}
	if v, present := obj["ResultWriter"]; present {
		m, _ := v.(map[string]any)
		st.resultWriter = m
	}
	if v, present := obj["ItemBatcher"]; present {
		st.itemBatcher = p.parseItemBatcher(v, loc+"/ItemBatcher", st.ql)
	}
	if !st.distributed {
		for _, k := range []string{"ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount", "ToleratedFailureCountPath",
			"ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label"} {
			if _, present := obj[k]; present {
				// AWS accepts JSONata tolerances on inline Maps (and
				// evaluates them).
				if st.ql == JSONata && strings.HasPrefix(k, "ToleratedFailure") {
					continue
				}
				p.schemaErr(loc, "Field '%s' is only supported in DISTRIBUTED mode", k)
			}
		}
	}
}

var itemBatcherFields = setOf("MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput")

func (p *parser) parseItemBatcher(v any, loc string, ql QueryLanguage) *itemBatcher {
	obj, ok := v.(map[string]any)
	if !ok {
		p.schemaErr(loc, "The value for the field 'ItemBatcher' must be an OBJECT")
		return nil
	}
	b := &itemBatcher{}
	for _, k := range sortedKeys(obj) {
		if !itemBatcherFields[k] {
			p.schemaErr(loc, "Field '%s' is not supported", k)
		}
	}
	if n, ok := p.positiveInt(obj, "MaxItemsPerBatch", loc, math.MaxInt32); ok {
		b.maxItems = n
	}
	if n, ok := p.positiveInt(obj, "MaxInputBytesPerBatch", loc, 262144); ok {
		b.maxBytes = n
	}
	b.maxItemsPath = p.pathField(obj, "MaxItemsPerBatchPath", loc)
	b.maxBytesPath = p.pathField(obj, "MaxInputBytesPerBatchPath", loc)
	if bi, present := obj["BatchInput"]; present && ql == JSONPath {
		b.batchInput = p.templateField(bi, loc+"/BatchInput", "BatchInput")
	}
	return b
}
