package sfn

import (
	"context"
	"errors"
	"fmt"

	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// ListExecutionsInput selects a page of ListExecutions. StateMachineArn may
// be a state machine, version or alias ARN: a version or alias lists the
// executions started through it.
type ListExecutionsInput struct {
	StateMachineArn string
	StatusFilter    string // empty: every status
	RedriveFilter   string // REDRIVEN, NOT_REDRIVEN or empty
	NextToken       string
	MaxResults      int
}

// ListExecutionsFiltered returns one page of a Standard state machine's
// executions (or of one of its versions or aliases), newest first, and the
// token of the next page ("" at the end).
func (s *Service) ListExecutionsFiltered(ctx context.Context, in ListExecutionsInput) ([]ExecutionListItem, string, error) {
	ref, err := parseMachineRef(in.StateMachineArn)
	if err != nil {
		return nil, "", err
	}
	after, err := pagetoken.Decode(in.NextToken)
	if err == nil && after != "" {
		_, _, err = store.ParseExecutionCursor(after)
	}
	if err != nil {
		return nil, "", newError(ErrInvalidToken, "%s", in.NextToken)
	}
	sm, err := s.stateMachine(ctx, ref.Base)
	if err != nil {
		return nil, "", err
	}
	if sm.row.Type != store.StateMachineTypeStandard {
		return nil, "", newError(ErrStateMachineTypeNotSupp, "%s", in.StateMachineArn)
	}
	params := &store.ExecutionListParams{StateMachineARN: ref.Base, Status: store.ExecutionStatus(in.StatusFilter),
		Redrive: store.ExecutionRedriveFilter(in.RedriveFilter), After: after, Limit: in.MaxResults}
	switch {
	case ref.Version > 0:
		if _, _, err := s.version(ctx, in.StateMachineArn); errors.Is(err, ErrStateMachineNotFound) {
			return nil, "", newError(ErrResourceNotFound, "%s", in.StateMachineArn)
		} else if err != nil {
			return nil, "", err
		}
		params.VersionARN = in.StateMachineArn
	case ref.Alias != "":
		if _, _, err := s.alias(ctx, in.StateMachineArn); err != nil {
			return nil, "", err
		}
		params.AliasARN = in.StateMachineArn
	}
	res, err := s.store.ExecutionList(ctx, params)
	if err != nil {
		return nil, "", fmt.Errorf("list executions of %s: %w", in.StateMachineArn, err)
	}
	out := make([]ExecutionListItem, 0, len(res.Executions))
	for _, r := range res.Executions {
		out = append(out, ExecutionListItem{ExecutionArn: r.ARN, StateMachineArn: r.StateMachineARN, Name: r.Name,
			Status: string(r.Status), StartDate: r.StartDate, StopDate: r.StopDate,
			StateMachineVersionArn: r.VersionARN, StateMachineAliasArn: r.AliasARN,
			RedriveCount: r.RedriveCount, RedriveDate: r.RedriveDate})
	}
	return out, pagetoken.Encode(res.Next), nil
}
