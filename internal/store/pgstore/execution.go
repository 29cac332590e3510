package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/internal/histchunk"
)

const executionColumns = `arn, state_machine_arn, account, region, name, type, status, input, output, error, cause,
	spec, state, start_date, stop_date, wake_at, lease_owner, lease_expires, version,
	state_machine_version_arn, state_machine_alias_arn, redrive_count, redrive_date, redrive_tokens`

// executionListColumns leave out the large columns listing never needs.
const executionListColumns = `arn, state_machine_arn, account, region, name, type, status, '', '', '', '',
	'{}'::json, NULL::bytea, start_date, stop_date, wake_at, lease_owner, lease_expires, version,
	state_machine_version_arn, state_machine_alias_arn, redrive_count, redrive_date, ''`

func scanExecution(row pgx.Row) (*store.ExecutionRow, error) {
	var (
		e                         store.ExecutionRow
		typ, status               string
		stopDate, wakeAt, expires pgtype.Timestamptz
		owner                     pgtype.Text
		versionARN, aliasARN      pgtype.Text
		redriveCount              int32
		redriveDate               pgtype.Timestamptz
	)
	err := row.Scan(&e.ARN, &e.StateMachineARN, &e.Account, &e.Region, &e.Name, &typ, &status,
		&e.Input, &e.Output, &e.Error, &e.Cause, &e.Spec, &e.State, &e.StartDate, &stopDate, &wakeAt,
		&owner, &expires, &e.Version, &versionARN, &aliasARN, &redriveCount, &redriveDate, &e.RedriveTokens)
	if err != nil {
		return nil, interpretError(err)
	}
	e.VersionARN, e.AliasARN = versionARN.String, aliasARN.String
	e.RedriveCount, e.RedriveDate = int(redriveCount), nullTimeFromDB(redriveDate)
	e.Type, e.Status = store.StateMachineType(typ), store.ExecutionStatus(status)
	e.StartDate = e.StartDate.UTC()
	e.StopDate = nullTimeFromDB(stopDate)
	e.WakeAt = nullTimeFromDB(wakeAt)
	e.LeaseOwner = owner.String
	e.LeaseExpires = nullTimeFromDB(expires)
	return &e, nil
}

func nullTimeFromDB(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// nullTimeToDB stores the zero time as NULL.
func nullTimeToDB(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: timeToDB(t), Valid: true}
}

func nullText(s string) pgtype.Text { return pgtype.Text{String: s, Valid: s != ""} }

// ExecutionCreate implements store.Store.
func (s *Store) ExecutionCreate(ctx context.Context, params *store.ExecutionCreateParams) (*store.ExecutionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanExecution(s.pool.QueryRow(ctx, `
		INSERT INTO sfn_execution (arn, state_machine_arn, account, region, name, type, status, input, spec,
			start_date, wake_at, lease_owner, lease_expires, version, state_machine_version_arn, state_machine_alias_arn)
		VALUES ($1, $2, $3, $4, $5, $6, 'RUNNING', $7, $8, $9, $10, $11, $12, 1, $13, $14)
		RETURNING `+executionColumns,
		params.ARN, params.StateMachineARN, params.Account, params.Region, params.Name, string(params.Type),
		params.Input, params.Spec, timeToDB(params.StartDate), nullTimeToDB(params.WakeAt),
		nullText(params.LeaseOwner), nullTimeToDB(params.LeaseExpires),
		nullText(params.VersionARN), nullText(params.AliasARN)))
}

// ExecutionGet implements store.Store.
func (s *Store) ExecutionGet(ctx context.Context, params *store.ExecutionGetParams) (*store.ExecutionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanExecution(s.pool.QueryRow(ctx, `
		SELECT `+executionColumns+`
		FROM sfn_execution
		WHERE arn = $1`,
		params.ARN))
}

// ExecutionList implements store.Store.
func (s *Store) ExecutionList(ctx context.Context, params *store.ExecutionListParams) (*store.ExecutionListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	where := []string{"state_machine_arn = $1"}
	args := []any{params.StateMachineARN}
	switch {
	case params.VersionARN != "":
		where, args = []string{"state_machine_version_arn = $1"}, []any{params.VersionARN}
	case params.AliasARN != "":
		where, args = []string{"state_machine_alias_arn = $1"}, []any{params.AliasARN}
	}
	if params.Status != "" {
		args = append(args, string(params.Status))
		where = append(where, "status = $"+strconv.Itoa(len(args)))
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
		args = append(args, date, arn)
		d, a := "$"+strconv.Itoa(len(args)-1), "$"+strconv.Itoa(len(args))
		where = append(where, "(start_date < "+d+" OR (start_date = "+d+" AND arn < "+a+"))")
	}
	args = append(args, limit+1)
	rows, err := s.pool.Query(ctx, `
		SELECT `+executionListColumns+`
		FROM sfn_execution
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY start_date DESC, arn DESC
		LIMIT $`+strconv.Itoa(len(args)), args...)
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

// ExecutionClaimDue implements store.Store. SKIP LOCKED lets several nodes
// claim at once without waiting on (or double-claiming) each other's rows.
func (s *Store) ExecutionClaimDue(ctx context.Context, params *store.ExecutionClaimDueParams) ([]*store.ExecutionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	rows, err := s.pool.Query(ctx, `
		UPDATE sfn_execution e
		SET lease_owner = $1, lease_expires = $2, version = e.version + 1
		FROM (
			SELECT pk FROM sfn_execution
			WHERE wake_at IS NOT NULL AND wake_at <= $3 AND status = 'RUNNING'
				AND (lease_owner IS NULL OR lease_expires <= $3)
			ORDER BY wake_at
			LIMIT $4
			FOR UPDATE SKIP LOCKED) due
		WHERE e.pk = due.pk
		RETURNING `+prefixed("e.", executionColumns),
		params.Owner, timeToDB(params.LeaseExpires), timeToDB(params.Now), store.ListLimit(params.Limit))
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

// prefixed qualifies every column of a column list with p.
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// ExecutionLeaseRenew implements store.Store.
func (s *Store) ExecutionLeaseRenew(ctx context.Context, params *store.ExecutionLeaseRenewParams) (int64, error) {
	if err := s.gate.Enter(); err != nil {
		return 0, err
	}
	defer s.gate.Exit()

	if params.Owner == "" {
		return 0, errors.New("pgstore: renew leases: no owner")
	}
	tag, err := s.pool.Exec(ctx, `
		WITH held AS (SELECT pk FROM sfn_execution WHERE lease_owner = $2 ORDER BY arn FOR UPDATE)
		UPDATE sfn_execution e SET lease_expires = $1 FROM held WHERE e.pk = held.pk AND e.lease_owner = $2`,
		timeToDB(params.LeaseExpires), params.Owner)
	if err != nil {
		return 0, interpretError(err)
	}
	return tag.RowsAffected(), nil
}

// ExecutionLeaseRelease implements store.Store.
func (s *Store) ExecutionLeaseRelease(ctx context.Context, params *store.ExecutionLeaseReleaseParams) (int64, error) {
	if err := s.gate.Enter(); err != nil {
		return 0, err
	}
	defer s.gate.Exit()

	query, args := `
		WITH held AS (SELECT pk FROM sfn_execution WHERE lease_owner = $1 ORDER BY arn FOR UPDATE)
		UPDATE sfn_execution e SET lease_owner = NULL, lease_expires = NULL FROM held
		WHERE e.pk = held.pk AND e.lease_owner = $1`, []any{params.Owner}
	if params.Owner == "" {
		query, args = `
			WITH held AS (SELECT pk FROM sfn_execution WHERE lease_owner IS NOT NULL ORDER BY arn FOR UPDATE)
			UPDATE sfn_execution e SET lease_owner = NULL, lease_expires = NULL FROM held WHERE e.pk = held.pk`, nil
	}
	if params.ARN != "" {
		query, args = `UPDATE sfn_execution SET lease_owner = NULL, lease_expires = NULL WHERE arn = $1 AND lease_owner IS NOT NULL`, []any{params.ARN}
		if params.Owner != "" {
			query += ` AND lease_owner = $2`
			args = append(args, params.Owner)
		}
	}
	tag, err := s.pool.Exec(ctx, query, args...)
	if err != nil {
		return 0, interpretError(err)
	}
	return tag.RowsAffected(), nil
}

// HistoryAppend implements store.Store: one transaction, two round trips
// (the fenced updates as one pipelined batch, then every event of the
// applied steps in one INSERT ... unnest). Rows are locked in ARN order, as
// ExecutionLeaseRenew and ExecutionLeaseRelease lock them, so that batches
// and lease updates cannot deadlock each other; a transaction PostgreSQL
// aborted anyway (deadlock, serialization failure) is retried.
func (s *Store) HistoryAppend(ctx context.Context, params *store.HistoryAppendParams) ([]error, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	steps := slices.Clone(params.Steps)
	order := make([]int, len(steps))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return steps[order[a]].ExecutionARN < steps[order[b]].ExecutionARN })
	sorted := make([]*store.HistoryStep, len(steps))
	for i, j := range order {
		sorted[i] = steps[j]
	}
	for attempt := 0; ; attempt++ {
		res, err := s.historyAppend(ctx, sorted)
		if err != nil && attempt < 3 && retryable(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		results := make([]error, len(steps))
		for i, j := range order {
			results[j] = res[i]
		}
		return results, nil
	}
}

// retryable reports whether PostgreSQL aborted a transaction that may simply
// be run again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

func (s *Store) historyAppend(ctx context.Context, steps []*store.HistoryStep) ([]error, error) {
	params := &store.HistoryAppendParams{Steps: steps}
	results := make([]error, len(params.Steps))
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, interpretError(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()

	batch := &pgx.Batch{}
	for _, step := range params.Steps {
		if c := step.Create; c != nil {
			batch.Queue(`
				INSERT INTO sfn_execution (arn, state_machine_arn, account, region, name, type, input, spec,
					start_date, status, output, error, cause, stop_date, state, wake_at, lease_owner,
					lease_expires, version, state_machine_version_arn, state_machine_alias_arn)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1, $19, $20)
				ON CONFLICT (arn) DO NOTHING
				RETURNING pk`,
				c.ARN, c.StateMachineARN, c.Account, c.Region, c.Name, string(c.Type), c.Input, c.Spec,
				timeToDB(c.StartDate), string(step.Status), step.Output, step.Error, step.Cause,
				nullTimeToDB(step.StopDate), step.State, nullTimeToDB(step.WakeAt), nullText(step.LeaseOwner),
				nullTimeToDB(step.LeaseExpires), nullText(c.VersionARN), nullText(c.AliasARN))
			continue
		}
		if r := step.Redrive; r != nil {
			batch.Queue(`
				UPDATE sfn_execution
				SET status = $1, output = $2, error = $3, cause = $4, stop_date = $5, state = $6, wake_at = $7,
					lease_owner = $8, lease_expires = $9, version = version + 1,
					redrive_count = redrive_count + 1, redrive_date = $12, redrive_tokens = $13
				WHERE arn = $10 AND version = $11
				RETURNING pk`,
				string(step.Status), step.Output, step.Error, step.Cause, nullTimeToDB(step.StopDate), step.State,
				nullTimeToDB(step.WakeAt), nullText(step.LeaseOwner), nullTimeToDB(step.LeaseExpires),
				step.ExecutionARN, step.ExpectedVersion, timeToDB(r.Date), r.Tokens)
			continue
		}
		batch.Queue(`
			UPDATE sfn_execution
			SET status = $1, output = $2, error = $3, cause = $4, stop_date = $5, state = $6, wake_at = $7,
				lease_owner = $8, lease_expires = $9, version = version + 1
			WHERE arn = $10 AND version = $11
			RETURNING pk`,
			string(step.Status), step.Output, step.Error, step.Cause, nullTimeToDB(step.StopDate), step.State,
			nullTimeToDB(step.WakeAt), nullText(step.LeaseOwner), nullTimeToDB(step.LeaseExpires),
			step.ExecutionARN, step.ExpectedVersion)
	}
	br := tx.SendBatch(ctx, batch)
	var (
		pks, firsts, lasts []int64
		idxs, bodies       [][]byte
		missed             []string
		mapRuns            []*store.MapRunRow
	)
	for i, step := range params.Steps {
		var pk int64
		err := br.QueryRow().Scan(&pk)
		if errors.Is(err, pgx.ErrNoRows) && step.Create != nil {
			results[i] = store.ErrAlreadyExists
			continue
		}
		if errors.Is(err, pgx.ErrNoRows) {
			missed = append(missed, step.ExecutionARN)
			results[i] = store.ErrNotFound // refined below
			continue
		}
		if err != nil {
			_ = br.Close()
			return nil, interpretError(err)
		}
		mapRuns = append(mapRuns, step.MapRuns...)
		if len(step.Events) > 0 {
			c, err := histchunk.Encode(step.Events)
			if err != nil {
				_ = br.Close()
				return nil, fmt.Errorf("append history of %s: %w", step.ExecutionARN, err)
			}
			pks, firsts, lasts = append(pks, pk), append(firsts, c.FirstID), append(lasts, c.LastID)
			idxs, bodies = append(idxs, c.Index), append(bodies, c.Bodies)
		}
	}
	if err := br.Close(); err != nil {
		return nil, interpretError(err)
	}
	if len(missed) > 0 {
		rows, err := tx.Query(ctx, `SELECT arn FROM sfn_execution WHERE arn = ANY($1)`, missed)
		if err != nil {
			return nil, interpretError(err)
		}
		exists := map[string]bool{}
		for rows.Next() {
			var arn string
			if err := rows.Scan(&arn); err != nil {
				rows.Close()
				return nil, interpretError(err)
			}
			exists[arn] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, interpretError(err)
		}
		for i, step := range params.Steps {
			if step.Create == nil && results[i] != nil && exists[step.ExecutionARN] {
				results[i] = store.ErrConflict
			}
		}
	}
	if len(pks) > 0 {
		if _, err := tx.Exec(ctx, `
			INSERT INTO sfn_history (execution, first_id, last_id, idx, events)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bytea[], $5::bytea[])`,
			pks, firsts, lasts, idxs, bodies); err != nil {
			return nil, fmt.Errorf("append history: %w", interpretError(err))
		}
	}
	if err := applyActivityTasks(ctx, tx, params.Steps, results); err != nil {
		return nil, fmt.Errorf("activity tasks: %w", err)
	}
	if err := putMapRuns(ctx, tx, mapRuns); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
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
		rows pgx.Rows
		err  error
	)
	if params.Reverse {
		before := params.After
		if before <= 0 {
			before = 1<<63 - 1
		}
		rows, err = s.pool.Query(ctx, `
			SELECT first_id, idx, events FROM sfn_history
			WHERE execution = (SELECT pk FROM sfn_execution WHERE arn = $1) AND first_id < $2
			ORDER BY first_id DESC
			LIMIT $3`,
			params.ExecutionARN, before, page.Limit+1)
	} else {
		rows, err = s.pool.Query(ctx, `
			WITH e AS (SELECT pk FROM sfn_execution WHERE arn = $1)
			SELECT first_id, idx, events FROM sfn_history
			WHERE execution = (SELECT pk FROM e) AND first_id >= coalesce((
				SELECT max(first_id) FROM sfn_history WHERE execution = (SELECT pk FROM e) AND first_id <= $2), 0)
			ORDER BY first_id
			LIMIT $3`,
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
