package asl

import (
	"testing"
	"time"
)

// FuzzCompile feeds arbitrary definitions to the parser and validator, and
// runs the ones that compile for a bounded number of steps.
func FuzzCompile(f *testing.F) {
	seeds := []string{
		countingLoop,
		persistDef,
		`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`,
		`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a","IsNull":true},"Next":"S"}],"Default":"F"},"S":{"Type":"Succeed"},"F":{"Type":"Fail","Error":"E"}}}`,
		`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.x","ItemSelector":{"v.$":"$$.Map.Item.Value"},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"I","States":{"I":{"Type":"Wait","Seconds":1,"End":true}}},"ToleratedFailureCount":1,"End":true}}}`,
		`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Fail","Error":"x"}}}],"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}],"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.e","Next":"Z"}],"End":true},"Z":{"Type":"Pass","End":true}}}`,
		`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% 1 %}","End":true}}}`,
		`{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.t","Assign":{"x.$":"States.UUID()"},"End":true}}}`,
		`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.x %}","ItemSelector":{"v":"{% $states.context.Map.Item.Value * 2 %}"},"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"r":"{% $random() %}"},"End":true}}},"Output":"{% $sum($states.result.v) %}","End":true}}}`,
		`{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"p":"{% $states.input.limit %}"},"Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput %}","Next":"C"}],"Next":"C"},"C":{"Type":"Choice","Choices":[{"Condition":"{% $exists($states.input.Error) %}","Next":"F"}],"Default":"S"},"S":{"Type":"Succeed","Output":"{% $uuid() %}"},"F":{"Type":"Fail","Error":"{% $states.input.Error %}"}}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), []byte(`{"x":[1,2],"limit":3,"a":null,"t":"2020-01-01T00:00:00Z"}`))
	}
	f.Fuzz(func(t *testing.T, def, input []byte) {
		_ = Validate(def)
		m, err := CompileWith(def, CompileOptions{JSONata: testJSONata})
		if err != nil {
			return
		}
		opts := StartOptions{Input: string(input), StartTime: time.Unix(0, 0), MaxEvents: 500}
		ex, _, err := m.Start(opts)
		if err != nil {
			return
		}
		now := opts.StartTime
		for steps := 0; steps < 200 && !ex.Done(); steps++ {
			pending := ex.Pending()
			if len(pending) == 0 {
				t.Fatalf("running execution with nothing pending")
			}
			switch e := pending[0].(type) {
			case *Sleep:
				if e.Until.After(now) {
					now = e.Until
				}
				_, err = ex.Complete(e.ID, Result{}, now)
			case *Invoke:
				if steps%2 == 0 {
					_, err = ex.Complete(e.ID, Result{OutputJSON: e.ParametersJSON}, now)
				} else {
					_, err = ex.Complete(e.ID, Result{Error: "E", Cause: "c"}, now)
				}
			case *Callback:
				_, err = ex.CompleteToken(e.Token, Result{Output: "ok"}, now)
			}
			if err != nil {
				t.Fatalf("complete: %v", err)
			}
			if steps%7 == 0 {
				state, err := ex.MarshalState()
				if err != nil {
					t.Fatalf("marshal: %v", err)
				}
				if ex, err = m.Restore(state); err != nil {
					t.Fatalf("restore: %v", err)
				}
			}
		}
	})
}
