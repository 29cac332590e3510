package sqlitestore

import (
	"context"
	"errors"

	"github.com/gureum-dev/gureum/internal/store"
)

const stateMachineColumns = `arn, account, region, name, type, spec, version, created_at, updated_at`

func scanStateMachine(row rowScanner) (*store.StateMachineRow, error) {
	var (
		sm                   store.StateMachineRow
		createdAt, updatedAt int64
	)
	err := row.Scan(&sm.ARN, &sm.Account, &sm.Region, &sm.Name, &sm.Type, &sm.Spec, &sm.Version,
		&createdAt, &updatedAt)
	if err != nil {
		return nil, interpretError(err)
	}
	sm.CreatedAt, sm.UpdatedAt = timeFromDB(createdAt), timeFromDB(updatedAt)
	return &sm, nil
}

// StateMachineCreate implements store.Store.
func (s *Store) StateMachineCreate(ctx context.Context, params *store.StateMachineCreateParams) (*store.StateMachineRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	now := timeToDB(s.now())
	return scanStateMachine(s.write.QueryRowContext(ctx, `
		INSERT INTO sfn_state_machine (`+stateMachineColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
		RETURNING `+stateMachineColumns,
		params.ARN, params.Account, params.Region, params.Name, string(params.Type), string(params.Spec),
		now, now))
}

// StateMachineDelete implements store.Store.
func (s *Store) StateMachineDelete(ctx context.Context, params *store.StateMachineDeleteParams) (*store.StateMachineRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanStateMachine(s.write.QueryRowContext(ctx, `
		DELETE FROM sfn_state_machine
		WHERE arn = ?
		RETURNING `+stateMachineColumns,
		params.ARN))
}

// StateMachineGet implements store.Store.
func (s *Store) StateMachineGet(ctx context.Context, params *store.StateMachineGetParams) (*store.StateMachineRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanStateMachine(s.read.QueryRowContext(ctx, `
		SELECT `+stateMachineColumns+`
		FROM sfn_state_machine
		WHERE arn = ?`,
		params.ARN))
}

// StateMachineList implements store.Store.
func (s *Store) StateMachineList(ctx context.Context, params *store.StateMachineListParams) (*store.StateMachineListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	rows, err := s.read.QueryContext(ctx, `
		SELECT `+stateMachineColumns+`
		FROM sfn_state_machine
		WHERE account = ? AND region = ? AND name > ?
		ORDER BY name
		LIMIT ?`,
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

	sm, err := scanStateMachine(s.write.QueryRowContext(ctx, `
		UPDATE sfn_state_machine
		SET spec = ?, version = version + 1, updated_at = ?
		WHERE arn = ? AND version = ?
		RETURNING `+stateMachineColumns,
		string(params.Spec), timeToDB(s.now()), params.ARN, params.ExpectedVersion))
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.missOrConflict(ctx, `SELECT 1 FROM sfn_state_machine WHERE arn = ?`, params.ARN)
	}
	return sm, err
}
