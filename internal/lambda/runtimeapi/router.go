package runtimeapi

import "net/http"

// The Runtime API, version 2018-06-01, as the runtime client sees it
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
const apiPrefix = "/2018-06-01/runtime"

// router returns the Runtime API's routes.
func (s *Server) router() http.Handler {
	mux := http.NewServeMux()

	// Next invocation: blocks until an invocation arrives; the body is the
	// event, the Lambda-Runtime-* headers its context. The first call ends
	// the init phase.
	mux.HandleFunc("GET "+apiPrefix+"/invocation/next", s.handleNext)

	// Invocation response: the handler's result, at most MaxPayloadSize
	// bytes. 202, or 400 InvalidRequestID, 403 InvalidStateTransition,
	// 413 RequestEntityTooLarge.
	mux.HandleFunc("POST "+apiPrefix+"/invocation/{awsRequestId}/response", s.handleResponse)

	// Invocation error: the handler failed; body {"errorMessage",
	// "errorType", "stackTrace"}, type in Lambda-Runtime-Function-Error-Type.
	// Same statuses as the response.
	mux.HandleFunc("POST "+apiPrefix+"/invocation/{awsRequestId}/error", s.handleInvocationError)

	// Initialization error: the runtime could not start the function;
	// it exits next. 202, or 403 InvalidStateTransition after init.
	mux.HandleFunc("POST "+apiPrefix+"/init/error", s.handleInitError)

	return mux
}
