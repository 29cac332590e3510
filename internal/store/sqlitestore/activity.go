package sqlitestore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/gureum-dev/gureum/internal/store"
)

const activityColumns = `arn, account, region, name, spec, version, created_at`

func scanActivity(row rowScanner) (*store.ActivityRow, error) {
	var (
		a         store.ActivityRow
		createdAt int64
	)
	if err := row.Scan(&a.ARN, &a.Account, &a.Region, &a.Name, &a.Spec, &a.Version, &createdAt); err != nil {
		return nil, interpretError(err)
	}
	a.CreatedAt = timeFromDB(createdAt)
	return &a, nil
}

// ActivityCreate implements store.Store.
func (s *Store) ActivityCreate(ctx context.Context, params *store.ActivityCreateParams) (*store.ActivityRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanActivity(s.write.QueryRowContext(ctx, `
		INSERT INTO sfn_activity (`+activityColumns+`)
		VALUES (?, ?, ?, ?, ?, 1, ?)
		RETURNING `+activityColumns,
		params.ARN, params.Account, params.Region, params.Name, string(params.Spec), timeToDB(s.now())))
}

// ActivityDelete implements store.Store.
func (s *Store) ActivityDelete(ctx context.Context, params *store.ActivityDeleteParams) (*store.ActivityRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanActivity(s.write.QueryRowContext(ctx, `
		DELETE FROM sfn_activity WHERE arn = ? RETURNING `+activityColumns, params.ARN))
}

// ActivityGet implements store.Store.
func (s *Store) ActivityGet(ctx context.Context, params *store.ActivityGetParams) (*store.ActivityRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanActivity(s.read.QueryRowContext(ctx, `
		SELECT `+activityColumns+` FROM sfn_activity WHERE arn = ?`, params.ARN))
}

// ActivityList implements store.Store.
func (s *Store) ActivityList(ctx context.Context, params *store.ActivityListParams) (*store.ActivityListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	rows, err := s.read.QueryContext(ctx, `
		SELECT `+activityColumns+`
		FROM sfn_activity
		WHERE account = ? AND region = ? AND name > ?
		ORDER BY name
		LIMIT ?`,
		params.Account, params.Region, params.After, limit+1)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	result := &store.ActivityListResult{Activities: make([]*store.ActivityRow, 0, min(limit+1, 64))}
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, err
		}
		result.Activities = append(result.Activities, a)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(result.Activities) > limit {
		result.Activities = result.Activities[:limit]
		result.Next = result.Activities[limit-1].Name
	}
	return result, nil
}

// ActivityUpdate implements store.Store.
func (s *Store) ActivityUpdate(ctx context.Context, params *store.ActivityUpdateParams) (*store.ActivityRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	a, err := scanActivity(s.write.QueryRowContext(ctx, `
		UPDATE sfn_activity SET spec = ?, version = version + 1
		WHERE arn = ? AND version = ?
		RETURNING `+activityColumns,
		string(params.Spec), params.ARN, params.ExpectedVersion))
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.missOrConflict(ctx, `SELECT 1 FROM sfn_activity WHERE arn = ?`, params.ARN)
	}
	return a, err
}

const activityTaskColumns = `token, activity_arn, execution_arn, effect_id, input, scheduled_at, started_at, worker_name`

// ActivityTaskClaim implements store.Store. The single writer connection
// serializes claims.
func (s *Store) ActivityTaskClaim(ctx context.Context, params *store.ActivityTaskClaimParams) (*store.ActivityTaskRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	var (
		t         store.ActivityTaskRow
		scheduled int64
		started   sql.NullInt64
	)
	err := s.write.QueryRowContext(ctx, `
		UPDATE sfn_activity_task SET started_at = ?, worker_name = ?
		WHERE seq = (
			SELECT seq FROM sfn_activity_task
			WHERE activity_arn = ? AND started_at IS NULL
			ORDER BY scheduled_at, seq
			LIMIT 1)
		RETURNING `+activityTaskColumns,
		timeToDB(params.Now), params.WorkerName, params.ActivityARN).Scan(
		&t.Token, &t.ActivityARN, &t.ExecutionARN, &t.EffectID, &t.Input, &scheduled, &started, &t.WorkerName)
	if err != nil {
		return nil, interpretError(err)
	}
	t.ScheduledAt, t.StartedAt = timeFromDB(scheduled), nullTimeFromDB(started)
	return &t, nil
}

// ActivityTaskDelete implements store.Store.
func (s *Store) ActivityTaskDelete(ctx context.Context, params *store.ActivityTaskDeleteParams) error {
	if err := s.gate.Enter(); err != nil {
		return err
	}
	defer s.gate.Exit()

	_, err := s.write.ExecContext(ctx, `DELETE FROM sfn_activity_task WHERE token = ?`, params.Token)
	return interpretError(err)
}

// applyActivityTasks writes a step's activity task changes in tx (the step
// has applied).
func applyActivityTasks(ctx context.Context, tx *sql.Tx, step *store.HistoryStep) error {
	executionARN := step.ExecutionARN
	if step.Create != nil {
		executionARN = step.Create.ARN
	}
	for _, t := range step.ActivityTasks {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO sfn_activity_task (token, activity_arn, execution_arn, effect_id, input, scheduled_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (token) DO NOTHING`,
			t.Token, t.ActivityARN, executionARN, t.EffectID, t.Input, timeToDB(t.ScheduledAt)); err != nil {
			return interpretError(err)
		}
	}
	for _, token := range step.ActivityTasksDone {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sfn_activity_task WHERE token = ?`, token); err != nil {
			return interpretError(err)
		}
	}
	if step.Status != "" && step.Status != store.ExecutionRunning {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sfn_activity_task WHERE execution_arn = ?`, executionARN); err != nil {
			return interpretError(err)
		}
	}
	return nil
}
