package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// Activities. An activity is a row; a Task state whose Resource is an
// activity ARN schedules an activity task: the step that records
// ActivityScheduled also inserts the task's row (store.ActivityTaskRow), in
// the same transaction. GetActivityTask claims the oldest task of the
// activity, records ActivityStarted in its execution (a step, committed
// before the worker gets the token) and hands the worker the token and the
// input. The worker answers with SendTaskSuccess / SendTaskFailure and keeps
// the task alive with SendTaskHeartbeat (callbacks.go); the step in which
// the task ends deletes its row.

// ErrActivityNotFound is the kind of error for an unknown activity.
var ErrActivityNotFound = errors.New("activity does not exist")

// GetActivityTaskWait is how long GetActivityTask waits for a task, as AWS.
const GetActivityTaskWait = 60 * time.Second

// EncryptionConfiguration is an activity's or state machine's
// encryptionConfiguration. It is stored and reported; data is not
// encrypted with KMS.
type EncryptionConfiguration struct {
	KmsKeyID                     string `json:"kmsKeyId,omitempty"`
	KmsDataKeyReusePeriodSeconds *int   `json:"kmsDataKeyReusePeriodSeconds,omitempty"`
	Type                         string `json:"type"`
}

// activitySpec is the JSON document kept in store.ActivityRow.Spec.
type activitySpec struct {
	Tags       []Tag                    `json:"tags,omitempty"`
	Encryption *EncryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

// Activity is an activity as DescribeActivity reports it.
type Activity struct {
	ActivityArn  string
	Name         string
	CreationDate time.Time
	Encryption   EncryptionConfiguration
}

// ActivityListItem is one entry of ListActivities.
type ActivityListItem struct {
	ActivityArn  string
	Name         string
	CreationDate time.Time
}

// ParseActivityArn checks s is an activity ARN and returns its scope and
// name.
func ParseActivityArn(s string) (Scope, string, error) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "states" || a.Region == "" || a.Account == "" {
		return Scope{}, "", newError(ErrInvalidArn, "%s", s)
	}
	kind, name, ok := strings.Cut(a.Resource, ":")
	if kind != "activity" {
		return Scope{}, "", newError(ErrInvalidResourceType, "%s", strings.ToLower(kind))
	}
	if !ok || name == "" || strings.Contains(name, ":") {
		return Scope{}, "", newError(ErrInvalidArn, "%s", s)
	}
	return Scope{Account: a.Account, Region: a.Region}, name, nil
}

// isActivityArn reports whether s names an activity (for the tag
// operations, which serve state machines and activities).
func isActivityArn(s string) bool {
	a, err := arn.Parse(s)
	return err == nil && a.Service == "states" && strings.HasPrefix(a.Resource, "activity:")
}

// CreateActivity creates an activity and returns its ARN and creation date.
// As on AWS it is idempotent on the name: creating an existing activity
// returns it (tags are then ignored), unless the encryption configuration
// differs.
func (s *Service) CreateActivity(ctx context.Context, sc Scope, name string, tags []Tag, enc *EncryptionConfiguration) (string, time.Time, error) {
	if !ValidName(name) {
		return "", time.Time{}, newError(ErrInvalidName, "%s", name)
	}
	tags, err := mergeTags(nil, tags)
	if err != nil {
		return "", time.Time{}, err
	}
	if enc == nil {
		enc = &EncryptionConfiguration{Type: "AWS_OWNED_KEY"}
	}
	doc, err := json.Marshal(activitySpec{Tags: tags, Encryption: enc})
	if err != nil {
		return "", time.Time{}, err
	}
	actArn := "arn:aws:states:" + sc.Region + ":" + sc.Account + ":activity:" + name
	row, err := s.store.ActivityCreate(ctx, &store.ActivityCreateParams{ARN: actArn, Account: sc.Account, Region: sc.Region, Name: name, Spec: doc})
	if errors.Is(err, store.ErrAlreadyExists) {
		existing, spec, gerr := s.activity(ctx, actArn)
		if gerr != nil {
			return "", time.Time{}, fmt.Errorf("create activity %s: %w", actArn, gerr)
		}
		if spec.Encryption != nil && !reflect.DeepEqual(spec.Encryption, enc) {
			return "", time.Time{}, newError(ErrActivityAlreadyExists, "%s", actArn)
		}
		return existing.ARN, existing.CreatedAt, nil
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create activity %s: %w", actArn, err)
	}
	return row.ARN, row.CreatedAt, nil
}

// ErrActivityAlreadyExists is the kind of error for CreateActivity with the
// name of an activity that differs.
var ErrActivityAlreadyExists = errors.New("activity already exists")

// activity loads an activity and its spec.
func (s *Service) activity(ctx context.Context, actArn string) (*store.ActivityRow, activitySpec, error) {
	var spec activitySpec
	row, err := s.store.ActivityGet(ctx, &store.ActivityGetParams{ARN: actArn})
	if errors.Is(err, store.ErrNotFound) {
		return nil, spec, newError(ErrActivityNotFound, "%s", actArn)
	}
	if err != nil {
		return nil, spec, fmt.Errorf("get activity %s: %w", actArn, err)
	}
	if err := json.Unmarshal(row.Spec, &spec); err != nil {
		return nil, spec, fmt.Errorf("activity %s: corrupt spec: %w", actArn, err)
	}
	return row, spec, nil
}

// DescribeActivity returns an activity.
func (s *Service) DescribeActivity(ctx context.Context, actArn string) (*Activity, error) {
	if _, _, err := ParseActivityArn(actArn); err != nil {
		return nil, err
	}
	row, spec, err := s.activity(ctx, actArn)
	if err != nil {
		return nil, err
	}
	out := &Activity{ActivityArn: row.ARN, Name: row.Name, CreationDate: row.CreatedAt,
		Encryption: EncryptionConfiguration{Type: "AWS_OWNED_KEY"}}
	if spec.Encryption != nil {
		out.Encryption = *spec.Encryption
	}
	return out, nil
}

// DeleteActivity deletes an activity; deleting one that does not exist
// succeeds, as on AWS. Tasks already scheduled stay scheduled (their
// executions time out or are stopped); new ones fail with States.Runtime.
func (s *Service) DeleteActivity(ctx context.Context, actArn string) error {
	if _, _, err := ParseActivityArn(actArn); err != nil {
		return err
	}
	_, err := s.store.ActivityDelete(ctx, &store.ActivityDeleteParams{ARN: actArn})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("delete activity %s: %w", actArn, err)
	}
	return nil
}

// ListActivities returns one page of the scope's activities ordered by
// name, and the token of the next page ("" at the end).
func (s *Service) ListActivities(ctx context.Context, sc Scope, token string, maxResults int) ([]ActivityListItem, string, error) {
	after, err := pagetoken.Decode(token)
	if err != nil {
		return nil, "", newError(ErrInvalidToken, "%s", token)
	}
	res, err := s.store.ActivityList(ctx, &store.ActivityListParams{Account: sc.Account, Region: sc.Region, After: after, Limit: maxResults})
	if err != nil {
		return nil, "", fmt.Errorf("list activities: %w", err)
	}
	out := make([]ActivityListItem, 0, len(res.Activities))
	for _, r := range res.Activities {
		out = append(out, ActivityListItem{ActivityArn: r.ARN, Name: r.Name, CreationDate: r.CreatedAt})
	}
	return out, pagetoken.Encode(res.Next), nil
}

// updateActivitySpec applies fn to an activity's spec under its version
// fence.
func (s *Service) updateActivitySpec(ctx context.Context, actArn string, fn func(*activitySpec) error) error {
	for range 10 {
		row, spec, err := s.activity(ctx, actArn)
		if err != nil {
			return err
		}
		if err := fn(&spec); err != nil {
			return err
		}
		doc, err := json.Marshal(spec)
		if err != nil {
			return err
		}
		_, err = s.store.ActivityUpdate(ctx, &store.ActivityUpdateParams{ARN: actArn, ExpectedVersion: row.Version, Spec: doc})
		switch {
		case errors.Is(err, store.ErrConflict):
			continue
		case errors.Is(err, store.ErrNotFound):
			return newError(ErrActivityNotFound, "%s", actArn)
		case err != nil:
			return fmt.Errorf("update activity %s: %w", actArn, err)
		}
		return nil
	}
	return fmt.Errorf("update activity %s: too many concurrent updates", actArn)
}

// tagActivity, untagActivity and activityTags serve the tag operations for
// activity ARNs.
func (s *Service) tagActivity(ctx context.Context, actArn string, tags []Tag) error {
	err := s.updateActivitySpec(ctx, actArn, func(spec *activitySpec) error {
		merged, err := mergeTags(spec.Tags, tags)
		if err != nil {
			return newError(ErrTooManyTags, "%s", actArn)
		}
		spec.Tags = merged
		return nil
	})
	if errors.Is(err, ErrActivityNotFound) {
		return newError(ErrResourceNotFound, "%s", actArn)
	}
	return err
}

func (s *Service) untagActivity(ctx context.Context, actArn string, keys []string) error {
	err := s.updateActivitySpec(ctx, actArn, func(spec *activitySpec) error {
		spec.Tags = slices.DeleteFunc(spec.Tags, func(t Tag) bool { return slices.Contains(keys, t.Key) })
		return nil
	})
	if errors.Is(err, ErrActivityNotFound) {
		return newError(ErrResourceNotFound, "%s", actArn)
	}
	return err
}

func (s *Service) activityTags(ctx context.Context, actArn string) ([]Tag, error) {
	_, spec, err := s.activity(ctx, actArn)
	if errors.Is(err, ErrActivityNotFound) {
		return nil, newError(ErrResourceNotFound, "%s", actArn)
	}
	if err != nil {
		return nil, err
	}
	if spec.Tags == nil {
		return []Tag{}, nil
	}
	return spec.Tags, nil
}

// activityExists is the interpreter's check before it schedules an activity
// task (asl.StartOptions.ActivityExists). A store failure counts as "exists":
// the task then waits rather than failing the execution for a transient
// error.
func (s *Service) activityExists(actArn string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := s.store.ActivityGet(ctx, &store.ActivityGetParams{ARN: actArn})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Error("check activity", "activity", actArn, "err", err)
	}
	return !errors.Is(err, store.ErrNotFound)
}

// ActivityTask is what GetActivityTask hands a worker; a zero Token means no
// task came in time.
type ActivityTask struct {
	Token string
	Input string
}

// GetActivityTask waits up to GetActivityTaskWait (or until ctx ends) for a
// task of the activity, records that workerName started it and returns it.
func (s *Service) GetActivityTask(ctx context.Context, actArn, workerName string) (ActivityTask, error) {
	if _, _, err := ParseActivityArn(actArn); err != nil {
		return ActivityTask{}, err
	}
	if _, _, err := s.activity(ctx, actArn); err != nil {
		return ActivityTask{}, err
	}
	deadline := time.NewTimer(GetActivityTaskWait)
	defer deadline.Stop()
	poll := min(max(2*s.opts.PollInterval, 50*time.Millisecond), time.Second)
	for {
		wake := s.activityWaiters.watch(actArn)
		task, err := s.store.ActivityTaskClaim(ctx, &store.ActivityTaskClaimParams{ActivityARN: actArn, WorkerName: workerName, Now: s.now()})
		switch {
		case err == nil:
			// The claim is the worker's now: record ActivityStarted even if
			// this request goes away meanwhile (the task then times out, as
			// when a worker dies holding it).
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			err := s.applyTaskOp(sctx, task.ExecutionARN, &taskOp{kind: opStarted, token: task.Token, effectID: task.EffectID, worker: workerName})
			cancel()
			if errors.Is(err, errTaskGone) {
				// The execution stopped waiting for it (timed out, stopped).
				if derr := s.store.ActivityTaskDelete(sctx, &store.ActivityTaskDeleteParams{Token: task.Token}); derr != nil {
					return ActivityTask{}, fmt.Errorf("drop stale activity task: %w", derr)
				}
				continue
			}
			if err != nil {
				return ActivityTask{}, fmt.Errorf("start activity task of %s: %w", task.ExecutionARN, err)
			}
			return ActivityTask{Token: task.Token, Input: task.Input}, nil
		case !errors.Is(err, store.ErrNotFound):
			return ActivityTask{}, fmt.Errorf("claim activity task: %w", err)
		}
		t := time.NewTimer(poll)
		select {
		case <-wake:
		case <-t.C:
		case <-deadline.C:
			t.Stop()
			return ActivityTask{}, nil
		case <-s.pollsStop:
			t.Stop()
			return ActivityTask{}, nil
		case <-ctx.Done():
			t.Stop()
			return ActivityTask{}, ctx.Err()
		case <-s.exec.ctx.Done():
			t.Stop()
			return ActivityTask{}, ErrClosed
		}
		t.Stop()
	}
}

// StopLongPolls ends the GetActivityTask calls waiting now and to come with
// no task, as their deadline would: for a server shutting down, which waits
// for requests in flight. It is idempotent.
func (s *Service) StopLongPolls() {
	s.pollsStopOnce.Do(func() { close(s.pollsStop) })
}

// activityChange is what a step does to the activity tasks of its
// execution.
type activityChange struct {
	tokens    map[string]bool // the tasks pending after the step
	scheduled []*store.ActivityTaskRow
}

// activityTokens returns the activity tasks an execution waits on.
func activityTokens(ex *asl.Execution) map[string]bool {
	out := map[string]bool{}
	if ex.Done() {
		return out
	}
	for _, eff := range ex.Pending() {
		if inv, ok := eff.(*asl.Invoke); ok && inv.Kind == "activity" && inv.TaskToken != "" {
			out[inv.TaskToken] = true
		}
	}
	return out
}

// activityStep fills a step's activity task changes: the tasks the execution
// waits on now and did not after the last committed step are inserted
// (again, harmlessly, after a restart), those it no longer waits on deleted.
func (r *run) activityStep(step *store.HistoryStep, now time.Time) *activityChange {
	ch := &activityChange{tokens: map[string]bool{}}
	if !r.ex.Done() {
		for _, eff := range r.ex.Pending() {
			inv, ok := eff.(*asl.Invoke)
			if !ok || inv.Kind != "activity" || inv.TaskToken == "" {
				continue
			}
			ch.tokens[inv.TaskToken] = true
			if r.activities[inv.TaskToken] {
				continue
			}
			t := &store.ActivityTaskRow{Token: inv.TaskToken, ActivityARN: inv.Resource, ExecutionARN: r.arn,
				EffectID: inv.ID, Input: inv.ParametersJSON, ScheduledAt: now}
			ch.scheduled = append(ch.scheduled, t)
		}
	}
	step.ActivityTasks = ch.scheduled
	for token := range r.activities {
		if !ch.tokens[token] {
			step.ActivityTasksDone = append(step.ActivityTasksDone, token)
		}
	}
	return ch
}

// activitiesScheduled wakes this node's GetActivityTask calls waiting for
// the activities that just got tasks.
func (s *Service) activitiesScheduled(ch *activityChange) {
	if ch == nil {
		return
	}
	for _, t := range ch.scheduled {
		s.activityWaiters.wake(t.ActivityARN)
	}
}

// waiters lets goroutines wait for something to happen to a key (an
// activity's new tasks, an execution's end): watch returns a channel that
// the next wake of the key closes.
type waiters struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

func (w *waiters) watch(key string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]chan struct{}{}
	}
	ch := w.m[key]
	if ch == nil {
		ch = make(chan struct{})
		w.m[key] = ch
	}
	return ch
}

func (w *waiters) wake(key string) {
	w.mu.Lock()
	ch := w.m[key]
	delete(w.m, key)
	w.mu.Unlock()
	if ch != nil {
		close(ch)
	}
}
