package pgstore

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/gureum-dev/gureum/internal/store"
)

const layerVersionColumns = `account, region, name, version, layer_arn, arn, spec, code_sha256,
	compatible_runtimes, compatible_architectures, revision, created_at, updated_at`

func scanLayerVersion(row pgx.Row) (*store.LayerVersionRow, error) {
	var v store.LayerVersionRow
	err := row.Scan(&v.Account, &v.Region, &v.Name, &v.Version, &v.LayerARN, &v.ARN, &v.Spec, &v.CodeSHA256,
		&v.CompatibleRuntimes, &v.CompatibleArchitectures, &v.Revision, &v.CreatedAt, &v.UpdatedAt)
	if err != nil {
		return nil, interpretError(err)
	}
	v.CompatibleRuntimes = nonNil(v.CompatibleRuntimes)
	v.CompatibleArchitectures = nonNil(v.CompatibleArchitectures)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return &v, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// layerFilterSQL is the WHERE clause of a LayerFilter on the table alias t,
// its placeholders numbered from n, with its arguments.
func layerFilterSQL(t string, f store.LayerFilter, n int) (string, []any) {
	sql, args := "", []any{}
	if f.CompatibleRuntime != "" {
		sql += ` AND $` + strconv.Itoa(n+len(args)) + ` = ANY(` + t + `.compatible_runtimes)`
		args = append(args, f.CompatibleRuntime)
	}
	if f.CompatibleArchitecture != "" {
		sql += ` AND $` + strconv.Itoa(n+len(args)) + ` = ANY(` + t + `.compatible_architectures)`
		args = append(args, f.CompatibleArchitecture)
	}
	return sql, args
}

// LayerVersionCreate implements store.Store.
func (s *Store) LayerVersionCreate(ctx context.Context, params *store.LayerVersionCreateParams) (*store.LayerVersionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, interpretError(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	// The upsert locks the layer's counter row until commit: concurrent
	// creates of one layer take turns and get distinct numbers.
	var version int64
	err = tx.QueryRow(ctx, `
		INSERT INTO lambda_layer (account, region, name, last_version) VALUES ($1, $2, $3, 1)
		ON CONFLICT (account, region, name) DO UPDATE SET last_version = lambda_layer.last_version + 1
		RETURNING last_version`,
		params.Account, params.Region, params.Name).Scan(&version)
	if err != nil {
		return nil, interpretError(err)
	}
	now := timeToDB(s.now())
	v, err := scanLayerVersion(tx.QueryRow(ctx, `
		INSERT INTO lambda_layer_version (`+layerVersionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)
		RETURNING `+layerVersionColumns,
		params.Account, params.Region, params.Name, version, params.LayerARN,
		params.LayerARN+":"+strconv.FormatInt(version, 10), params.Spec, params.CodeSHA256,
		nonNil(params.CompatibleRuntimes), nonNil(params.CompatibleArchitectures), now))
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, interpretError(err)
	}
	return v, nil
}

// LayerVersionDelete implements store.Store.
func (s *Store) LayerVersionDelete(ctx context.Context, params *store.LayerVersionGetParams) (*store.LayerVersionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanLayerVersion(s.pool.QueryRow(ctx, `
		DELETE FROM lambda_layer_version
		WHERE account = $1 AND region = $2 AND name = $3 AND version = $4
		RETURNING `+layerVersionColumns,
		params.Account, params.Region, params.Name, params.Version))
}

// LayerVersionGet implements store.Store.
func (s *Store) LayerVersionGet(ctx context.Context, params *store.LayerVersionGetParams) (*store.LayerVersionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanLayerVersion(s.pool.QueryRow(ctx, `
		SELECT `+layerVersionColumns+`
		FROM lambda_layer_version
		WHERE account = $1 AND region = $2 AND name = $3 AND version = $4`,
		params.Account, params.Region, params.Name, params.Version))
}

// LayerVersionList implements store.Store.
func (s *Store) LayerVersionList(ctx context.Context, params *store.LayerVersionListParams) (*store.LayerVersionListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	before := params.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	filter, fargs := layerFilterSQL("v", params.LayerFilter, 5)
	args := append([]any{params.Account, params.Region, params.Name, before}, fargs...)
	rows, err := s.pool.Query(ctx, `
		SELECT `+layerVersionColumns+`
		FROM lambda_layer_version v
		WHERE account = $1 AND region = $2 AND name = $3 AND version < $4`+filter+`
		ORDER BY version DESC
		LIMIT $`+strconv.Itoa(len(args)+1), append(args, limit+1)...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	result := &store.LayerVersionListResult{Versions: []*store.LayerVersionRow{}}
	for rows.Next() {
		v, err := scanLayerVersion(rows)
		if err != nil {
			return nil, err
		}
		result.Versions = append(result.Versions, v)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(result.Versions) > limit {
		result.Versions = result.Versions[:limit]
		result.Next = result.Versions[limit-1].Version
	}
	return result, nil
}

// LayerVersionUpdate implements store.Store.
func (s *Store) LayerVersionUpdate(ctx context.Context, params *store.LayerVersionUpdateParams) (*store.LayerVersionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	v, err := scanLayerVersion(s.pool.QueryRow(ctx, `
		UPDATE lambda_layer_version
		SET spec = $1, revision = revision + 1, updated_at = $2
		WHERE account = $3 AND region = $4 AND name = $5 AND version = $6 AND revision = $7
		RETURNING `+layerVersionColumns,
		params.Spec, timeToDB(s.now()),
		params.Account, params.Region, params.Name, params.Version, params.ExpectedRevision))
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.missOrConflict(ctx, `SELECT EXISTS (SELECT 1 FROM lambda_layer_version WHERE account = $1 AND region = $2 AND name = $3 AND version = $4)`,
			params.Account, params.Region, params.Name, params.Version)
	}
	return v, err
}

// LayerList implements store.Store.
func (s *Store) LayerList(ctx context.Context, params *store.LayerListParams) (*store.LayerListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	args := []any{params.Account, params.Region, params.After}
	outer, oargs := layerFilterSQL("v", params.LayerFilter, len(args)+1)
	args = append(args, oargs...)
	inner, iargs := layerFilterSQL("w", params.LayerFilter, len(args)+1)
	args = append(args, iargs...)
	rows, err := s.pool.Query(ctx, `
		SELECT `+layerVersionColumns+`
		FROM lambda_layer_version v
		WHERE account = $1 AND region = $2 AND name > $3`+outer+`
		AND version = (
			SELECT max(w.version) FROM lambda_layer_version w
			WHERE w.account = v.account AND w.region = v.region AND w.name = v.name`+inner+`)
		ORDER BY name
		LIMIT $`+strconv.Itoa(len(args)+1), append(args, limit+1)...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	result := &store.LayerListResult{Latest: []*store.LayerVersionRow{}}
	for rows.Next() {
		v, err := scanLayerVersion(rows)
		if err != nil {
			return nil, err
		}
		result.Latest = append(result.Latest, v)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(result.Latest) > limit {
		result.Latest = result.Latest[:limit]
		result.Next = result.Latest[limit-1].Name
	}
	return result, nil
}
