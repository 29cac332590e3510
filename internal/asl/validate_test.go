package asl

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("가", 81)
	cases := []struct {
		name string
		def  string
		want []string // "CODE: message at location" prefixes, in order
	}{
		{"valid", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, nil},
		{"empty", ``, []string{"MISSING_DESCRIPTION"}},
		{"not json", `{"StartAt":`, []string{"INVALID_JSON_DESCRIPTION"}},
		{"missing StartAt", `{"States":{"A":{"Type":"Pass","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] at /"}},
		{"unknown StartAt", `{"StartAt":"B","States":{"A":{"Type":"Pass","End":true}}}`,
			[]string{"MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /StartAt"}},
		{"missing Next/End", `{"StartAt":"A","States":{"A":{"Type":"Pass"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Next, End] at /States/A"}},
		{"both Next and End", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Only one of the fields [Next, End] may be present at /States/A"}},
		{"dangling Next and unreachable", `{"StartAt":"pass1","States":{"pass1":{"Type":"Pass","Next":"pass3"},"pass2":{"Type":"Pass","End":true}}}`,
			[]string{"MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next",
				"MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2"}},
		{"no terminal state", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}`,
			[]string{"MISSING_END_STATE: Workflow has no terminal state"}},
		{"unknown field", `{"StartAt":"A","States":{"A":{"Type":"Pass","Foo":1,"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Foo' is not supported at /States/A"}},
		{"retry on pass", `{"StartAt":"A","States":{"A":{"Type":"Pass","Retry":[],"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Retry' is not supported at /States/A"}},
		{"catch on wait", `{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1,"Catch":[],"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Catch' is not supported at /States/A"}},
		{"bad type", `{"StartAt":"A","States":{"A":{"Type":"Nope","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at /States/A/Type"}},
		{"bad jsonpath", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a[","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The value for the field 'InputPath' must be a valid JSONPath at /States/A/InputPath"}},
		{"bad parameters path", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"nope"},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call at /States/A/Parameters"}},
		{"bad intrinsic", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"States.Format('a'"},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call at /States/A/Parameters"}},
		{"result path not a reference path", `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid ReferencePath at /States/A/ResultPath"}},
		{"States.ALL not alone", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Retry":[{"ErrorEquals":["States.ALL","X"]}],"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear alone in 'ErrorEquals' at /States/A/Retry[0]/ErrorEquals"}},
		{"States.ALL not last", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Catch":[{"ErrorEquals":["States.ALL"],"Next":"B"},{"ErrorEquals":["X"],"Next":"B"}],"End":true},"B":{"Type":"Succeed"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: A Catcher with 'States.ALL' in 'ErrorEquals' must be the last Catcher at /States/A/Catch[0]/ErrorEquals"}},
		{"choice rule without next", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","StringMatches":"Test"}],"Default":"S"},"S":{"Type":"Succeed"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/C/Choices[0]"}},
		{"choice dangling default", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"S"}],"Default":"X"},"S":{"Type":"Succeed"}}}`,
			[]string{"MISSING_TRANSITION_TARGET: Missing 'Next' target: X at /States/C/Default"}},
		{"duplicate state across branches", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}],"End":true}}}`,
			[]string{"DUPLICATE_STATE_NAME"}},
		{"next into a branch", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"Next":"B"}}}`,
			[]string{"MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/P/Next", "MISSING_END_STATE: Workflow has no terminal state"}},
		{"state name too long", `{"StartAt":"` + long + `","States":{"` + long + `":{"Type":"Pass","End":true}}}`,
			[]string{"INVALID_STATE_NAME"}},
		{"korean names", `{"StartAt":"시작","States":{"시작":{"Type":"Pass","Next":"끝"},"끝":{"Type":"Succeed"}}}`, nil},
		{"wait needs one field", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Exactly one of the fields [Seconds, Timestamp, SecondsPath, TimestampPath] is required at /States/W"}},
		{"map both processors", `{"StartAt":"M","States":{"M":{"Type":"Map","Iterator":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ItemProcessor":{"StartAt":"J","States":{"J":{"Type":"Pass","End":true}}},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Only one of the fields [ItemProcessor, Iterator] may be present at /States/M"}},
		{"tolerated failures inline", `{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,"ItemProcessor":{"StartAt":"J","States":{"J":{"Type":"Pass","End":true}}},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'ToleratedFailureCount' is only supported in DISTRIBUTED mode at /States/M"}},
		{"jsonata field in jsonpath state", `{"StartAt":"A","States":{"A":{"Type":"Pass","Output":{},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Field 'Output' is not supported when the QueryLanguage is JSONPath at /States/A"}},
		{"heartbeat not below timeout", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","TimeoutSeconds":5,"HeartbeatSeconds":5,"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds' at /States/T/HeartbeatSeconds"}},
		{"invalid resource", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"nope","End":true}}}`,
			[]string{"INVALID_RESOURCE"}},
		{"duplicate key", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"A":{"Type":"Pass","End":true}}}`,
			[]string{"DUPLICATE_STATE_NAME"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			diags := Validate([]byte(tc.def))
			var got []string
			for _, d := range diags {
				got = append(got, d.String())
			}
			require.Len(t, got, len(tc.want), "%q", got)
			for i, w := range tc.want {
				require.True(t, strings.HasPrefix(got[i], w), "diagnostic %d: want prefix %q, got %q", i, w, got[i])
			}
			_, err := Compile([]byte(tc.def))
			if len(tc.want) == 0 {
				require.NoError(t, err)
				return
			}
			var de *DefinitionError
			require.ErrorAs(t, err, &de)
			require.True(t, strings.HasPrefix(err.Error(), "Invalid State Machine Definition: '"))
		})
	}
}

func TestDefinitionErrorMessage(t *testing.T) {
	t.Parallel()
	_, err := Compile([]byte(`{"StartAt":"pass1","States":{"pass1":{"Type":"Pass","Next":"pass3"},"pass2":{"Type":"Pass","End":true}}}`))
	require.EqualError(t, err, `Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'`)
}
