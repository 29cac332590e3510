package asl

import (
	"testing"
	"time"
)

const countingLoop = `{
  "StartAt": "Init",
  "States": {
    "Init": {"Type": "Pass", "Parameters": {"i": 0, "limit.$": "$.limit"}, "Next": "Inc"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)", "limit.$": "$.limit"}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.limit", "Next": "Inc"}], "Default": "Done"},
    "Done": {"Type": "Succeed"}
  }
}`

// benchmarkCountingLoop runs the counting loop for b.N transitions (one
// execution of b.N/2 iterations) and reports transitions per second.
func benchmarkCountingLoop(b *testing.B, mode HistoryMode) {
	m, err := Compile([]byte(countingLoop))
	if err != nil {
		b.Fatal(err)
	}
	iterations := b.N/2 + 1
	input := `{"limit": ` + itoaTest(iterations) + `}`
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	ex, _, err := m.Start(StartOptions{Input: input, History: mode, MaxEvents: -1, StartTime: time.Unix(0, 0)})
	if err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if ex.Status() != StatusSucceeded {
		b.Fatalf("status %s: %s %s", ex.Status(), ex.Error(), ex.Cause())
	}
	transitions := 2*iterations + 2
	b.ReportMetric(float64(transitions)/elapsed.Seconds(), "transitions/s")
}

func itoaTest(i int) string { return string(appendJSON(nil, int64(i))) }

func BenchmarkCountingLoop(b *testing.B) {
	b.Run("history=retain", func(b *testing.B) { benchmarkCountingLoop(b, HistoryRetain) })
	b.Run("history=stream", func(b *testing.B) { benchmarkCountingLoop(b, HistoryStream) })
	b.Run("history=off", func(b *testing.B) { benchmarkCountingLoop(b, HistoryOff) })
}
