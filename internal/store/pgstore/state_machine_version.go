package pgstore

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/gureum-dev/gureum/internal/store"
)

// missingParent maps a foreign key violation (the state machine a version
// or alias belongs to does not exist) to store.ErrNotFound.
func missingParent(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" { // foreign_key_violation
		return store.ErrNotFound
	}
	return err
}

const versionColumns = `arn, state_machine_arn, number, spec, created_at`

func scanVersion(row pgx.Row) (*store.StateMachineVersionRow, error) {
	var v store.StateMachineVersionRow
	if err := row.Scan(&v.ARN, &v.StateMachineARN, &v.Number, &v.Spec, &v.CreatedAt); err != nil {
		return nil, interpretError(missingParent(err))
	}
	v.CreatedAt = v.CreatedAt.UTC()
	return &v, nil
}

// StateMachineVersionCreate implements store.Store.
func (s *Store) StateMachineVersionCreate(ctx context.Context, params *store.StateMachineVersionCreateParams) (*store.StateMachineVersionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanVersion(s.pool.QueryRow(ctx, `
		INSERT INTO sfn_state_machine_version (`+versionColumns+`)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING `+versionColumns,
		params.ARN, params.StateMachineARN, params.Number, params.Spec, timeToDB(s.now())))
}

// StateMachineVersionGet implements store.Store.
func (s *Store) StateMachineVersionGet(ctx context.Context, params *store.StateMachineVersionGetParams) (*store.StateMachineVersionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanVersion(s.pool.QueryRow(ctx, `
		SELECT `+versionColumns+` FROM sfn_state_machine_version WHERE arn = $1`, params.ARN))
}

// StateMachineVersionDelete implements store.Store.
func (s *Store) StateMachineVersionDelete(ctx context.Context, params *store.StateMachineVersionDeleteParams) (*store.StateMachineVersionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanVersion(s.pool.QueryRow(ctx, `
		DELETE FROM sfn_state_machine_version WHERE arn = $1 RETURNING `+versionColumns, params.ARN))
}

// StateMachineVersionList implements store.Store.
func (s *Store) StateMachineVersionList(ctx context.Context, params *store.StateMachineVersionListParams) (*store.StateMachineVersionListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	before := params.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.pool.Query(ctx, `
		SELECT `+versionColumns+` FROM sfn_state_machine_version
		WHERE state_machine_arn = $1 AND number < $2
		ORDER BY number DESC
		LIMIT $3`, params.StateMachineARN, before, limit+1)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	res := &store.StateMachineVersionListResult{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		res.Versions = append(res.Versions, v)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(res.Versions) > limit {
		res.Versions = res.Versions[:limit]
		res.Next = res.Versions[limit-1].Number
	}
	return res, nil
}

const aliasColumns = `arn, state_machine_arn, name, spec, version, created_at, updated_at`

func scanAlias(row pgx.Row) (*store.StateMachineAliasRow, error) {
	var a store.StateMachineAliasRow
	if err := row.Scan(&a.ARN, &a.StateMachineARN, &a.Name, &a.Spec, &a.Version, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, interpretError(missingParent(err))
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

// StateMachineAliasCreate implements store.Store.
func (s *Store) StateMachineAliasCreate(ctx context.Context, params *store.StateMachineAliasCreateParams) (*store.StateMachineAliasRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	now := timeToDB(s.now())
	return scanAlias(s.pool.QueryRow(ctx, `
		INSERT INTO sfn_state_machine_alias (`+aliasColumns+`)
		VALUES ($1, $2, $3, $4, 1, $5, $5)
		RETURNING `+aliasColumns,
		params.ARN, params.StateMachineARN, params.Name, params.Spec, now))
}

// StateMachineAliasGet implements store.Store.
func (s *Store) StateMachineAliasGet(ctx context.Context, params *store.StateMachineAliasGetParams) (*store.StateMachineAliasRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanAlias(s.pool.QueryRow(ctx, `
		SELECT `+aliasColumns+` FROM sfn_state_machine_alias WHERE arn = $1`, params.ARN))
}

// StateMachineAliasUpdate implements store.Store.
func (s *Store) StateMachineAliasUpdate(ctx context.Context, params *store.StateMachineAliasUpdateParams) (*store.StateMachineAliasRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	a, err := scanAlias(s.pool.QueryRow(ctx, `
		UPDATE sfn_state_machine_alias SET spec = $1, version = version + 1, updated_at = $2
		WHERE arn = $3 AND version = $4
		RETURNING `+aliasColumns,
		params.Spec, timeToDB(s.now()), params.ARN, params.ExpectedVersion))
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.missOrConflict(ctx, `SELECT EXISTS (SELECT 1 FROM sfn_state_machine_alias WHERE arn = $1)`, params.ARN)
	}
	return a, err
}

// StateMachineAliasDelete implements store.Store.
func (s *Store) StateMachineAliasDelete(ctx context.Context, params *store.StateMachineAliasDeleteParams) (*store.StateMachineAliasRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanAlias(s.pool.QueryRow(ctx, `
		DELETE FROM sfn_state_machine_alias WHERE arn = $1 RETURNING `+aliasColumns, params.ARN))
}

// StateMachineAliasList implements store.Store.
func (s *Store) StateMachineAliasList(ctx context.Context, params *store.StateMachineAliasListParams) (*store.StateMachineAliasListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	query := `SELECT ` + aliasColumns + ` FROM sfn_state_machine_alias WHERE state_machine_arn = $1`
	args := []any{params.StateMachineARN}
	if params.After != "" {
		t, arn, err := store.ParseTimeCursor(params.After)
		if err != nil {
			return nil, err
		}
		query += ` AND (created_at < $2 OR (created_at = $2 AND arn < $3))`
		args = append(args, t, arn)
	}
	args = append(args, limit+1)
	rows, err := s.pool.Query(ctx, query+` ORDER BY created_at DESC, arn DESC LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	res := &store.StateMachineAliasListResult{}
	for rows.Next() {
		a, err := scanAlias(rows)
		if err != nil {
			return nil, err
		}
		res.Aliases = append(res.Aliases, a)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(res.Aliases) > limit {
		res.Aliases = res.Aliases[:limit]
		last := res.Aliases[limit-1]
		res.Next = store.TimeCursor(last.CreatedAt, last.ARN)
	}
	return res, nil
}

const mapRunColumns = `arn, execution_arn, state_machine_arn, status, start_date, stop_date, spec`

func scanMapRun(row pgx.Row) (*store.MapRunRow, error) {
	var (
		m        store.MapRunRow
		status   string
		stopDate pgtype.Timestamptz
	)
	if err := row.Scan(&m.ARN, &m.ExecutionARN, &m.StateMachineARN, &status, &m.StartDate, &stopDate, &m.Spec); err != nil {
		return nil, interpretError(err)
	}
	m.Status, m.StartDate, m.StopDate = store.MapRunStatus(status), m.StartDate.UTC(), nullTimeFromDB(stopDate)
	return &m, nil
}

// putMapRuns inserts or replaces map run rows inside a HistoryAppend
// transaction.
func putMapRuns(ctx context.Context, tx pgx.Tx, runs []*store.MapRunRow) error {
	for _, m := range runs {
		if _, err := tx.Exec(ctx, `
			INSERT INTO sfn_map_run (`+mapRunColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (arn) DO UPDATE SET status = excluded.status, start_date = excluded.start_date,
				stop_date = excluded.stop_date, spec = excluded.spec`,
			m.ARN, m.ExecutionARN, m.StateMachineARN, string(m.Status), timeToDB(m.StartDate),
			nullTimeToDB(m.StopDate), m.Spec); err != nil {
			return interpretError(err)
		}
	}
	return nil
}

// MapRunGet implements store.Store.
func (s *Store) MapRunGet(ctx context.Context, params *store.MapRunGetParams) (*store.MapRunRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanMapRun(s.pool.QueryRow(ctx, `SELECT `+mapRunColumns+` FROM sfn_map_run WHERE arn = $1`, params.ARN))
}

// MapRunList implements store.Store.
func (s *Store) MapRunList(ctx context.Context, params *store.MapRunListParams) (*store.MapRunListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	query := `SELECT ` + mapRunColumns + ` FROM sfn_map_run WHERE execution_arn = $1`
	args := []any{params.ExecutionARN}
	if params.After != "" {
		t, arn, err := store.ParseTimeCursor(params.After)
		if err != nil {
			return nil, err
		}
		query += ` AND (start_date < $2 OR (start_date = $2 AND arn < $3))`
		args = append(args, t, arn)
	}
	args = append(args, limit+1)
	rows, err := s.pool.Query(ctx, query+` ORDER BY start_date DESC, arn DESC LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	res := &store.MapRunListResult{}
	for rows.Next() {
		m, err := scanMapRun(rows)
		if err != nil {
			return nil, err
		}
		res.MapRuns = append(res.MapRuns, m)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(res.MapRuns) > limit {
		res.MapRuns = res.MapRuns[:limit]
		last := res.MapRuns[limit-1]
		res.Next = store.TimeCursor(last.StartDate, last.ARN)
	}
	return res, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
