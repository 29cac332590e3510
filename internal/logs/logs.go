// Package logs is the CloudWatch Logs service: log groups, log streams and
// their events, read the way GetLogEvents and FilterLogEvents read them
// (tokens, time ranges, filter patterns), and Writer, the buffered writer
// that functions' output goes through. awsapi/logsapi turns its methods into
// the CloudWatch Logs wire protocol.
//
// Limits differ from AWS in one place: each log group keeps its newest
// store.DefaultLogGroupMaxEvents events (AWS keeps events until a retention
// policy removes them). Retention policies are not implemented.
package logs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// Scope is the account and region a request acts in.
type Scope struct {
	Account string
	Region  string
}

// ErrorKind classifies the service's errors; logsapi maps each to its AWS
// error.
type ErrorKind int

// Error kinds.
const (
	KindInvalidParameter ErrorKind = iota + 1
	KindGroupNotFound
	KindStreamNotFound
	KindGroupExists
	KindStreamExists
)

// Error is a service error a client may see.
type Error struct {
	Kind    ErrorKind
	Message string
}

func (e *Error) Error() string { return e.Message }

func invalid(format string, args ...any) *Error {
	return &Error{Kind: KindInvalidParameter, Message: fmt.Sprintf(format, args...)}
}

// errToken is AWS's answer to a token it did not issue.
var errToken = invalid("The specified nextToken is invalid.")

// storeError maps the store's sentinels to service errors.
func storeError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrLogStreamNotFound):
		return &Error{Kind: KindStreamNotFound, Message: "The specified log stream does not exist."}
	case errors.Is(err, store.ErrLogGroupNotFound):
		return &Error{Kind: KindGroupNotFound, Message: "The specified log group does not exist."}
	}
	return err
}

// Service is the CloudWatch Logs service.
type Service struct {
	store store.Store
	now   func() time.Time
}

// New returns the service over st.
func New(st store.Store) *Service {
	return &Service{store: st, now: time.Now}
}

// Group is a log group as DescribeLogGroups shows it.
type Group struct {
	Name         string
	CreationTime int64 // unix ms
	StoredBytes  int64
}

// Stream is a log stream as DescribeLogStreams shows it; event times are 0
// while it has no events.
type Stream struct {
	Name                string
	CreationTime        int64
	FirstEventTimestamp int64
	LastEventTimestamp  int64
	LastIngestionTime   int64
}

// CreateGroup creates an empty log group.
func (s *Service) CreateGroup(ctx context.Context, sc Scope, name string) error {
	if strings.HasPrefix(strings.ToLower(name), "aws/") {
		return invalid("Log groups starting with AWS/ are reserved for AWS.")
	}
	_, err := s.store.LogGroupCreate(ctx, &store.LogGroupCreateParams{Account: sc.Account, Region: sc.Region, Name: name})
	if errors.Is(err, store.ErrAlreadyExists) {
		return &Error{Kind: KindGroupExists, Message: "The specified log group already exists"}
	}
	return storeError(err)
}

// DeleteGroup deletes a log group with its streams and events.
func (s *Service) DeleteGroup(ctx context.Context, sc Scope, name string) error {
	return storeError(s.store.LogGroupDelete(ctx, &store.LogGroupDeleteParams{Account: sc.Account, Region: sc.Region, Name: name}))
}

// DescribeGroups returns one page of log groups in name order: those whose
// names start with prefix, or (when substring is set) contain it.
func (s *Service) DescribeGroups(ctx context.Context, sc Scope, prefix, substring, token string, limit int) ([]Group, string, error) {
	after, err := pagetoken.Decode(token)
	if err != nil {
		return nil, "", errToken
	}
	var out []Group
	for {
		page, err := s.store.LogGroupList(ctx, &store.LogGroupListParams{Account: sc.Account, Region: sc.Region, Prefix: prefix, After: after,
			Limit: max(limit, 50)})
		if err != nil {
			return nil, "", storeError(err)
		}
		for _, g := range page.Groups {
			if substring != "" && !strings.Contains(g.Name, substring) {
				continue
			}
			out = append(out, Group{Name: g.Name, CreationTime: g.CreatedAt.UnixMilli(), StoredBytes: g.StoredBytes})
			if len(out) == limit {
				if g.Name == lastName(page.Groups) && page.Next == "" {
					return out, "", nil
				}
				return out, pagetoken.Encode(g.Name), nil
			}
		}
		if page.Next == "" {
			return out, "", nil
		}
		after = page.Next
	}
}

func lastName(gs []*store.LogGroupRow) string { return gs[len(gs)-1].Name }

// CreateStream creates an empty log stream.
func (s *Service) CreateStream(ctx context.Context, sc Scope, group, name string) error {
	_, err := s.store.LogStreamCreate(ctx, &store.LogStreamCreateParams{Account: sc.Account, Region: sc.Region, Group: group, Name: name})
	if errors.Is(err, store.ErrAlreadyExists) {
		return &Error{Kind: KindStreamExists, Message: "The specified log stream already exists"}
	}
	return storeError(err)
}

// DeleteStream deletes a log stream with its events.
func (s *Service) DeleteStream(ctx context.Context, sc Scope, group, name string) error {
	return storeError(s.store.LogStreamDelete(ctx, &store.LogStreamDeleteParams{Account: sc.Account, Region: sc.Region, Group: group, Name: name}))
}

// DescribeStreamsInput selects a page of DescribeLogStreams.
type DescribeStreamsInput struct {
	Group       string
	Prefix      string
	ByLastEvent bool
	Descending  bool
	Token       string
	Limit       int
}

// DescribeStreams returns one page of a group's log streams.
func (s *Service) DescribeStreams(ctx context.Context, sc Scope, in *DescribeStreamsInput) ([]Stream, string, error) {
	if in.ByLastEvent && in.Prefix != "" {
		return nil, "", invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	// The token names the order it belongs to, so that one from another
	// ordering is refused instead of misread.
	kind := "n:"
	if in.ByLastEvent {
		kind = "t:"
	}
	if in.Descending {
		kind += "d:"
	}
	after, err := pagetoken.Decode(in.Token)
	if err != nil {
		return nil, "", errToken
	}
	if after != "" {
		var ok bool
		if after, ok = strings.CutPrefix(after, kind); !ok {
			return nil, "", errToken
		}
		if in.ByLastEvent {
			ts, _, _ := strings.Cut(after, ":")
			if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
				return nil, "", errToken
			}
		}
	}
	page, err := s.store.LogStreamList(ctx, &store.LogStreamListParams{Account: sc.Account, Region: sc.Region, Group: in.Group, Prefix: in.Prefix,
		ByLastEvent: in.ByLastEvent, Descending: in.Descending, After: after, Limit: in.Limit})
	if err != nil {
		return nil, "", storeError(err)
	}
	out := make([]Stream, len(page.Streams))
	for i, st := range page.Streams {
		out[i] = Stream{Name: st.Name, CreationTime: st.CreatedAt.UnixMilli(), FirstEventTimestamp: st.FirstEventTime,
			LastEventTimestamp: st.LastEventTime, LastIngestionTime: st.LastIngestionAt}
	}
	next := ""
	if page.Next != "" {
		next = pagetoken.Encode(kind + page.Next)
	}
	return out, next, nil
}
