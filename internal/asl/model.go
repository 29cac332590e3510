package asl

import (
	"time"
)

// QueryLanguage is the query language of a state: JSONPath (the default) or
// JSONata.
type QueryLanguage string

// Query languages.
const (
	JSONPath QueryLanguage = "JSONPath"
	JSONata  QueryLanguage = "JSONata"
)

// stateType enumerates the state types.
type stateType uint8

const (
	typePass stateType = iota
	typeTask
	typeChoice
	typeWait
	typeSucceed
	typeFail
	typeParallel
	typeMap
)

var stateTypeNames = [...]string{"Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}

func (t stateType) String() string { return stateTypeNames[t] }

// graph is a set of states with a start: the machine itself, a Parallel
// branch or a Map's item processor.
type graph struct {
	id      int
	startAt string
	start   *state
	states  map[string]*state
	order   []string // state names in definition order
	loc     string   // JSON pointer of the graph ("" for the machine)
	parent  *state   // the Parallel or Map state that owns it, nil at the top
}

// optPath is an InputPath/OutputPath/ItemsPath-like field: absent (the whole
// input), null, or a path.
type optPath struct {
	set  bool
	null bool
	path *refPath
}

// state is one compiled state.
type state struct {
	name    string
	typ     stateType
	g       *graph
	loc     string
	ql      QueryLanguage
	comment string
	next    *state
	nextSrc string
	end     bool

	inputPath  optPath
	outputPath optPath
	resultPath optPath

	parameters     *tmpl
	resultSelector *tmpl
	assign         *tmpl
	result         any
	hasResult      bool

	retry []*retrier
	catch []*catcher

	// Task
	resource           string
	res                resourceInfo
	timeoutSeconds     int64 // 0: unset
	timeoutPath        *refPath
	heartbeatSeconds   int64 // 0: unset
	heartbeatPath      *refPath
	credentials        *tmpl
	hasTimeoutField    bool
	hasHeartbeatFields bool

	// Choice
	choices     []*choiceRule
	defaultNext *state
	defaultSrc  string
	hasDefault  bool

	// Wait
	waitSeconds     int64
	hasWaitSeconds  bool
	waitTimestamp   time.Time
	hasWaitTS       bool
	waitSecondsPath *refPath
	waitTSPath      *refPath

	// Fail
	failError     string
	hasFailError  bool
	failCause     string
	hasFailCause  bool
	failErrorPath *tmpl
	failCausePath *tmpl

	// Parallel
	branches []*graph

	// Map
	processor          *graph
	distributed        bool
	executionType      string
	itemsPath          optPath
	itemSelector       *tmpl
	maxConcurrency     int64
	maxConcurrencyPath *refPath
	toleratedCount     int64
	hasToleratedCount  bool
	toleratedCountPath *refPath
	toleratedPct       float64
	hasToleratedPct    bool
	toleratedPctPath   *refPath
	label              string
	itemReader         map[string]any
	itemBatcher        *itemBatcher
	resultWriter       map[string]any

	// JSONata fields, kept for the query-language seam, and compiled when a
	// JSONataEngine is given.
	jsonata map[string]any
	jx      map[string]*jtmpl
}

// retrier is one element of Retry.
type retrier struct {
	errorEquals     []ErrorName
	intervalSeconds int64
	maxAttempts     int64
	backoffRate     float64
	maxDelaySeconds int64 // 0: unset
	jitterFull      bool
}

// catcher is one element of Catch.
type catcher struct {
	errorEquals []ErrorName
	next        *state
	nextSrc     string
	resultPath  optPath
	assign      *tmpl

	jassign, joutput   any // JSONata
	jassignT, joutputT *jtmpl
}

// itemBatcher is a Map's ItemBatcher.
type itemBatcher struct {
	maxItems     int64
	maxItemsPath *refPath
	maxBytes     int64
	maxBytesPath *refPath
	batchInput   *tmpl
}

// resourceKind classifies a Task's Resource.
type resourceKind uint8

const (
	resourceService  resourceKind = iota // arn:aws:states:::service:api[.pattern]
	resourceLambda                       // arn:aws:lambda:...:function:name (legacy form)
	resourceActivity                     // arn:aws:states:...:activity:name
)

// Pattern is a service integration pattern.
type Pattern string

// Service integration patterns.
const (
	PatternRequestResponse  Pattern = "RequestResponse"
	PatternRunJob           Pattern = "sync"
	PatternWaitForTaskToken Pattern = "waitForTaskToken"
)

// resourceInfo is the classification of a Task's Resource.
type resourceInfo struct {
	kind         resourceKind
	resourceType string // history's resourceType: "lambda", "sqs", "aws-sdk:s3"
	resource     string // history's resource: "invoke", "sendMessage.waitForTaskToken"
	region       string
	pattern      Pattern
}
