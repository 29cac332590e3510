package runtimeapi

import "errors"

// state is where the runtime is in its lifecycle, as the Runtime API sees
// it. The transitions (the runtime's calls on the left, the service's on the
// right):
//
//	Started ──next──► Ready ◄──next── ResponseSent
//	   │                │ deliver (service)  ▲
//	init/error          ▼                    │ response | error
//	   ▼              Invoked ───────────────┘
//	InitError
//
// Every state can become Failed (the process died, an invocation timed out,
// the server closed); no call leaves Failed or InitError.
type state int

const (
	stateStarted      state = iota // process started; init running
	stateReady                     // runtime waits in /next
	stateInvoked                   // an invocation was handed to the runtime
	stateResponseSent              // the runtime answered; /next comes next
	stateInitError                 // the runtime posted init/error
	stateFailed                    // the environment is no longer usable
)

var stateNames = [...]string{
	stateStarted:      "Started",
	stateReady:        "Ready",
	stateInvoked:      "Invoked",
	stateResponseSent: "ResponseSent",
	stateInitError:    "InitError",
	stateFailed:       "Failed",
}

func (s state) String() string { return stateNames[s] }

// errNotAllowed is the cause of every refused transition; its text is the
// one AWS's emulator puts in InvalidStateTransition messages.
var errNotAllowed = errors.New("State transition is not allowed")

// transitionError is a refused transition, rendered to the runtime as
// 403 InvalidStateTransition.
type transitionError struct {
	from, to string
}

func (e *transitionError) Error() string {
	return "State transition from " + e.from + " to " + e.to + " failed for runtime. Error: " + errNotAllowed.Error()
}

func (e *transitionError) Unwrap() error { return errNotAllowed }

// Names of the transitions, as they appear in InvalidStateTransition
// messages.
const (
	toReady                   = "Ready"
	toInvocationResponse      = "InvocationResponse"
	toInvocationErrorResponse = "InvocationErrorResponse"
	toInitError               = "InitError"
)

// next is the runtime asking for work (GET /runtime/invocation/next). It
// reports whether this call ends the init phase.
func (s *state) next() (initDone bool, err error) {
	switch *s {
	case stateStarted:
		*s = stateReady
		return true, nil
	case stateResponseSent, stateReady: // Ready: a client that re-polls after losing its connection
		*s = stateReady
		return false, nil
	}
	return false, &transitionError{s.String(), toReady}
}

// deliver is the service handing an invocation to a runtime waiting in
// /next.
func (s *state) deliver() bool {
	if *s != stateReady {
		return false
	}
	*s = stateInvoked
	return true
}

// respond is the runtime answering the invocation it holds, with a response
// (to = toInvocationResponse) or an error (toInvocationErrorResponse).
func (s *state) respond(to string) error {
	if *s != stateInvoked {
		return &transitionError{s.String(), to}
	}
	*s = stateResponseSent
	return nil
}

// initError is the runtime reporting that its init failed.
func (s *state) initError() error {
	if *s != stateStarted {
		return &transitionError{s.String(), toInitError}
	}
	*s = stateInitError
	return nil
}

// fail marks the environment unusable.
func (s *state) fail() { *s = stateFailed }
