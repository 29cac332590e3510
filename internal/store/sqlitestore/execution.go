package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/internal/histchunk"
)

const executionColumns = `arn, state_machine_arn, account, region, name, type, status, input, output, error, cause,
	spec, state, start_date, stop_date, wake_at, lease_owner, lease_expires, version,
	state_machine_version_arn, state_machine_alias_arn, redrive_count, redrive_date, redrive_tokens`

// executionListColumns leave out the large columns listing never needs.
const executionListColumns = `arn, state_machine_arn, account, region, name, type, status, '', '', '', '',
	'{}', NULL, start_date, stop_date, wake_at, lease_owner, lease_expires, version,
	state_machine_version_arn, state_machine_alias_arn, redrive_count, redrive_date, ''`

func scanExecution(row rowScanner) (*store.ExecutionRow, error) {
	var (
		e                         store.ExecutionRow
		spec                      string
		startDate                 int64
		stopDate, wakeAt, expires sql.NullInt64
		owner                     sql.NullString
		versionARN, aliasARN      sql.NullString
		redriveDate               sql.NullInt64
	)
	err := row.Scan(&e.ARN, &e.StateMachineARN, &e.Account, &e.Region, &e.Name, &e.Type, &e.Status,
		&e.Input, &e.Output, &e.Error, &e.Cause, &spec, &e.State, &startDate, &stopDate, &wakeAt,
		&owner, &expires, &e.Version, &versionARN, &aliasARN, &e.RedriveCount, &redriveDate, &e.RedriveTokens)
	if err != nil {
		return nil, interpretError(err)
	}
	e.VersionARN, e.AliasARN = versionARN.String, aliasARN.String
	e.RedriveDate = nullTimeFromDB(redriveDate)
	e.Spec = []byte(spec)
	e.StartDate = timeFromDB(startDate)
	e.StopDate = nullTimeFromDB(stopDate)
	e.WakeAt = nullTimeFromDB(wakeAt)
	e.LeaseOwner = owner.String
	e.LeaseExpires = nullTimeFromDB(expires)
	return &e, nil
}

func nullTimeFromDB(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return timeFromDB(v.Int64)
}

// nullTimeToDB stores the zero time as NULL.
func nullTimeToDB(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: timeToDB(t), Valid: true}
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// nullBlob stores nil as NULL.
func nullBlob(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// ExecutionCreate implements store.Store.
func (s *Store) ExecutionCreate(ctx context.Context, params *store.ExecutionCreateParams) (*store.ExecutionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanExecution(s.write.QueryRowContext(ctx, `
		INSERT INTO sfn_execution (arn, state_machine_arn, account, region, name, type, status, input, spec,
			start_date, wake_at, lease_owner, lease_expires, version, state_machine_version_arn, state_machine_alias_arn)
		VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?, 1, ?, ?)
		RETURNING `+executionColumns,
		params.ARN, params.StateMachineARN, params.Account, params.Region, params.Name, string(params.Type),
		params.Input, string(params.Spec), timeToDB(params.StartDate), nullTimeToDB(params.WakeAt),
		nullString(params.LeaseOwner), nullTimeToDB(params.LeaseExpires),
		nullString(params.VersionARN), nullString(params.AliasARN)))
}

// ExecutionGet implements store.Store.
func (s *Store) ExecutionGet(ctx context.Context, params *store.ExecutionGetParams) (*store.ExecutionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanExecution(s.read.QueryRowContext(ctx, `
		SELECT `+executionColumns+`
		FROM sfn_execution
		WHERE arn = ?`,
		params.ARN))
}

// ExecutionList implements store.Store.
func (s *Store) ExecutionList(ctx context.Context, params *store.ExecutionListParams) (*store.ExecutionListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	where := []string{"state_machine_arn = ?"}
	args := []any{params.StateMachineARN}
	switch {
	case params.VersionARN != "":
		where, args = []string{"state_machine_version_arn = ?"}, []any{params.VersionARN}
	case params.AliasARN != "":
		where, args = []string{"state_machine_alias_arn = ?"}, []any{params.AliasARN}
	}
	if params.Status != "" {
		where = append(where, "status = ?")
		args = append(args, string(params.Status))
	}
	switch params.Redrive {
	case store.ExecutionRedriven:
		where = append(where, "redrive_count > 0")
	case store.ExecutionNotRedriven:
		where = append(where, "redrive_count = 0")
	}
	if params.After != "" {
		date, arn, err := store.ParseExecutionCursor(params.After)
		if err != nil {
			return nil, err
		}
		where = append(where, "(start_date < ? OR (start_date = ? AND arn < ?))")
		args = append(args, timeToDB(date), timeToDB(date), arn)
	}
	args = append(args, limit+1)
	rows, err := s.read.QueryContext(ctx, `
		SELECT `+executionListColumns+`
		FROM sfn_execution
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY start_date DESC, arn DESC
		LIMIT ?`, args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()

	result := &store.ExecutionListResult{Executions: make([]*store.ExecutionRow, 0, min(limit+1, 64))}
	for rows.Next() {
		e, err := scanExecution(rows)
		if err != nil {
			return nil, err
		}
		result.Executions = append(result.Executions, e)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(result.Executions) > limit {
		result.Executions = result.Executions[:limit]
		last := result.Executions[limit-1]
		result.Next = store.ExecutionCursor(last.StartDate, last.ARN)
	}
	return result, nil
}

// ExecutionClaimDue implements store.Store. The single writer connection
// serializes claims, so two callers never see the same row as free.
func (s *Store) ExecutionClaimDue(ctx context.Context, params *store.ExecutionClaimDueParams) ([]*store.ExecutionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	now := timeToDB(params.Now)
	rows, err := s.write.QueryContext(ctx, `
		UPDATE sfn_execution
		SET lease_owner = ?, lease_expires = ?, version = version + 1
		WHERE pk IN (
			SELECT pk FROM sfn_execution
			WHERE wake_at IS NOT NULL AND wake_at <= ? AND status = 'RUNNING'
				AND (lease_owner IS NULL OR lease_expires <= ?)
			ORDER BY wake_at
			LIMIT ?)
		RETURNING `+executionColumns,
		params.Owner, timeToDB(params.LeaseExpires), now, now, store.ListLimit(params.Limit))
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	var out []*store.ExecutionRow
	for rows.Next() {
		e, err := scanExecution(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].WakeAt.Before(out[j].WakeAt) })
	return out, nil
}

// ExecutionLeaseRenew implements store.Store.
func (s *Store) ExecutionLeaseRenew(ctx context.Context, params *store.ExecutionLeaseRenewParams) (int64, error) {
	if err := s.gate.Enter(); err != nil {
		return 0, err
	}
	defer s.gate.Exit()

	if params.Owner == "" {
		return 0, errors.New("sqlitestore: renew leases: no owner")
	}
	res, err := s.write.ExecContext(ctx, `
		UPDATE sfn_execution SET lease_expires = ? WHERE lease_owner = ?`,
		timeToDB(params.LeaseExpires), params.Owner)
	if err != nil {
		return 0, interpretError(err)
	}
	return res.RowsAffected()
}

// ExecutionLeaseRelease implements store.Store.
func (s *Store) ExecutionLeaseRelease(ctx context.Context, params *store.ExecutionLeaseReleaseParams) (int64, error) {
	if err := s.gate.Enter(); err != nil {
		return 0, err
	}
	defer s.gate.Exit()

	query, args := `UPDATE sfn_execution SET lease_owner = NULL, lease_expires = NULL WHERE lease_owner = ?`, []any{params.Owner}
	if params.Owner == "" {
		query, args = `UPDATE sfn_execution SET lease_owner = NULL, lease_expires = NULL WHERE lease_owner IS NOT NULL`, nil
	}
	if params.ARN != "" {
		query += ` AND arn = ?`
		args = append(args, params.ARN)
	}
	res, err := s.write.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, interpretError(err)
	}
	return res.RowsAffected()
}

// HistoryAppend implements store.Store: one IMMEDIATE transaction on the
// single writer for the whole batch.
func (s *Store) HistoryAppend(ctx context.Context, params *store.HistoryAppendParams) ([]error, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	results := make([]error, len(params.Steps))
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, interpretError(err)
	}
	defer func() { _ = tx.Rollback() }()

	update, err := tx.PrepareContext(ctx, `
		UPDATE sfn_execution
		SET status = ?, output = ?, error = ?, cause = ?, stop_date = ?, state = ?, wake_at = ?,
			lease_owner = ?, lease_expires = ?, version = version + 1
		WHERE arn = ? AND version = ?
		RETURNING pk`)
	if err != nil {
		return nil, interpretError(err)
	}
	defer update.Close()
	var insertHistory *sql.Stmt
	defer func() {
		if insertHistory != nil {
			_ = insertHistory.Close()
		}
	}()
	appendEvents := func(pk int64, step *store.HistoryStep) error {
		if len(step.Events) == 0 {
			return nil
		}
		c, err := histchunk.Encode(step.Events)
		if err != nil {
			return fmt.Errorf("append history of %s: %w", step.ExecutionARN, err)
		}
		if insertHistory == nil {
			if insertHistory, err = tx.PrepareContext(ctx, `
				INSERT INTO sfn_history (execution, first_id, last_id, idx, events) VALUES (?, ?, ?, ?, ?)`); err != nil {
				return interpretError(err)
			}
		}
		if _, err := insertHistory.ExecContext(ctx, pk, c.FirstID, c.LastID, c.Index, c.Bodies); err != nil {
			return fmt.Errorf("append history of %s: %w", step.ExecutionARN, interpretError(err))
		}
		return nil
	}

	var insert *sql.Stmt
	defer func() {
		if insert != nil {
			_ = insert.Close()
		}
	}()
	for i, step := range params.Steps {
		var pk int64
		if c := step.Create; c != nil {
			if insert == nil {
				if insert, err = tx.PrepareContext(ctx, `
					INSERT INTO sfn_execution (arn, state_machine_arn, account, region, name, type, input, spec,
						start_date, status, output, error, cause, stop_date, state, wake_at, lease_owner,
						lease_expires, version, state_machine_version_arn, state_machine_alias_arn)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
					ON CONFLICT (arn) DO NOTHING
					RETURNING pk`); err != nil {
					return nil, interpretError(err)
				}
			}
			err := insert.QueryRowContext(ctx, c.ARN, c.StateMachineARN, c.Account, c.Region, c.Name, string(c.Type),
				c.Input, string(c.Spec), timeToDB(c.StartDate), string(step.Status), step.Output, step.Error,
				step.Cause, nullTimeToDB(step.StopDate), nullBlob(step.State), nullTimeToDB(step.WakeAt),
				nullString(step.LeaseOwner), nullTimeToDB(step.LeaseExpires),
				nullString(c.VersionARN), nullString(c.AliasARN)).Scan(&pk)
			if errors.Is(err, sql.ErrNoRows) {
				results[i] = store.ErrAlreadyExists
				continue
			}
			if err != nil {
				return nil, interpretError(err)
			}
			if err := appendEvents(pk, step); err != nil {
				return nil, err
			}
			if err := applyActivityTasks(ctx, tx, step); err != nil {
				return nil, err
			}
			if err := putMapRuns(ctx, tx, step.MapRuns); err != nil {
				return nil, err
			}
			continue
		}
		err := update.QueryRowContext(ctx, string(step.Status), step.Output, step.Error, step.Cause,
			nullTimeToDB(step.StopDate), nullBlob(step.State), nullTimeToDB(step.WakeAt),
			nullString(step.LeaseOwner), nullTimeToDB(step.LeaseExpires),
			step.ExecutionARN, step.ExpectedVersion).Scan(&pk)
		if errors.Is(err, sql.ErrNoRows) {
			var one int
			err := interpretError(tx.QueryRowContext(ctx, `SELECT 1 FROM sfn_execution WHERE arn = ?`, step.ExecutionARN).Scan(&one))
			switch {
			case err == nil:
				results[i] = store.ErrConflict
			case errors.Is(err, store.ErrNotFound):
				results[i] = store.ErrNotFound
			default:
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, interpretError(err)
		}

		if err := appendEvents(pk, step); err != nil {
			return nil, err
		}
		if err := applyActivityTasks(ctx, tx, step); err != nil {
			return nil, err
		}
		if r := step.Redrive; r != nil {
			if _, err := tx.ExecContext(ctx, `
				UPDATE sfn_execution SET redrive_count = redrive_count + 1, redrive_date = ?, redrive_tokens = ?
				WHERE pk = ?`, timeToDB(r.Date), r.Tokens, pk); err != nil {
				return nil, interpretError(err)
			}
		}
		if err := putMapRuns(ctx, tx, step.MapRuns); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, interpretError(err)
	}
	return results, nil
}

// HistoryList implements store.Store. A page needs at most Limit+1 step
// rows (each holds at least one event), starting with the one that holds the
// cursor's neighbour.
func (s *Store) HistoryList(ctx context.Context, params *store.HistoryListParams) (*store.HistoryListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	page := &histchunk.Page{After: params.After, Reverse: params.Reverse, Limit: store.ListLimit(params.Limit)}
	var (
		rows *sql.Rows
		err  error
	)
	if params.Reverse {
		before := params.After
		if before <= 0 {
			before = 1<<63 - 1
		}
		rows, err = s.read.QueryContext(ctx, `
			SELECT first_id, idx, events FROM sfn_history
			WHERE execution = (SELECT pk FROM sfn_execution WHERE arn = ?) AND first_id < ?
			ORDER BY first_id DESC
			LIMIT ?`,
			params.ExecutionARN, before, page.Limit+1)
	} else {
		rows, err = s.read.QueryContext(ctx, `
			WITH e AS (SELECT pk FROM sfn_execution WHERE arn = ?)
			SELECT first_id, idx, events FROM sfn_history
			WHERE execution = (SELECT pk FROM e) AND first_id >= coalesce((
				SELECT max(first_id) FROM sfn_history WHERE execution = (SELECT pk FROM e) AND first_id <= ?), 0)
			ORDER BY first_id
			LIMIT ?`,
			params.ExecutionARN, params.After+1, page.Limit+1)
	}
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			first       int64
			idx, events []byte
		)
		if err := rows.Scan(&first, &idx, &events); err != nil {
			return nil, interpretError(err)
		}
		more, err := page.Add(first, idx, events)
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", params.ExecutionARN, err)
		}
		if !more {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	return &store.HistoryListResult{Events: page.Events, Next: page.Next}, nil
}
