package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/store"
)

// queueInvoker stands for a queue (SQS, which gureum does not provide) that
// accepts .waitForTaskToken messages: it records each token by execution
// and reports the message sent.
type queueInvoker struct {
	mu     sync.Mutex
	tokens map[string]string // execution ARN -> latest token
}

func (q *queueInvoker) Invoke(ctx context.Context, task *Task) (asl.Result, error) {
	params, _ := task.Parameters.(map[string]any)
	body, _ := params["MessageBody"].(map[string]any)
	token, _ := body["token"].(string)
	if token == "" || token != task.TaskToken {
		return asl.Result{Error: "Queue.BadMessage", Cause: "no token in the message"}, nil
	}
	q.mu.Lock()
	if q.tokens == nil {
		q.tokens = map[string]string{}
	}
	q.tokens[task.ExecutionArn] = token
	q.mu.Unlock()
	return asl.Result{OutputJSON: `{"MessageId":"m-1"}`, Submitted: true}, nil
}

func (q *queueInvoker) token(arn string) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.tokens[arn]
}

// callbackDef waits for a callback and then passes. Its heartbeat timeout
// (with WaitScale 1) is short enough to keep the run in memory, leased to
// its node, and long enough never to fire in a test.
const callbackDef = `{
  "StartAt": "Ask",
  "States": {
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token", "n.$": "$.n"}},
      "HeartbeatSeconds": 50, "ResultPath": "$.answer", "Next": "Done"},
    "Done": {"Type": "Pass", "End": true}
  }
}`

var callbackTypes = []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
	"TaskSucceeded", "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}

// startCallbacks starts n executions of callbackDef on s and waits until
// each one's submission is committed.
func startCallbacks(t *testing.T, s *Service, st store.Store, n int) []string {
	t.Helper()
	smArn, _, err := s.CreateStateMachine(t.Context(), scope, CreateStateMachineInput{Name: "cb", Definition: callbackDef, RoleArn: testRole, Type: "STANDARD"})
	require.NoError(t, err)
	arns := make([]string, n)
	for i := range n {
		arns[i], _, err = s.StartExecution(t.Context(), StartExecutionInput{StateMachineArn: smArn, Name: fmt.Sprintf("cb-%d", i), Input: fmt.Sprintf(`{"n":%d}`, i)})
		require.NoError(t, err)
	}
	for _, a := range arns {
		require.Eventually(t, func() bool {
			page, err := st.HistoryList(t.Context(), &store.HistoryListParams{ExecutionARN: a, Limit: 100})
			require.NoError(t, err)
			return len(page.Events) >= 5
		}, 30*time.Second, 5*time.Millisecond)
	}
	return arns
}

// checkCallbackHistories requires every execution to have succeeded once
// with its answer, and exactly callbackTypes as history.
func checkCallbackHistories(t *testing.T, st store.Store, arns []string) {
	t.Helper()
	for i, a := range arns {
		row, err := st.ExecutionGet(t.Context(), &store.ExecutionGetParams{ARN: a})
		require.NoError(t, err)
		require.Equal(t, store.ExecutionSucceeded, row.Status, "%s: %s %s", a, row.Error, row.Cause)
		require.JSONEq(t, fmt.Sprintf(`{"n":%d,"answer":{"for":%d}}`, i, i), row.Output)
		page, err := st.HistoryList(t.Context(), &store.HistoryListParams{ExecutionARN: a, Limit: 1000})
		require.NoError(t, err)
		var types []string
		for j, ev := range page.Events {
			require.Equal(t, int64(j+1), ev.ID)
			var e struct{ Type string }
			require.NoError(t, json.Unmarshal(ev.Body, &e))
			types = append(types, e.Type)
		}
		require.Equal(t, callbackTypes, types, a)
	}
}

// TestCallbacksAfterCrash: a node dies (its leases still held) while its
// executions wait for callbacks; callbacks sent to another node complete
// them, each exactly once, without waiting for the dead node's leases.
func TestCallbacksAfterCrash(t *testing.T) {
	t.Parallel()
	for _, driver := range drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			open := newStoreFactory(t, driver)
			q := &queueInvoker{}
			st1 := open()
			a := New(st1, Options{Invoker: q, WaitScale: 1, LeaseTTL: time.Hour, PollInterval: 20 * time.Millisecond})
			arns := startCallbacks(t, a, st1, 20)
			a.abandon()
			require.NoError(t, st1.Close())

			st2 := open()
			for _, arn := range arns {
				row, err := st2.ExecutionGet(t.Context(), &store.ExecutionGetParams{ARN: arn})
				require.NoError(t, err)
				require.NotEmpty(t, row.LeaseOwner, "the dead node still holds %s", arn)
			}
			b := New(st2, Options{Invoker: q, WaitScale: 1, LeaseTTL: time.Hour, PollInterval: 20 * time.Millisecond})
			defer func() { require.NoError(t, b.Close(context.Background())) }()
			var wg sync.WaitGroup
			for i, arn := range arns {
				wg.Go(func() {
					token := q.token(arn)
					if err := b.SendTaskHeartbeat(t.Context(), token); err != nil {
						t.Errorf("heartbeat %d: %v", i, err)
					}
					if err := b.SendTaskSuccess(t.Context(), token, fmt.Sprintf(`{"for":%d}`, i)); err != nil {
						t.Errorf("callback %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			waitAll(t, st2, arns, 30*time.Second)
			checkCallbackHistories(t, st2, arns)
			err := b.SendTaskSuccess(t.Context(), q.token(arns[0]), `{}`)
			require.ErrorIs(t, err, ErrTaskTimedOut)
		})
	}
}

// TestCallbacksAcrossNodes: two live nodes share the database; executions
// one node runs are completed by callbacks the other receives. The fence on
// the execution's version keeps every transition single.
func TestCallbacksAcrossNodes(t *testing.T) {
	t.Parallel()
	for _, driver := range drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			open := newStoreFactory(t, driver)
			q := &queueInvoker{}
			st1, st2 := open(), open()
			a := New(st1, Options{Invoker: q, WaitScale: 1, LeaseTTL: 2 * time.Second, PollInterval: 20 * time.Millisecond})
			defer func() { require.NoError(t, a.Close(context.Background())) }()
			b := New(st2, Options{Invoker: q, WaitScale: 1, LeaseTTL: 2 * time.Second, PollInterval: 20 * time.Millisecond})
			defer func() { require.NoError(t, b.Close(context.Background())) }()
			arns := startCallbacks(t, a, st1, 16)
			for _, arn := range arns {
				require.NotNil(t, a.exec.lookup(arn), "node a runs %s", arn)
			}
			var wg sync.WaitGroup
			for i, arn := range arns {
				node := []*Service{a, b}[i%2]
				wg.Go(func() {
					if err := node.SendTaskSuccess(t.Context(), q.token(arn), fmt.Sprintf(`{"for":%d}`, i)); err != nil {
						t.Errorf("callback %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			waitAll(t, st1, arns, 30*time.Second)
			checkCallbackHistories(t, st1, arns)
		})
	}
}
