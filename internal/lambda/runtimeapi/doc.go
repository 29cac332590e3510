// Package runtimeapi serves the Lambda Runtime API (version 2018-06-01) to
// one execution environment.
//
// A Server listens on 127.0.0.1 on a port of its own; the environment's
// runtime client finds it through AWS_LAMBDA_RUNTIME_API and pulls work from
// it exactly as it would from AWS: GET /runtime/invocation/next blocks until
// the Lambda service calls Invoke, and the runtime answers with
// POST /runtime/invocation/{id}/response or /error. Runtime clients work
// against it unmodified (the tests run github.com/aws/aws-lambda-go, curl,
// and gureum's own Node.js and Python clients).
//
// The service side is a few calls: WaitInit (the runtime finished its init
// phase, or reported an init error), Invoke (one invocation at a time, as an
// environment serves one request at a time), WaitIdle (the runtime is back
// in /next: the environment can be frozen) and Fail (the process died: every
// pending call returns promptly with a Runtime.ExitError). Errors that Lambda
// reports to the invoker as function errors (init errors, exits, timeouts)
// implement FunctionError, whose Result is what the invoker sees.
//
// router.go lists the endpoints as the specification does, with one file per
// endpoint. A state object (state.go) refuses illegal transitions — a
// response before /next, two responses for one invocation — with the JSON
// error shapes of AWS's runtime interface emulator, all rendered from
// render.go. Under the router, wire.go is a small HTTP/1.1 server tuned for
// one client sending one request at a time. When Options.AllowedUID is set,
// connections from any other uid are refused: the peer's uid is looked up in
// /proc/net/tcp (peercred.go).
package runtimeapi
