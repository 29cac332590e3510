package lambda

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/gureum-dev/gureum/internal/arn"
)

// Asynchronous invocation settings: Lambda's defaults and bounds.
const (
	DefaultMaximumRetryAttempts     = 2
	DefaultMaximumEventAgeInSeconds = 21600 // six hours
	MinMaximumEventAgeInSeconds     = 60
	MaxMaximumRetryAttempts         = 2
	MaxEventInvokeConfigListItems   = 50
)

// DestinationPattern is the pattern Lambda checks destination ARNs against.
const DestinationPattern = `^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)`

var destinationRE = regexp.MustCompile(DestinationPattern)

// Destination is OnSuccess or OnFailure: where an invocation record goes.
// An empty Destination means none.
type Destination struct {
	Destination string `json:"Destination,omitempty"`
}

// DestinationConfig is the DestinationConfig shape. Lambda always returns
// both members, empty when unset.
type DestinationConfig struct {
	OnSuccess Destination `json:"OnSuccess"`
	OnFailure Destination `json:"OnFailure"`
}

// FunctionEventInvokeConfig is the FunctionEventInvokeConfig shape:
// one qualifier's asynchronous invocation settings. Unset limits are
// omitted (Lambda's defaults then apply).
type FunctionEventInvokeConfig struct {
	LastModified             float64           `json:"LastModified"` // epoch seconds
	FunctionArn              string            `json:"FunctionArn"`
	MaximumRetryAttempts     *int              `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int              `json:"MaximumEventAgeInSeconds,omitempty"`
	DestinationConfig        DestinationConfig `json:"DestinationConfig"`
}

// DestinationConfigInput is the DestinationConfig parameter; a nil member
// was not given.
type DestinationConfigInput struct {
	OnSuccess *Destination `json:"OnSuccess"`
	OnFailure *Destination `json:"OnFailure"`
}

// EventInvokeConfigInput is the body of PutFunctionEventInvokeConfig and
// UpdateFunctionEventInvokeConfig; nil fields were not given.
type EventInvokeConfigInput struct {
	MaximumRetryAttempts     *int                    `json:"MaximumRetryAttempts"`
	MaximumEventAgeInSeconds *int                    `json:"MaximumEventAgeInSeconds"`
	DestinationConfig        *DestinationConfigInput `json:"DestinationConfig"`
}

// Validate checks the input's members against Lambda's constraints, in the
// order Lambda reports them.
func (in *EventInvokeConfigInput) Validate() error {
	if n := in.MaximumRetryAttempts; n != nil {
		if *n < 0 {
			return validationError("maximumRetryAttempts", *n, "Member must have value greater than or equal to 0")
		}
		if *n > MaxMaximumRetryAttempts {
			return validationError("maximumRetryAttempts", *n, fmt.Sprintf("Member must have value less than or equal to %d", MaxMaximumRetryAttempts))
		}
	}
	if n := in.MaximumEventAgeInSeconds; n != nil {
		if *n < MinMaximumEventAgeInSeconds {
			return validationError("maximumEventAgeInSeconds", *n, fmt.Sprintf("Member must have value greater than or equal to %d", MinMaximumEventAgeInSeconds))
		}
		if *n > DefaultMaximumEventAgeInSeconds {
			return validationError("maximumEventAgeInSeconds", *n, fmt.Sprintf("Member must have value less than or equal to %d", DefaultMaximumEventAgeInSeconds))
		}
	}
	if d := in.DestinationConfig; d != nil {
		for _, m := range []struct {
			field string
			dest  *Destination
		}{{"destinationConfig.onSuccess.destination", d.OnSuccess}, {"destinationConfig.onFailure.destination", d.OnFailure}} {
			if m.dest == nil {
				continue
			}
			if len(m.dest.Destination) > 350 {
				return validationError(m.field, m.dest.Destination, "Member must have length less than or equal to 350")
			}
			if !destinationRE.MatchString(m.dest.Destination) {
				return validationError(m.field, m.dest.Destination, "Member must satisfy regular expression pattern: "+DestinationPattern)
			}
		}
	}
	return nil
}

func (in *EventInvokeConfigInput) empty() bool {
	return in.MaximumRetryAttempts == nil && in.MaximumEventAgeInSeconds == nil && in.DestinationConfig == nil
}

// eventConfigKey is the functionDoc.EventInvoke key of a qualifier.
func eventConfigKey(q string) string {
	if q == "" {
		return "$LATEST"
	}
	return q
}

func noEventConfig(sc Scope, name, q string) *Error {
	return errorf(KindResourceNotFound, "The function %s:%s doesn't have an EventInvokeConfig", FunctionARN(sc, name), eventConfigKey(q))
}

func functionDoesNotExist() *Error {
	return errorf(KindResourceNotFound, "The function doesn't exist.")
}

// hasQualifier reports whether q names $LATEST, a published version or an
// alias of the function.
func (d *functionDoc) hasQualifier(q string) bool {
	return q == "" || q == "$LATEST" || d.version(q) != nil || d.Aliases[q] != nil
}

// PutFunctionEventInvokeConfig replaces a qualifier's asynchronous
// invocation settings.
func (s *Service) PutFunctionEventInvokeConfig(ctx context.Context, sc Scope, ref FunctionRef, in *EventInvokeConfigInput) (*FunctionEventInvokeConfig, error) {
	return s.writeEventConfig(ctx, sc, ref, in, true)
}

// UpdateFunctionEventInvokeConfig changes the given members of an existing
// configuration.
func (s *Service) UpdateFunctionEventInvokeConfig(ctx context.Context, sc Scope, ref FunctionRef, in *EventInvokeConfigInput) (*FunctionEventInvokeConfig, error) {
	return s.writeEventConfig(ctx, sc, ref, in, false)
}

func (s *Service) writeEventConfig(ctx context.Context, sc Scope, ref FunctionRef, in *EventInvokeConfigInput, replace bool) (*FunctionEventInvokeConfig, error) {
	sc = ref.in(sc)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.empty() {
		return nil, errorf(KindInvalidParameterValue, "You must specify at least one of error handling or destination setting.")
	}
	if _, _, err := s.load(ctx, sc, ref.Name); err != nil {
		if isNotFound(err) {
			return nil, functionDoesNotExist()
		}
		return nil, err
	}
	if in.DestinationConfig != nil {
		if err := s.checkDestinations(ctx, sc, ref.Name, in.DestinationConfig); err != nil {
			return nil, err
		}
	}
	key := eventConfigKey(ref.Qualifier)
	var out FunctionEventInvokeConfig
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		if !doc.hasQualifier(ref.Qualifier) {
			return functionDoesNotExist()
		}
		var next FunctionEventInvokeConfig // Put replaces every member
		if !replace {
			cur := doc.EventInvoke[key]
			if cur == nil {
				return noEventConfig(sc, ref.Name, ref.Qualifier)
			}
			next = *cur
		}
		next.FunctionArn = FunctionARN(sc, ref.Name) + ":" + key
		next.LastModified = float64(s.opts.Now().UnixMilli()) / 1000
		if in.MaximumRetryAttempts != nil {
			next.MaximumRetryAttempts = in.MaximumRetryAttempts
		}
		if in.MaximumEventAgeInSeconds != nil {
			next.MaximumEventAgeInSeconds = in.MaximumEventAgeInSeconds
		}
		if d := in.DestinationConfig; d != nil {
			next.DestinationConfig = DestinationConfig{}
			if d.OnSuccess != nil {
				next.DestinationConfig.OnSuccess = *d.OnSuccess
			}
			if d.OnFailure != nil {
				next.DestinationConfig.OnFailure = *d.OnFailure
			}
		}
		if doc.EventInvoke == nil {
			doc.EventInvoke = map[string]*FunctionEventInvokeConfig{}
		}
		doc.EventInvoke[key] = &next
		out = next
		return nil
	})
	var e *Error
	if errors.As(err, &e) && e.Message == notFound(sc, ref.Name).Message {
		return nil, functionDoesNotExist() // deleted meanwhile
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func isNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindResourceNotFound
}

// checkDestinations accepts Lambda function destinations only: gureum has
// no SQS, SNS, EventBridge or S3 to deliver records to.
func (s *Service) checkDestinations(ctx context.Context, sc Scope, self string, d *DestinationConfigInput) error {
	describe := func(dest *Destination, member string) string {
		if dest == nil || dest.Destination == "" {
			return "null"
		}
		return fmt.Sprintf("%s(destination=%s)", member, dest.Destination)
	}
	invalid := func(why string) error {
		msg := fmt.Sprintf("The provided destination config DestinationConfig(onSuccess=%s, onFailure=%s) is invalid.",
			describe(d.OnSuccess, "OnSuccess"), describe(d.OnFailure, "OnFailure"))
		if why != "" {
			msg += " " + why
		}
		return errorf(KindInvalidParameterValue, "%s", msg)
	}
	for _, dest := range []*Destination{d.OnSuccess, d.OnFailure} {
		if dest == nil || dest.Destination == "" {
			continue
		}
		a, err := arn.Parse(dest.Destination)
		if err != nil {
			return invalid("")
		}
		switch a.Service {
		case "lambda":
		case "sqs", "sns", "events", "s3":
			return invalid(fmt.Sprintf("gureum delivers invocation records to Lambda functions only; it has no %s service to send them to.", a.Service))
		default:
			return invalid("")
		}
		target, err := destinationRef(dest.Destination)
		if err != nil {
			return errorf(KindInvalidParameterValue, "The destination ARN %s is invalid.", dest.Destination)
		}
		tsc := target.in(sc)
		if tsc == sc && target.Name == self {
			return errorf(KindInvalidParameterValue, "You can't specify the function as a destination for itself.")
		}
		_, doc, err := s.load(ctx, tsc, target.Name)
		if isNotFound(err) || (err == nil && !doc.hasQualifier(target.Qualifier)) {
			return errorf(KindInvalidParameterValue, "The destination ARN %s is invalid.", dest.Destination)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// destinationRef parses a Lambda function ARN destination.
func destinationRef(s string) (FunctionRef, error) {
	if !strings.Contains(s, ":function:") {
		return FunctionRef{}, fmt.Errorf("%w: %q", ErrInvalidName, s)
	}
	return ParseFunctionRef(s)
}

// GetFunctionEventInvokeConfig returns a qualifier's settings.
func (s *Service) GetFunctionEventInvokeConfig(ctx context.Context, sc Scope, ref FunctionRef) (*FunctionEventInvokeConfig, error) {
	sc = ref.in(sc)
	_, doc, err := s.load(ctx, sc, ref.Name)
	if isNotFound(err) {
		return nil, noEventConfig(sc, ref.Name, ref.Qualifier)
	}
	if err != nil {
		return nil, err
	}
	c := doc.EventInvoke[eventConfigKey(ref.Qualifier)]
	if c == nil {
		return nil, noEventConfig(sc, ref.Name, ref.Qualifier)
	}
	return c, nil
}

// DeleteFunctionEventInvokeConfig removes a qualifier's settings.
func (s *Service) DeleteFunctionEventInvokeConfig(ctx context.Context, sc Scope, ref FunctionRef) error {
	sc = ref.in(sc)
	key := eventConfigKey(ref.Qualifier)
	_, err := s.update(ctx, sc, ref.Name, func(doc *functionDoc) error {
		if doc.EventInvoke[key] == nil {
			return noEventConfig(sc, ref.Name, ref.Qualifier)
		}
		delete(doc.EventInvoke, key)
		return nil
	})
	if isNotFound(err) {
		return noEventConfig(sc, ref.Name, ref.Qualifier)
	}
	return err
}

// ListFunctionEventInvokeConfigs lists a function's settings, ordered by
// qualifier ($LATEST, versions, aliases), one page at a time.
func (s *Service) ListFunctionEventInvokeConfigs(ctx context.Context, sc Scope, ref FunctionRef, marker string, maxItems int) ([]FunctionEventInvokeConfig, string, error) {
	sc = ref.in(sc)
	_, doc, err := s.load(ctx, sc, ref.Name)
	if isNotFound(err) {
		return nil, "", functionDoesNotExist()
	}
	if err != nil {
		return nil, "", err
	}
	keys := make([]string, 0, len(doc.EventInvoke))
	for k := range doc.EventInvoke {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	all := make([]FunctionEventInvokeConfig, 0, len(keys))
	for _, k := range keys {
		all = append(all, *doc.EventInvoke[k])
	}
	if maxItems <= 0 || maxItems > MaxEventInvokeConfigListItems {
		maxItems = MaxEventInvokeConfigListItems
	}
	return pageSlice(all, marker, maxItems)
}

// eventSettings are the effective settings of an asynchronous invocation.
type eventSettings struct {
	maxRetries int
	maxAge     int // seconds
	onSuccess  string
	onFailure  string
}

// eventSettings returns the settings that apply to events invoked with
// qualifier q, with Lambda's defaults for what is unset.
func (d *functionDoc) eventSettings(q string) eventSettings {
	es := eventSettings{maxRetries: DefaultMaximumRetryAttempts, maxAge: DefaultMaximumEventAgeInSeconds}
	c := d.EventInvoke[eventConfigKey(q)]
	if c == nil {
		return es
	}
	if c.MaximumRetryAttempts != nil {
		es.maxRetries = *c.MaximumRetryAttempts
	}
	if c.MaximumEventAgeInSeconds != nil {
		es.maxAge = *c.MaximumEventAgeInSeconds
	}
	es.onSuccess = c.DestinationConfig.OnSuccess.Destination
	es.onFailure = c.DestinationConfig.OnFailure.Destination
	return es
}
