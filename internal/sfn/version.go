package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// Kinds of service errors for versions, aliases, redrives and map runs
// (see Error).
var (
	ErrConflict               = errors.New("conflict")
	ErrServiceQuota           = errors.New("service quota exceeded")
	ErrValidation             = errors.New("validation failed")
	ErrExecutionNotRedrivable = errors.New("execution not redrivable")
	ErrInvalidDefinition      = errors.New("invalid definition") // Detail is AWS's whole message
)

// Limits from the Step Functions quotas.
const (
	MaxVersions = 1000 // published versions per state machine
	MaxAliases  = 100  // aliases per state machine
)

// machineRef is a parsed state machine ARN, optionally qualified with a
// version number or an alias name.
type machineRef struct {
	Scope
	Name    string
	Base    string // the unqualified ARN
	Version int64  // > 0 for a version ARN
	Alias   string // for an alias ARN
}

// Qualified reports whether the ARN names a version or an alias.
func (r machineRef) Qualified() bool { return r.Version > 0 || r.Alias != "" }

// parseMachineRef checks s is a state machine, version or alias ARN.
func parseMachineRef(s string) (machineRef, error) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "states" || a.Region == "" || a.Account == "" {
		return machineRef{}, newError(ErrInvalidArn, "%s", s)
	}
	parts := strings.Split(a.Resource, ":")
	if parts[0] != "stateMachine" {
		return machineRef{}, newError(ErrInvalidResourceType, "%s", strings.ToLower(parts[0]))
	}
	if len(parts) < 2 || len(parts) > 3 || parts[1] == "" {
		return machineRef{}, newError(ErrInvalidArn, "%s", s)
	}
	r := machineRef{Scope: Scope{Account: a.Account, Region: a.Region}, Name: parts[1],
		Base: arn.StateMachine(a.Region, a.Account, parts[1])}
	if len(parts) == 3 {
		q := parts[2]
		switch {
		case q == "":
			return machineRef{}, newError(ErrInvalidArn, "%s", s)
		case isDigits(q):
			n, err := strconv.ParseInt(q, 10, 64)
			if err != nil || n <= 0 {
				return machineRef{}, newError(ErrInvalidArn, "%s", s)
			}
			r.Version = n
		default:
			r.Alias = q
		}
	}
	return r, nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// versionSpec is the JSON document kept in store.StateMachineVersionRow.Spec:
// the state machine as it was published.
type versionSpec struct {
	Name        string                `json:"name"`
	Type        string                `json:"type"`
	Definition  string                `json:"definition"`
	RoleArn     string                `json:"roleArn"`
	Description string                `json:"description,omitempty"`
	Logging     *LoggingConfiguration `json:"loggingConfiguration,omitempty"`
	Tracing     *TracingConfiguration `json:"tracingConfiguration,omitempty"`
	RevisionID  string                `json:"revisionId,omitempty"`
}

// RoutingConfig is one entry of an alias's routingConfiguration.
type RoutingConfig struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	Weight                 int    `json:"weight"`
}

// aliasSpec is the JSON document kept in store.StateMachineAliasRow.Spec.
type aliasSpec struct {
	Description string          `json:"description,omitempty"`
	Routing     []RoutingConfig `json:"routingConfiguration"`
}

// VersionListItem is one entry of ListStateMachineVersions.
type VersionListItem struct {
	StateMachineVersionArn string
	CreationDate           time.Time
}

// Alias is a state machine alias as DescribeStateMachineAlias reports it.
type Alias struct {
	StateMachineAliasArn string
	Name                 string
	Description          string
	Routing              []RoutingConfig
	CreationDate         time.Time
	UpdateDate           time.Time
}

// AliasListItem is one entry of ListStateMachineAliases.
type AliasListItem struct {
	StateMachineAliasArn string
	CreationDate         time.Time
}

// version loads a version row and its spec; ErrStateMachineNotFound when
// there is none.
func (s *Service) version(ctx context.Context, versionArn string) (*store.StateMachineVersionRow, *versionSpec, error) {
	row, err := s.store.StateMachineVersionGet(ctx, &store.StateMachineVersionGetParams{ARN: versionArn})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, newError(ErrStateMachineNotFound, "%s", versionArn)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get state machine version %s: %w", versionArn, err)
	}
	var spec versionSpec
	if err := json.Unmarshal(row.Spec, &spec); err != nil {
		return nil, nil, fmt.Errorf("state machine version %s: corrupt spec: %w", versionArn, err)
	}
	return row, &spec, nil
}

// versionEntry presents a version as a stateMachineEntry (what starting an
// execution needs): the parent's identity with the version's spec.
func (s *Service) versionEntry(ctx context.Context, ref machineRef, versionArn string) (*stateMachineEntry, error) {
	row, vs, err := s.version(ctx, versionArn)
	if err != nil {
		return nil, err
	}
	m, err := s.machines.compile(vs.Definition)
	if err != nil {
		return nil, fmt.Errorf("state machine version %s: stored definition does not compile: %w", versionArn, err)
	}
	return &stateMachineEntry{
		row: &store.StateMachineRow{ARN: ref.Base, Account: ref.Account, Region: ref.Region, Name: ref.Name,
			Type: store.StateMachineType(vs.Type), CreatedAt: row.CreatedAt, UpdatedAt: row.CreatedAt},
		spec: stateMachineSpec{Definition: vs.Definition, RoleArn: vs.RoleArn, Description: vs.Description,
			Logging: vs.Logging, Tracing: vs.Tracing, RevisionID: vs.RevisionID},
		machine: m,
	}, nil
}

// alias loads an alias row and its spec; ErrResourceNotFound when there is
// none.
func (s *Service) alias(ctx context.Context, aliasArn string) (*store.StateMachineAliasRow, *aliasSpec, error) {
	row, err := s.store.StateMachineAliasGet(ctx, &store.StateMachineAliasGetParams{ARN: aliasArn})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, newError(ErrResourceNotFound, "%s", aliasArn)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get state machine alias %s: %w", aliasArn, err)
	}
	var spec aliasSpec
	if err := json.Unmarshal(row.Spec, &spec); err != nil {
		return nil, nil, fmt.Errorf("state machine alias %s: corrupt spec: %w", aliasArn, err)
	}
	return row, &spec, nil
}

// resolveRef loads what a (possibly qualified) state machine ARN starts:
// the state machine, one of its versions, or the version an alias routes
// this execution to. It returns the entry and the version and alias ARNs
// the execution records.
func (s *Service) resolveRef(ctx context.Context, smArn string) (*stateMachineEntry, string, string, error) {
	ref, err := parseMachineRef(smArn)
	if err != nil {
		return nil, "", "", err
	}
	switch {
	case ref.Version > 0:
		e, err := s.versionEntry(ctx, ref, smArn)
		return e, smArn, "", err
	case ref.Alias != "":
		_, spec, err := s.alias(ctx, smArn)
		if errors.Is(err, ErrResourceNotFound) {
			return nil, "", "", newError(ErrStateMachineNotFound, "%s", smArn)
		}
		if err != nil {
			return nil, "", "", err
		}
		versionArn := pickVersion(spec.Routing)
		e, err := s.versionEntry(ctx, ref, versionArn)
		return e, versionArn, smArn, err
	}
	e, err := s.stateMachine(ctx, smArn)
	return e, "", "", err
}

// pickVersion chooses the version of one execution by the routing weights.
func pickVersion(routing []RoutingConfig) string {
	if len(routing) == 1 {
		return routing[0].StateMachineVersionArn
	}
	n := rand.IntN(100)
	for _, r := range routing {
		if n < r.Weight {
			return r.StateMachineVersionArn
		}
		n -= r.Weight
	}
	return routing[len(routing)-1].StateMachineVersionArn
}

// publishVersion publishes the state machine's current revision as a new
// version, or returns the version already published for it (AWS's
// idempotency). wantRevision, when set, must be the current revision
// ("INITIAL" for a state machine never updated), else ErrConflict.
func (s *Service) publishVersion(ctx context.Context, smArn string, wantRevision *string, description string) (string, time.Time, error) {
	row, err := s.store.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: smArn})
	if errors.Is(err, store.ErrNotFound) {
		return "", time.Time{}, newError(ErrStateMachineNotFound, "%s", smArn)
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("publish version of %s: %w", smArn, err)
	}
	var spec stateMachineSpec
	if err := json.Unmarshal(row.Spec, &spec); err != nil {
		return "", time.Time{}, fmt.Errorf("state machine %s: corrupt spec: %w", smArn, err)
	}
	if wantRevision != nil {
		want := *wantRevision
		if want == "INITIAL" {
			want = ""
		}
		if want != spec.RevisionID {
			return "", time.Time{}, newError(ErrConflict,
				"Failed to publish the State Machine version. Provided revision id '%s' does not match the current revision id of the State Machine", *wantRevision)
		}
	}
	versions, err := s.allVersions(ctx, smArn)
	if err != nil {
		return "", time.Time{}, err
	}
	for _, v := range versions {
		var vs versionSpec
		if json.Unmarshal(v.Spec, &vs) == nil && vs.RevisionID == spec.RevisionID {
			return v.ARN, v.CreatedAt, nil
		}
	}
	if len(versions) >= MaxVersions {
		return "", time.Time{}, newError(ErrServiceQuota,
			"Maximum number of versions (%d) reached for state machine '%s'", MaxVersions, smArn)
	}
	// Numbers are taken under the state machine's version fence, so that
	// they are never reused, even after a version is deleted.
	var number int64
	var current *store.StateMachineRow
	err = s.updateSpec(ctx, smArn, func(sp *stateMachineSpec) error {
		if sp.RevisionID != spec.RevisionID {
			return newError(ErrConflict, "The state machine was updated while publishing a version: '%s'", smArn)
		}
		sp.LastVersion++
		number = sp.LastVersion
		spec = *sp
		return nil
	}, &current)
	if err != nil {
		return "", time.Time{}, err
	}
	doc, err := json.Marshal(versionSpec{Name: row.Name, Type: string(row.Type), Definition: spec.Definition,
		RoleArn: spec.RoleArn, Description: description, Logging: spec.Logging, Tracing: spec.Tracing,
		RevisionID: spec.RevisionID})
	if err != nil {
		return "", time.Time{}, err
	}
	v, err := s.store.StateMachineVersionCreate(ctx, &store.StateMachineVersionCreateParams{
		ARN: smArn + ":" + strconv.FormatInt(number, 10), StateMachineARN: smArn, Number: number, Spec: doc})
	if errors.Is(err, store.ErrNotFound) {
		return "", time.Time{}, newError(ErrStateMachineNotFound, "%s", smArn)
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("publish version of %s: %w", smArn, err)
	}
	return v.ARN, v.CreatedAt, nil
}

// allVersions lists every version of a state machine, highest first.
func (s *Service) allVersions(ctx context.Context, smArn string) ([]*store.StateMachineVersionRow, error) {
	var (
		out    []*store.StateMachineVersionRow
		before int64
	)
	for {
		res, err := s.store.StateMachineVersionList(ctx, &store.StateMachineVersionListParams{
			StateMachineARN: smArn, Before: before, Limit: store.MaxListLimit})
		if err != nil {
			return nil, fmt.Errorf("list versions of %s: %w", smArn, err)
		}
		out = append(out, res.Versions...)
		if res.Next == 0 {
			return out, nil
		}
		before = res.Next
	}
}

// PublishStateMachineVersion publishes the current revision of a state
// machine as a version and returns its ARN and creation date. Publishing a
// revision that already has a version returns that version.
func (s *Service) PublishStateMachineVersion(ctx context.Context, smArn string, revisionID *string, description string) (string, time.Time, error) {
	ref, err := parseMachineRef(smArn)
	if err != nil {
		return "", time.Time{}, err
	}
	if ref.Qualified() {
		return "", time.Time{}, newError(ErrInvalidArn, "%s", smArn)
	}
	return s.publishVersion(ctx, smArn, revisionID, description)
}

// ListStateMachineVersions returns one page of a state machine's versions,
// newest first, and the token of the next page ("" at the end).
func (s *Service) ListStateMachineVersions(ctx context.Context, smArn, token string, maxResults int) ([]VersionListItem, string, error) {
	ref, err := parseMachineRef(smArn)
	if err != nil {
		return nil, "", err
	}
	if ref.Qualified() {
		return nil, "", newError(ErrInvalidArn, "%s", smArn)
	}
	var before int64
	if cur, err := pagetoken.Decode(token); err != nil {
		return nil, "", newError(ErrInvalidToken, "%s", token)
	} else if cur != "" {
		if before, err = strconv.ParseInt(cur, 10, 64); err != nil || before <= 0 {
			return nil, "", newError(ErrInvalidToken, "%s", token)
		}
	}
	res, err := s.store.StateMachineVersionList(ctx, &store.StateMachineVersionListParams{StateMachineARN: smArn, Before: before, Limit: maxResults})
	if err != nil {
		return nil, "", fmt.Errorf("list versions of %s: %w", smArn, err)
	}
	out := make([]VersionListItem, 0, len(res.Versions))
	for _, v := range res.Versions {
		out = append(out, VersionListItem{StateMachineVersionArn: v.ARN, CreationDate: v.CreatedAt})
	}
	next := ""
	if res.Next != 0 {
		next = pagetoken.Encode(strconv.FormatInt(res.Next, 10))
	}
	return out, next, nil
}

// DeleteStateMachineVersion deletes a version. It is refused with
// ErrConflict while an alias routes executions to it; deleting a version
// that does not exist succeeds. Running executions of the version go on.
func (s *Service) DeleteStateMachineVersion(ctx context.Context, versionArn string) error {
	ref, err := parseMachineRef(versionArn)
	if err != nil {
		return err
	}
	if ref.Version == 0 {
		return newError(ErrInvalidArn, "%s", versionArn)
	}
	aliases, err := s.aliasesRouting(ctx, ref.Base, versionArn)
	if err != nil {
		return err
	}
	if len(aliases) > 0 {
		return newError(ErrConflict, "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [%s]",
			strings.Join(aliases, ", "))
	}
	_, err = s.store.StateMachineVersionDelete(ctx, &store.StateMachineVersionDeleteParams{ARN: versionArn})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("delete state machine version %s: %w", versionArn, err)
	}
	return nil
}

// aliasesRouting returns the ARNs of a state machine's aliases that route
// to versionArn (every alias when versionArn is empty).
func (s *Service) aliasesRouting(ctx context.Context, smArn, versionArn string) ([]string, error) {
	var (
		out   []string
		after string
	)
	for {
		res, err := s.store.StateMachineAliasList(ctx, &store.StateMachineAliasListParams{StateMachineARN: smArn, After: after, Limit: store.MaxListLimit})
		if err != nil {
			return nil, fmt.Errorf("list aliases of %s: %w", smArn, err)
		}
		for _, a := range res.Aliases {
			var spec aliasSpec
			if err := json.Unmarshal(a.Spec, &spec); err != nil {
				return nil, fmt.Errorf("state machine alias %s: corrupt spec: %w", a.ARN, err)
			}
			if versionArn == "" || slices.ContainsFunc(spec.Routing, func(r RoutingConfig) bool { return r.StateMachineVersionArn == versionArn }) {
				out = append(out, a.ARN)
			}
		}
		if res.Next == "" {
			return out, nil
		}
		after = res.Next
	}
}

// aliasNameRE is AWS's CharacterRestrictedName: letters, digits, '-', '_'
// and '.', not only digits (a number would read as a version).
var aliasNameRE = regexp.MustCompile(`^[a-zA-Z0-9_.\-]+$`)

// ValidAliasName reports whether name is a valid alias name.
func ValidAliasName(name string) bool {
	return len(name) >= 1 && len(name) <= MaxNameLength && aliasNameRE.MatchString(name) && !isDigits(name)
}

// checkRouting validates a routingConfiguration for the state machine
// smArn: one or two distinct versions of it that exist, weights summing to
// 100. The API layer has checked each entry's members.
func (s *Service) checkRouting(ctx context.Context, smArn string, routing []RoutingConfig) error {
	if len(routing) == 0 || len(routing) > 2 {
		return newError(ErrValidation, "Routing configuration must contain one or two state machine versions")
	}
	sum := 0
	for i, r := range routing {
		ref, err := parseMachineRef(r.StateMachineVersionArn)
		if err != nil {
			return err
		}
		if ref.Version == 0 {
			return newError(ErrInvalidArn, "%s", r.StateMachineVersionArn)
		}
		if ref.Base != smArn {
			return newError(ErrValidation, "Routing configuration must contain state machine version ARNs of the same state machine")
		}
		if i > 0 && routing[0].StateMachineVersionArn == r.StateMachineVersionArn {
			return newError(ErrValidation, "Routing configuration must contain distinct state machine versions")
		}
		if _, _, err := s.version(ctx, r.StateMachineVersionArn); err != nil {
			if errors.Is(err, ErrStateMachineNotFound) {
				return newError(ErrResourceNotFound, "%s", r.StateMachineVersionArn)
			}
			return err
		}
		sum += r.Weight
	}
	if sum != 100 {
		return newError(ErrValidation, "Sum of routing configuration weights must be equal to 100")
	}
	return nil
}

// CreateStateMachineAlias creates an alias routing to one or two versions of
// a state machine and returns its ARN and creation date. As on AWS it is
// idempotent: the same name, description and routing return the existing
// alias; a different one under the same name fails with ErrConflict.
func (s *Service) CreateStateMachineAlias(ctx context.Context, name, description string, routing []RoutingConfig) (string, time.Time, error) {
	if !ValidAliasName(name) {
		return "", time.Time{}, newError(ErrInvalidName, "%s", name)
	}
	if len(routing) == 0 {
		return "", time.Time{}, newError(ErrValidation, "Routing configuration must contain one or two state machine versions")
	}
	ref, err := parseMachineRef(routing[0].StateMachineVersionArn)
	if err != nil {
		return "", time.Time{}, err
	}
	if err := s.checkRouting(ctx, ref.Base, routing); err != nil {
		return "", time.Time{}, err
	}
	aliasArn := ref.Base + ":" + name
	doc, err := json.Marshal(aliasSpec{Description: description, Routing: routing})
	if err != nil {
		return "", time.Time{}, err
	}
	existing, err := s.aliasesRouting(ctx, ref.Base, "")
	if err != nil {
		return "", time.Time{}, err
	}
	if len(existing) >= MaxAliases && !slices.Contains(existing, aliasArn) {
		return "", time.Time{}, newError(ErrServiceQuota, "Maximum number of aliases (%d) reached for state machine '%s'", MaxAliases, ref.Base)
	}
	row, err := s.store.StateMachineAliasCreate(ctx, &store.StateMachineAliasCreateParams{
		ARN: aliasArn, StateMachineARN: ref.Base, Name: name, Spec: doc})
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		old, spec, gerr := s.alias(ctx, aliasArn)
		if gerr != nil {
			return "", time.Time{}, gerr
		}
		if spec.Description == description && slices.Equal(spec.Routing, routing) {
			return old.ARN, old.CreatedAt, nil
		}
		return "", time.Time{}, newError(ErrConflict, "Failed to create alias because an alias with the same name and a different routing configuration already exists.")
	case errors.Is(err, store.ErrNotFound):
		return "", time.Time{}, newError(ErrStateMachineNotFound, "%s", ref.Base)
	case err != nil:
		return "", time.Time{}, fmt.Errorf("create alias %s: %w", aliasArn, err)
	}
	return row.ARN, row.CreatedAt, nil
}

// aliasRef checks s is an alias ARN.
func aliasRef(s string) (machineRef, error) {
	ref, err := parseMachineRef(s)
	if err != nil {
		return ref, err
	}
	if ref.Alias == "" {
		return ref, newError(ErrInvalidArn, "%s", s)
	}
	return ref, nil
}

// DescribeStateMachineAlias returns an alias.
func (s *Service) DescribeStateMachineAlias(ctx context.Context, aliasArn string) (*Alias, error) {
	if _, err := aliasRef(aliasArn); err != nil {
		return nil, err
	}
	row, spec, err := s.alias(ctx, aliasArn)
	if err != nil {
		return nil, err
	}
	return &Alias{StateMachineAliasArn: row.ARN, Name: row.Name, Description: spec.Description,
		Routing: spec.Routing, CreationDate: row.CreatedAt, UpdateDate: row.UpdatedAt}, nil
}

// UpdateStateMachineAlias changes an alias's description or routing (nil:
// kept) and returns the update date.
func (s *Service) UpdateStateMachineAlias(ctx context.Context, aliasArn string, description *string, routing []RoutingConfig) (time.Time, error) {
	ref, err := aliasRef(aliasArn)
	if err != nil {
		return time.Time{}, err
	}
	if description == nil && routing == nil {
		return time.Time{}, newError(ErrValidation, "Either the description or the RoutingConfiguration must be specified")
	}
	if routing != nil {
		if err := s.checkRouting(ctx, ref.Base, routing); err != nil {
			return time.Time{}, err
		}
	}
	for range 10 {
		row, spec, err := s.alias(ctx, aliasArn)
		if err != nil {
			return time.Time{}, err
		}
		if description != nil {
			spec.Description = *description
		}
		if routing != nil {
			spec.Routing = routing
		}
		doc, err := json.Marshal(spec)
		if err != nil {
			return time.Time{}, err
		}
		updated, err := s.store.StateMachineAliasUpdate(ctx, &store.StateMachineAliasUpdateParams{ARN: aliasArn, ExpectedVersion: row.Version, Spec: doc})
		switch {
		case errors.Is(err, store.ErrConflict):
			continue
		case errors.Is(err, store.ErrNotFound):
			return time.Time{}, newError(ErrResourceNotFound, "%s", aliasArn)
		case err != nil:
			return time.Time{}, fmt.Errorf("update alias %s: %w", aliasArn, err)
		}
		return updated.UpdatedAt, nil
	}
	return time.Time{}, fmt.Errorf("update alias %s: too many concurrent updates", aliasArn)
}

// DeleteStateMachineAlias deletes an alias (its versions stay).
func (s *Service) DeleteStateMachineAlias(ctx context.Context, aliasArn string) error {
	if _, err := aliasRef(aliasArn); err != nil {
		return err
	}
	_, err := s.store.StateMachineAliasDelete(ctx, &store.StateMachineAliasDeleteParams{ARN: aliasArn})
	if errors.Is(err, store.ErrNotFound) {
		return newError(ErrResourceNotFound, "%s", aliasArn)
	}
	if err != nil {
		return fmt.Errorf("delete alias %s: %w", aliasArn, err)
	}
	return nil
}

// ListStateMachineAliases returns one page of a state machine's aliases,
// newest first, or, for a version ARN, of the aliases routing to that
// version.
func (s *Service) ListStateMachineAliases(ctx context.Context, smArn, token string, maxResults int) ([]AliasListItem, string, error) {
	ref, err := parseMachineRef(smArn)
	if err != nil {
		return nil, "", err
	}
	if ref.Alias != "" {
		return nil, "", newError(ErrInvalidArn, "%s", smArn)
	}
	after, err := pagetoken.Decode(token)
	if err == nil && after != "" {
		_, _, err = store.ParseTimeCursor(after)
	}
	if err != nil {
		return nil, "", newError(ErrInvalidToken, "%s", token)
	}
	if ref.Version > 0 {
		if _, _, err := s.version(ctx, smArn); errors.Is(err, ErrStateMachineNotFound) {
			return nil, "", newError(ErrResourceNotFound, "%s", smArn)
		} else if err != nil {
			return nil, "", err
		}
	} else if _, err := s.stateMachine(ctx, smArn); err != nil {
		return nil, "", err
	}
	limit := store.ListLimit(maxResults)
	out := []AliasListItem{}
	for {
		res, err := s.store.StateMachineAliasList(ctx, &store.StateMachineAliasListParams{StateMachineARN: ref.Base, After: after, Limit: limit})
		if err != nil {
			return nil, "", fmt.Errorf("list aliases of %s: %w", smArn, err)
		}
		for _, a := range res.Aliases {
			if ref.Version > 0 {
				var spec aliasSpec
				if err := json.Unmarshal(a.Spec, &spec); err != nil {
					return nil, "", fmt.Errorf("state machine alias %s: corrupt spec: %w", a.ARN, err)
				}
				if !slices.ContainsFunc(spec.Routing, func(r RoutingConfig) bool { return r.StateMachineVersionArn == smArn }) {
					continue
				}
			}
			if len(out) == limit { // a match beyond this page: continue after the last one kept
				last := out[len(out)-1]
				return out, pagetoken.Encode(store.TimeCursor(last.CreationDate, last.StateMachineAliasArn)), nil
			}
			out = append(out, AliasListItem{StateMachineAliasArn: a.ARN, CreationDate: a.CreatedAt})
		}
		if res.Next == "" {
			return out, "", nil
		}
		after = res.Next
	}
}

// describeVersion is DescribeStateMachine for a version ARN.
func (s *Service) describeVersion(ctx context.Context, versionArn string) (*StateMachine, error) {
	row, vs, err := s.version(ctx, versionArn)
	if err != nil {
		return nil, err
	}
	sm := &StateMachine{StateMachineArn: row.ARN, Name: vs.Name, Status: "ACTIVE", Definition: vs.Definition,
		RoleArn: vs.RoleArn, Type: vs.Type, Description: vs.Description, CreationDate: row.CreatedAt,
		Logging: LoggingConfiguration{Level: "OFF"}, RevisionID: vs.RevisionID}
	if vs.Logging != nil {
		sm.Logging = *vs.Logging
	}
	if vs.Tracing != nil {
		sm.Tracing = *vs.Tracing
	}
	return sm, nil
}
