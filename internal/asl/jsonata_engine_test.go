package asl_test

import (
	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/asl/jsonata"
)

// The conformance tests (package asl) run JSONata states with the real
// engine. It lives in a subpackage that imports asl, so it is handed over
// from this external test package, initialized before any test runs.
func init() { asl.SetTestJSONataEngine(jsonata.Engine()) }
