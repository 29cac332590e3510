package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/gureum-dev/gureum/internal/store"
)

const stateMachineColumns = `arn, account, region, name, type, spec, version, created_at, updated_at`

func scanStateMachine(row pgx.Row) (*store.StateMachineRow, error) {
	var (
		sm  store.StateMachineRow
		typ string
	)
	err := row.Scan(&sm.ARN, &sm.Account, &sm.Region, &sm.Name, &typ, &sm.Spec, &sm.Version,
		&sm.CreatedAt, &sm.UpdatedAt)
	if err != nil {
		return nil, interpretError(err)
	}
	sm.Type = store.StateMachineType(typ)
	sm.CreatedAt, sm.UpdatedAt = sm.CreatedAt.UTC(), sm.UpdatedAt.UTC()
	return &sm, nil
}

// StateMachineCreate implements store.Store.
func (s *Store) StateMachineCreate(ctx context.Context, params *store.StateMachineCreateParams) (*store.StateMachineRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	now := timeToDB(s.now())
	return scanStateMachine(s.pool.QueryRow(ctx, `
		INSERT INTO sfn_state_machine (`+stateMachineColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)
		RETURNING `+stateMachineColumns,
		params.ARN, params.Account, params.Region, params.Name, string(params.Type), params.Spec, now))
}

// StateMachineDelete implements store.Store.
func (s *Store) StateMachineDelete(ctx context.Context, params *store.StateMachineDeleteParams) (*store.StateMachineRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanStateMachine(s.pool.QueryRow(ctx, `
		DELETE FROM sfn_state_machine
		WHERE arn = $1
		RETURNING `+stateMachineColumns,
		params.ARN))
}

// StateMachineGet implements store.Store.
func (s *Store) StateMachineGet(ctx context.Context, params *store.StateMachineGetParams) (*store.StateMachineRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanStateMachine(s.pool.QueryRow(ctx, `
		SELECT `+stateMachineColumns+`
		FROM sfn_state_machine
		WHERE arn = $1`,
		params.ARN))
}

// StateMachineList implements store.Store.
func (s *Store) StateMachineList(ctx context.Context, params *store.StateMachineListParams) (*store.StateMachineListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	rows, err := s.pool.Query(ctx, `
		SELECT `+stateMachineColumns+`
		FROM sfn_state_machine
		WHERE account = $1 AND region = $2 AND name > $3
		ORDER BY name
		LIMIT $4`,
		params.Account, params.Region, params.After, limit+1)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()

	result := &store.StateMachineListResult{StateMachines: make([]*store.StateMachineRow, 0, min(limit+1, 64))}
	for rows.Next() {
		sm, err := scanStateMachine(rows)
		if err != nil {
			return nil, err
		}
		result.StateMachines = append(result.StateMachines, sm)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(result.StateMachines) > limit {
		result.StateMachines = result.StateMachines[:limit]
		result.Next = result.StateMachines[limit-1].Name
	}
	return result, nil
}

// StateMachineUpdate implements store.Store.
func (s *Store) StateMachineUpdate(ctx context.Context, params *store.StateMachineUpdateParams) (*store.StateMachineRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	sm, err := scanStateMachine(s.pool.QueryRow(ctx, `
		UPDATE sfn_state_machine
		SET spec = $1, version = version + 1, updated_at = $2
		WHERE arn = $3 AND version = $4
		RETURNING `+stateMachineColumns,
		params.Spec, timeToDB(s.now()), params.ARN, params.ExpectedVersion))
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.missOrConflict(ctx, `SELECT EXISTS (SELECT 1 FROM sfn_state_machine WHERE arn = $1)`, params.ARN)
	}
	return sm, err
}
