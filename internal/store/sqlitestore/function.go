package sqlitestore

import (
	"context"
	"errors"

	"github.com/gureum-dev/gureum/internal/store"
)

const functionColumns = `account, region, name, arn, spec, code_sha256, revision_id, version, created_at, updated_at`

func scanFunction(row rowScanner) (*store.FunctionRow, error) {
	var (
		f                    store.FunctionRow
		createdAt, updatedAt int64
	)
	err := row.Scan(&f.Account, &f.Region, &f.Name, &f.ARN, &f.Spec, &f.CodeSHA256, &f.RevisionID,
		&f.Version, &createdAt, &updatedAt)
	if err != nil {
		return nil, interpretError(err)
	}
	f.CreatedAt, f.UpdatedAt = timeFromDB(createdAt), timeFromDB(updatedAt)
	return &f, nil
}

// FunctionCreate implements store.Store.
func (s *Store) FunctionCreate(ctx context.Context, params *store.FunctionCreateParams) (*store.FunctionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	now := timeToDB(s.now())
	return scanFunction(s.write.QueryRowContext(ctx, `
		INSERT INTO lambda_function (`+functionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
		RETURNING `+functionColumns,
		params.Account, params.Region, params.Name, params.ARN, string(params.Spec),
		params.CodeSHA256, params.RevisionID, now, now))
}

// FunctionDelete implements store.Store.
func (s *Store) FunctionDelete(ctx context.Context, params *store.FunctionDeleteParams) (*store.FunctionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanFunction(s.write.QueryRowContext(ctx, `
		DELETE FROM lambda_function
		WHERE account = ? AND region = ? AND name = ?
		RETURNING `+functionColumns,
		params.Account, params.Region, params.Name))
}

// FunctionGet implements store.Store.
func (s *Store) FunctionGet(ctx context.Context, params *store.FunctionGetParams) (*store.FunctionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanFunction(s.read.QueryRowContext(ctx, `
		SELECT `+functionColumns+`
		FROM lambda_function
		WHERE account = ? AND region = ? AND name = ?`,
		params.Account, params.Region, params.Name))
}

// FunctionList implements store.Store.
func (s *Store) FunctionList(ctx context.Context, params *store.FunctionListParams) (*store.FunctionListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	rows, err := s.read.QueryContext(ctx, `
		SELECT `+functionColumns+`
		FROM lambda_function
		WHERE account = ? AND region = ? AND name > ?
		ORDER BY name
		LIMIT ?`,
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

	f, err := scanFunction(s.write.QueryRowContext(ctx, `
		UPDATE lambda_function
		SET spec = ?, code_sha256 = ?, revision_id = ?, version = version + 1, updated_at = ?
		WHERE account = ? AND region = ? AND name = ? AND version = ?
		RETURNING `+functionColumns,
		string(params.Spec), params.CodeSHA256, params.RevisionID, timeToDB(s.now()),
		params.Account, params.Region, params.Name, params.ExpectedVersion))
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.missOrConflict(ctx, `SELECT 1 FROM lambda_function WHERE account = ? AND region = ? AND name = ?`,
			params.Account, params.Region, params.Name)
	}
	return f, err
}

// missOrConflict explains why a versioned update matched no row: ErrConflict
// if the row (selected by query) exists, else ErrNotFound. It asks the writer,
// which has seen every write.
func (s *Store) missOrConflict(ctx context.Context, query string, args ...any) error {
	var one int
	err := interpretError(s.write.QueryRowContext(ctx, query, args...).Scan(&one))
	if err == nil {
		return store.ErrConflict
	}
	return err
}
