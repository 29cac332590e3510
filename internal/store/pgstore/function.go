package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/gureum-dev/gureum/internal/store"
)

const functionColumns = `account, region, name, arn, spec, code_sha256, revision_id, version, created_at, updated_at`

func scanFunction(row pgx.Row) (*store.FunctionRow, error) {
	var f store.FunctionRow
	err := row.Scan(&f.Account, &f.Region, &f.Name, &f.ARN, &f.Spec, &f.CodeSHA256, &f.RevisionID,
		&f.Version, &f.CreatedAt, &f.UpdatedAt)
	if err != nil {
		return nil, interpretError(err)
	}
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return &f, nil
}

// FunctionCreate implements store.Store.
func (s *Store) FunctionCreate(ctx context.Context, params *store.FunctionCreateParams) (*store.FunctionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	now := timeToDB(s.now())
	return scanFunction(s.pool.QueryRow(ctx, `
		INSERT INTO lambda_function (`+functionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)
		RETURNING `+functionColumns,
		params.Account, params.Region, params.Name, params.ARN, params.Spec,
		params.CodeSHA256, params.RevisionID, now))
}

// FunctionDelete implements store.Store.
func (s *Store) FunctionDelete(ctx context.Context, params *store.FunctionDeleteParams) (*store.FunctionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanFunction(s.pool.QueryRow(ctx, `
		DELETE FROM lambda_function
		WHERE account = $1 AND region = $2 AND name = $3
		RETURNING `+functionColumns,
		params.Account, params.Region, params.Name))
}

// FunctionGet implements store.Store.
func (s *Store) FunctionGet(ctx context.Context, params *store.FunctionGetParams) (*store.FunctionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanFunction(s.pool.QueryRow(ctx, `
		SELECT `+functionColumns+`
		FROM lambda_function
		WHERE account = $1 AND region = $2 AND name = $3`,
		params.Account, params.Region, params.Name))
}

// FunctionList implements store.Store.
func (s *Store) FunctionList(ctx context.Context, params *store.FunctionListParams) (*store.FunctionListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	rows, err := s.pool.Query(ctx, `
		SELECT `+functionColumns+`
		FROM lambda_function
		WHERE account = $1 AND region = $2 AND name > $3
		ORDER BY name
		LIMIT $4`,
		params.Account, params.Region, params.After, limit+1)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()

	result := &store.FunctionListResult{Functions: make([]*store.FunctionRow, 0, min(limit+1, 64))}
	for rows.Next() {
		f, err := scanFunction(rows)
		if err != nil {
			return nil, err
		}
		result.Functions = append(result.Functions, f)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(result.Functions) > limit {
		result.Functions = result.Functions[:limit]
		result.Next = result.Functions[limit-1].Name
	}
	return result, nil
}

// FunctionUpdate implements store.Store.
func (s *Store) FunctionUpdate(ctx context.Context, params *store.FunctionUpdateParams) (*store.FunctionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	f, err := scanFunction(s.pool.QueryRow(ctx, `
		UPDATE lambda_function
		SET spec = $1, code_sha256 = $2, revision_id = $3, version = version + 1, updated_at = $4
		WHERE account = $5 AND region = $6 AND name = $7 AND version = $8
		RETURNING `+functionColumns,
		params.Spec, params.CodeSHA256, params.RevisionID, timeToDB(s.now()),
		params.Account, params.Region, params.Name, params.ExpectedVersion))
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.missOrConflict(ctx, `SELECT EXISTS (SELECT 1 FROM lambda_function WHERE account = $1 AND region = $2 AND name = $3)`,
			params.Account, params.Region, params.Name)
	}
	return f, err
}

// missOrConflict explains why a versioned update matched no row: ErrConflict
// if the row (tested by the EXISTS query) is there, else ErrNotFound.
func (s *Store) missOrConflict(ctx context.Context, query string, args ...any) error {
	var exists bool
	if err := s.pool.QueryRow(ctx, query, args...).Scan(&exists); err != nil {
		return interpretError(err)
	}
	if exists {
		return store.ErrConflict
	}
	return store.ErrNotFound
}
