package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/gureum-dev/gureum/internal/asl/jsonata"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// LoggingConfiguration is a state machine's loggingConfiguration. It is
// stored and reported; execution history is not shipped to CloudWatch.
type LoggingConfiguration struct {
	Level                string           `json:"level,omitempty"`
	IncludeExecutionData bool             `json:"includeExecutionData"`
	Destinations         []LogDestination `json:"destinations,omitempty"`
}

// LogDestination is one loggingConfiguration destination.
type LogDestination struct {
	CloudWatchLogsLogGroup *CloudWatchLogsLogGroup `json:"cloudWatchLogsLogGroup,omitempty"`
}

// CloudWatchLogsLogGroup names a log group.
type CloudWatchLogsLogGroup struct {
	LogGroupArn string `json:"logGroupArn,omitempty"`
}

// TracingConfiguration is a state machine's tracingConfiguration (X-Ray);
// stored and reported only.
type TracingConfiguration struct {
	Enabled bool `json:"enabled"`
}

// Tag is one resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// stateMachineSpec is the JSON document the service keeps in
// store.StateMachineRow.Spec.
type stateMachineSpec struct {
	Definition  string                `json:"definition"`
	RoleArn     string                `json:"roleArn"`
	Description string                `json:"description,omitempty"`
	Logging     *LoggingConfiguration `json:"loggingConfiguration,omitempty"`
	Tracing     *TracingConfiguration `json:"tracingConfiguration,omitempty"`
	Tags        []Tag                 `json:"tags,omitempty"`
	RevisionID  string                `json:"revisionId,omitempty"`
	LastVersion int64                 `json:"lastVersion,omitempty"` // the highest version number published
}

// stateMachineEntry is a state machine row with its parsed spec and compiled
// definition, cached by ARN for as long as the row's version is current.
type stateMachineEntry struct {
	row     *store.StateMachineRow
	spec    stateMachineSpec
	machine *asl.Machine
}

// StateMachine is a state machine as DescribeStateMachine reports it.
type StateMachine struct {
	StateMachineArn string
	Name            string
	Status          string
	Definition      string
	RoleArn         string
	Type            string
	Description     string
	CreationDate    time.Time
	Logging         LoggingConfiguration
	Tracing         TracingConfiguration
	RevisionID      string
}

// StateMachineListItem is one entry of ListStateMachines.
type StateMachineListItem struct {
	StateMachineArn string
	Name            string
	Type            string
	CreationDate    time.Time
}

// machineCache compiles each distinct definition once.
type machineCache struct {
	mu sync.Mutex
	m  map[string]*asl.Machine
}

const machineCacheSize = 1024

func (c *machineCache) compile(definition string) (*asl.Machine, error) {
	c.mu.Lock()
	m, ok := c.m[definition]
	c.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err := asl.CompileWith([]byte(definition), compileOptions)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= machineCacheSize {
		c.m = map[string]*asl.Machine{}
	}
	c.m[definition] = m
	c.mu.Unlock()
	return m, nil
}

// stateMachine returns the state machine with ARN smArn, parsed and compiled
// (cached while its version is current).
func (s *Service) stateMachine(ctx context.Context, smArn string) (*stateMachineEntry, error) {
	row, err := s.store.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: smArn})
	if errors.Is(err, store.ErrNotFound) {
		return nil, newError(ErrStateMachineNotFound, "%s", smArn)
	}
	if err != nil {
		return nil, fmt.Errorf("get state machine %s: %w", smArn, err)
	}
	s.smMu.RLock()
	e := s.sms[smArn]
	s.smMu.RUnlock()
	if e != nil && e.row.Version == row.Version && e.row.CreatedAt.Equal(row.CreatedAt) {
		return e, nil
	}
	e = &stateMachineEntry{row: row}
	if err := json.Unmarshal(row.Spec, &e.spec); err != nil {
		return nil, fmt.Errorf("state machine %s: corrupt spec: %w", smArn, err)
	}
	if e.machine, err = s.machines.compile(e.spec.Definition); err != nil {
		return nil, fmt.Errorf("state machine %s: stored definition does not compile: %w", smArn, err)
	}
	s.smMu.Lock()
	if len(s.sms) >= machineCacheSize {
		s.sms = map[string]*stateMachineEntry{}
	}
	s.sms[smArn] = e
	s.smMu.Unlock()
	return e, nil
}

// CreateStateMachineInput is what CreateStateMachine needs. Type is
// "STANDARD" or "EXPRESS" (the API layer defaults and checks it).
type CreateStateMachineInput struct {
	Name        string
	Definition  string
	RoleArn     string
	Type        string
	Description string
	Logging     *LoggingConfiguration
	Tracing     *TracingConfiguration
	Tags        []Tag
}

// validRoleArn reports whether s is shaped like an IAM role ARN.
func validRoleArn(s string) bool {
	a, err := arn.Parse(s)
	return err == nil && a.Service == "iam" && a.Resource != ""
}

// normalizeLogging checks a loggingConfiguration as AWS does and fills its
// defaults (level OFF, includeExecutionData false).
func normalizeLogging(l *LoggingConfiguration) (*LoggingConfiguration, error) {
	out := LoggingConfiguration{Level: "OFF"}
	if l != nil {
		out = *l
		if out.Level == "" {
			out.Level = "OFF"
		}
	}
	if len(out.Destinations) > 1 || (out.Level != "OFF" && len(out.Destinations) == 0) {
		return nil, newError(ErrInvalidLogging, "Must specify exactly one Log Destination.")
	}
	return &out, nil
}

func checkDefinition(definition string) (*asl.Machine, error) {
	m, err := asl.CompileWith([]byte(definition), compileOptions)
	if err != nil {
		var de *asl.DefinitionError
		if errors.As(err, &de) {
			return nil, de
		}
		return nil, err
	}
	return m, nil
}

// CreateStateMachine creates a state machine and returns its ARN and
// creation date. As on AWS it is idempotent: a second call with the same
// name, definition, type, logging and tracing configuration returns the
// first one (roleArn and tags are then ignored); a different one under the
// same name fails with ErrStateMachineAlreadyExists.
func (s *Service) CreateStateMachine(ctx context.Context, sc Scope, in CreateStateMachineInput) (string, time.Time, error) {
	if !ValidName(in.Name) {
		return "", time.Time{}, newError(ErrInvalidName, "%s", in.Name)
	}
	if !validRoleArn(in.RoleArn) {
		return "", time.Time{}, newError(ErrInvalidArn, "%s", in.RoleArn)
	}
	if _, err := checkDefinition(in.Definition); err != nil {
		return "", time.Time{}, err
	}
	if in.Type == string(store.StateMachineTypeExpress) { // express.go
		if d := expressDiagnostics(in.Definition); len(d) > 0 {
			return "", time.Time{}, &asl.DefinitionError{Diagnostics: d}
		}
	}
	logging, err := normalizeLogging(in.Logging)
	if err != nil {
		return "", time.Time{}, err
	}
	tracing := &TracingConfiguration{}
	if in.Tracing != nil {
		tracing = in.Tracing
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return "", time.Time{}, err
	}
	smArn := arn.StateMachine(sc.Region, sc.Account, in.Name)
	spec := stateMachineSpec{Definition: in.Definition, RoleArn: in.RoleArn, Description: in.Description,
		Logging: logging, Tracing: tracing, Tags: tags}
	doc, err := json.Marshal(spec)
	if err != nil {
		return "", time.Time{}, err
	}
	row, err := s.store.StateMachineCreate(ctx, &store.StateMachineCreateParams{
		ARN: smArn, Account: sc.Account, Region: sc.Region, Name: in.Name,
		Type: store.StateMachineType(in.Type), Spec: doc})
	if errors.Is(err, store.ErrAlreadyExists) {
		existing, gerr := s.stateMachine(ctx, smArn)
		if gerr != nil {
			return "", time.Time{}, fmt.Errorf("create state machine %s: %w", smArn, gerr)
		}
		if existing.spec.Definition == in.Definition && string(existing.row.Type) == in.Type &&
			reflect.DeepEqual(existing.spec.Logging, logging) && reflect.DeepEqual(existing.spec.Tracing, tracing) {
			return smArn, existing.row.CreatedAt, nil
		}
		return "", time.Time{}, newError(ErrStateMachineAlreadyExists, "%s", smArn)
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create state machine %s: %w", smArn, err)
	}
	return row.ARN, row.CreatedAt, nil
}

// DescribeStateMachine returns the state machine with ARN smArn.
func (s *Service) DescribeStateMachine(ctx context.Context, smArn string) (*StateMachine, error) {
	if ref, err := parseMachineRef(smArn); err == nil && ref.Version > 0 {
		return s.describeVersion(ctx, smArn)
	}
	if _, _, err := ParseStateMachineArn(smArn); err != nil {
		return nil, err
	}
	e, err := s.stateMachine(ctx, smArn)
	if err != nil {
		return nil, err
	}
	return describe(e), nil
}

func describe(e *stateMachineEntry) *StateMachine {
	sm := &StateMachine{
		StateMachineArn: e.row.ARN, Name: e.row.Name, Status: "ACTIVE", Definition: e.spec.Definition,
		RoleArn: e.spec.RoleArn, Type: string(e.row.Type), Description: e.spec.Description,
		CreationDate: e.row.CreatedAt, Logging: LoggingConfiguration{Level: "OFF"}, RevisionID: e.spec.RevisionID,
	}
	if e.spec.Logging != nil {
		sm.Logging = *e.spec.Logging
	}
	if e.spec.Tracing != nil {
		sm.Tracing = *e.spec.Tracing
	}
	return sm
}

// UpdateStateMachineInput is what UpdateStateMachine changes; nil fields are
// kept.
type UpdateStateMachineInput struct {
	StateMachineArn string
	Definition      *string
	RoleArn         *string
	Logging         *LoggingConfiguration
	Tracing         *TracingConfiguration
}

// UpdateStateMachine changes a state machine's definition, role, logging or
// tracing configuration and returns the update date and new revision id.
// Running executions keep the definition they started with.
func (s *Service) UpdateStateMachine(ctx context.Context, in UpdateStateMachineInput) (time.Time, string, error) {
	if _, _, err := ParseStateMachineArn(in.StateMachineArn); err != nil {
		return time.Time{}, "", err
	}
	if in.Definition == nil && in.RoleArn == nil && in.Logging == nil && in.Tracing == nil {
		return time.Time{}, "", newError(ErrMissingParameter,
			"Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified")
	}
	if in.RoleArn != nil && !validRoleArn(*in.RoleArn) {
		return time.Time{}, "", newError(ErrInvalidArn, "%s", *in.RoleArn)
	}
	if in.Definition != nil {
		if _, err := checkDefinition(*in.Definition); err != nil {
			return time.Time{}, "", err
		}
		if e, err := s.stateMachine(ctx, in.StateMachineArn); err == nil && e.row.Type == store.StateMachineTypeExpress { // express.go
			if d := expressDiagnostics(*in.Definition); len(d) > 0 {
				return time.Time{}, "", &asl.DefinitionError{Diagnostics: d}
			}
		}
	}
	var logging *LoggingConfiguration
	if in.Logging != nil {
		var err error
		if logging, err = normalizeLogging(in.Logging); err != nil {
			return time.Time{}, "", err
		}
	}
	var updated *store.StateMachineRow
	revision := uuid.NewString()
	err := s.updateSpec(ctx, in.StateMachineArn, func(spec *stateMachineSpec) error {
		before := *spec
		if in.Definition != nil {
			spec.Definition = *in.Definition
		}
		if in.RoleArn != nil {
			spec.RoleArn = *in.RoleArn
		}
		if logging != nil {
			spec.Logging = logging
		}
		if in.Tracing != nil {
			spec.Tracing = in.Tracing
		}
		// The revision changes only when the configuration does, so that
		// publishing an unchanged state machine finds its version.
		if before.RevisionID == "" || spec.Definition != before.Definition || spec.RoleArn != before.RoleArn ||
			!reflect.DeepEqual(spec.Logging, before.Logging) || !reflect.DeepEqual(spec.Tracing, before.Tracing) {
			spec.RevisionID = revision
		}
		revision = spec.RevisionID
		return nil
	}, &updated)
	if err != nil {
		return time.Time{}, "", err
	}
	return updated.UpdatedAt, revision, nil
}

// updateSpec applies fn to a state machine's spec under the row's version
// fence, retrying when another writer got there first.
func (s *Service) updateSpec(ctx context.Context, smArn string, fn func(*stateMachineSpec) error, out **store.StateMachineRow) error {
	for range 10 {
		row, err := s.store.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: smArn})
		if errors.Is(err, store.ErrNotFound) {
			return newError(ErrStateMachineNotFound, "%s", smArn)
		}
		if err != nil {
			return fmt.Errorf("update state machine %s: %w", smArn, err)
		}
		var spec stateMachineSpec
		if err := json.Unmarshal(row.Spec, &spec); err != nil {
			return fmt.Errorf("state machine %s: corrupt spec: %w", smArn, err)
		}
		if err := fn(&spec); err != nil {
			return err
		}
		doc, err := json.Marshal(spec)
		if err != nil {
			return err
		}
		updated, err := s.store.StateMachineUpdate(ctx, &store.StateMachineUpdateParams{ARN: smArn, ExpectedVersion: row.Version, Spec: doc})
		switch {
		case errors.Is(err, store.ErrConflict):
			continue
		case errors.Is(err, store.ErrNotFound):
			return newError(ErrStateMachineNotFound, "%s", smArn)
		case err != nil:
			return fmt.Errorf("update state machine %s: %w", smArn, err)
		}
		if out != nil {
			*out = updated
		}
		return nil
	}
	return fmt.Errorf("update state machine %s: too many concurrent updates", smArn)
}

// DeleteStateMachine deletes a state machine. Deleting one that does not
// exist succeeds, as on AWS. Its running executions run to their end with
// the definition they started with.
func (s *Service) DeleteStateMachine(ctx context.Context, smArn string) error {
	if _, _, err := ParseStateMachineArn(smArn); err != nil {
		return err
	}
	_, err := s.store.StateMachineDelete(ctx, &store.StateMachineDeleteParams{ARN: smArn})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("delete state machine %s: %w", smArn, err)
	}
	s.smMu.Lock()
	delete(s.sms, smArn)
	s.smMu.Unlock()
	return nil
}

// ListStateMachines returns one page of the scope's state machines ordered by
// name, and the token of the next page ("" at the end).
func (s *Service) ListStateMachines(ctx context.Context, sc Scope, token string, maxResults int) ([]StateMachineListItem, string, error) {
	after, err := pagetoken.Decode(token)
	if err != nil {
		return nil, "", newError(ErrInvalidToken, "%s", token)
	}
	res, err := s.store.StateMachineList(ctx, &store.StateMachineListParams{Account: sc.Account, Region: sc.Region, After: after, Limit: maxResults})
	if err != nil {
		return nil, "", fmt.Errorf("list state machines: %w", err)
	}
	out := make([]StateMachineListItem, 0, len(res.StateMachines))
	for _, r := range res.StateMachines {
		out = append(out, StateMachineListItem{StateMachineArn: r.ARN, Name: r.Name, Type: string(r.Type), CreationDate: r.CreatedAt})
	}
	return out, pagetoken.Encode(res.Next), nil
}

// ValidateStateMachineDefinition checks a definition like
// ValidateStateMachineDefinition: it returns AWS's diagnostics, none for a
// valid definition.
func (s *Service) ValidateStateMachineDefinition(definition string) []asl.Diagnostic {
	return asl.ValidateWith([]byte(definition), compileOptions)
}

// mergeTags adds (or overwrites) tags, keeping first-insertion order.
func mergeTags(have, add []Tag) ([]Tag, error) {
	out := slices.Clone(have)
	for _, t := range add {
		if i := slices.IndexFunc(out, func(o Tag) bool { return o.Key == t.Key }); i >= 0 {
			out[i].Value = t.Value
			continue
		}
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, newError(ErrTooManyTags, "%d", len(out))
	}
	return out, nil
}

// taggable checks resourceArn names a state machine (activities are served
// by activity.go).
func taggable(resourceArn string) error {
	if _, _, err := ParseStateMachineArn(resourceArn); err != nil {
		return newError(ErrResourceNotFound, "%s", resourceArn)
	}
	return nil
}

// TagResource adds or overwrites tags on a state machine.
func (s *Service) TagResource(ctx context.Context, resourceArn string, tags []Tag) error {
	if isActivityArn(resourceArn) { // activity.go
		return s.tagActivity(ctx, resourceArn, tags)
	}

	if err := taggable(resourceArn); err != nil {
		return err
	}
	err := s.updateSpec(ctx, resourceArn, func(spec *stateMachineSpec) error {
		merged, err := mergeTags(spec.Tags, tags)
		if err != nil {
			return newError(ErrTooManyTags, "%s", resourceArn)
		}
		spec.Tags = merged
		return nil
	}, nil)
	if errors.Is(err, ErrStateMachineNotFound) {
		return newError(ErrResourceNotFound, "%s", resourceArn)
	}
	return err
}

// UntagResource removes tags by key from a state machine.
func (s *Service) UntagResource(ctx context.Context, resourceArn string, keys []string) error {
	if isActivityArn(resourceArn) { // activity.go
		return s.untagActivity(ctx, resourceArn, keys)
	}

	if err := taggable(resourceArn); err != nil {
		return err
	}
	err := s.updateSpec(ctx, resourceArn, func(spec *stateMachineSpec) error {
		spec.Tags = slices.DeleteFunc(spec.Tags, func(t Tag) bool { return slices.Contains(keys, t.Key) })
		return nil
	}, nil)
	if errors.Is(err, ErrStateMachineNotFound) {
		return newError(ErrResourceNotFound, "%s", resourceArn)
	}
	return err
}

// ListTagsForResource returns a state machine's tags.
func (s *Service) ListTagsForResource(ctx context.Context, resourceArn string) ([]Tag, error) {
	if isActivityArn(resourceArn) { // activity.go
		return s.activityTags(ctx, resourceArn)
	}

	if err := taggable(resourceArn); err != nil {
		return nil, err
	}
	e, err := s.stateMachine(ctx, resourceArn)
	if errors.Is(err, ErrStateMachineNotFound) {
		return nil, newError(ErrResourceNotFound, "%s", resourceArn)
	}
	if err != nil {
		return nil, err
	}
	if e.spec.Tags == nil {
		return []Tag{}, nil
	}
	return e.spec.Tags, nil
}

// compileOptions plug the JSONata engine into every definition.
var compileOptions = asl.CompileOptions{JSONata: jsonata.Engine()}
