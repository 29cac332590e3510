package pgstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/gureum-dev/gureum/internal/store"
)

const activityColumns = `arn, account, region, name, spec, version, created_at`

func scanActivity(row pgx.Row) (*store.ActivityRow, error) {
	var a store.ActivityRow
	if err := row.Scan(&a.ARN, &a.Account, &a.Region, &a.Name, &a.Spec, &a.Version, &a.CreatedAt); err != nil {
		return nil, interpretError(err)
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, nil
}

// ActivityCreate implements store.Store.
func (s *Store) ActivityCreate(ctx context.Context, params *store.ActivityCreateParams) (*store.ActivityRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanActivity(s.pool.QueryRow(ctx, `
		INSERT INTO sfn_activity (`+activityColumns+`)
		VALUES ($1, $2, $3, $4, $5, 1, $6)
		RETURNING `+activityColumns,
		params.ARN, params.Account, params.Region, params.Name, params.Spec, timeToDB(s.now())))
}

// ActivityDelete implements store.Store.
func (s *Store) ActivityDelete(ctx context.Context, params *store.ActivityDeleteParams) (*store.ActivityRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanActivity(s.pool.QueryRow(ctx, `
		DELETE FROM sfn_activity WHERE arn = $1 RETURNING `+activityColumns, params.ARN))
}

// ActivityGet implements store.Store.
func (s *Store) ActivityGet(ctx context.Context, params *store.ActivityGetParams) (*store.ActivityRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanActivity(s.pool.QueryRow(ctx, `
		SELECT `+activityColumns+` FROM sfn_activity WHERE arn = $1`, params.ARN))
}

// ActivityList implements store.Store.
func (s *Store) ActivityList(ctx context.Context, params *store.ActivityListParams) (*store.ActivityListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	rows, err := s.pool.Query(ctx, `
		SELECT `+activityColumns+`
		FROM sfn_activity
		WHERE account = $1 AND region = $2 AND name > $3
		ORDER BY name
		LIMIT $4`,
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

	a, err := scanActivity(s.pool.QueryRow(ctx, `
		UPDATE sfn_activity SET spec = $1, version = version + 1
		WHERE arn = $2 AND version = $3
		RETURNING `+activityColumns,
		params.Spec, params.ARN, params.ExpectedVersion))
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.missOrConflict(ctx, `SELECT EXISTS (SELECT 1 FROM sfn_activity WHERE arn = $1)`, params.ARN)
	}
	return a, err
}

const activityTaskColumns = `token, activity_arn, execution_arn, effect_id, input, scheduled_at, started_at, worker_name`

// ActivityTaskClaim implements store.Store: FOR UPDATE SKIP LOCKED keeps
// concurrent workers off each other's tasks.
func (s *Store) ActivityTaskClaim(ctx context.Context, params *store.ActivityTaskClaimParams) (*store.ActivityTaskRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	var (
		t       store.ActivityTaskRow
		started pgtype.Timestamptz
	)
	err := s.pool.QueryRow(ctx, `
		UPDATE sfn_activity_task SET started_at = $1, worker_name = $2
		WHERE seq = (
			SELECT seq FROM sfn_activity_task
			WHERE activity_arn = $3 AND started_at IS NULL
			ORDER BY scheduled_at, seq
			LIMIT 1
			FOR UPDATE SKIP LOCKED)
		RETURNING `+activityTaskColumns,
		timeToDB(params.Now), params.WorkerName, params.ActivityARN).Scan(
		&t.Token, &t.ActivityARN, &t.ExecutionARN, &t.EffectID, &t.Input, &t.ScheduledAt, &started, &t.WorkerName)
	if err != nil {
		return nil, interpretError(err)
	}
	t.ScheduledAt, t.StartedAt = t.ScheduledAt.UTC(), nullTimeFromDB(started)
	return &t, nil
}

// ActivityTaskDelete implements store.Store.
func (s *Store) ActivityTaskDelete(ctx context.Context, params *store.ActivityTaskDeleteParams) error {
	if err := s.gate.Enter(); err != nil {
		return err
	}
	defer s.gate.Exit()

	_, err := s.pool.Exec(ctx, `DELETE FROM sfn_activity_task WHERE token = $1`, params.Token)
	return interpretError(err)
}

// applyActivityTasks writes the activity task changes of the steps that
// applied (results[i] == nil) in tx.
func applyActivityTasks(ctx context.Context, tx pgx.Tx, steps []*store.HistoryStep, results []error) error {
	var (
		tokens, activities, executions, effects, inputs []string
		scheduled                                       []time.Time
		done, ended                                     []string
	)
	for i, step := range steps {
		if results[i] != nil {
			continue
		}
		executionARN := step.ExecutionARN
		if step.Create != nil {
			executionARN = step.Create.ARN
		}
		for _, t := range step.ActivityTasks {
			tokens, activities = append(tokens, t.Token), append(activities, t.ActivityARN)
			executions, effects = append(executions, executionARN), append(effects, t.EffectID)
			inputs, scheduled = append(inputs, t.Input), append(scheduled, timeToDB(t.ScheduledAt))
		}
		done = append(done, step.ActivityTasksDone...)
		if step.Status != "" && step.Status != store.ExecutionRunning {
			ended = append(ended, executionARN)
		}
	}
	if len(tokens) > 0 {
		if _, err := tx.Exec(ctx, `
			INSERT INTO sfn_activity_task (token, activity_arn, execution_arn, effect_id, input, scheduled_at)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
			ON CONFLICT (token) DO NOTHING`,
			tokens, activities, executions, effects, inputs, scheduled); err != nil {
			return interpretError(err)
		}
	}
	if len(done) > 0 || len(ended) > 0 {
		if _, err := tx.Exec(ctx, `
			DELETE FROM sfn_activity_task WHERE token = ANY($1) OR execution_arn = ANY($2)`,
			done, ended); err != nil {
			return interpretError(err)
		}
	}
	return nil
}
