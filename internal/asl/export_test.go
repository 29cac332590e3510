package asl

// testJSONata is the JSONata engine the conformance tests compile with; the
// external test package sets it (see jsonata_engine_test.go).
var testJSONata JSONataEngine

// SetTestJSONataEngine sets the engine the tests of this package use.
func SetTestJSONataEngine(e JSONataEngine) { testJSONata = e }
