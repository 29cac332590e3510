package sqlitestore

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/gureum-dev/gureum/internal/store"
)

const layerVersionColumns = `account, region, name, version, layer_arn, arn, spec, code_sha256,
	compatible_runtimes, compatible_architectures, revision, created_at, updated_at`

func scanLayerVersion(row rowScanner) (*store.LayerVersionRow, error) {
	var (
		v                    store.LayerVersionRow
		runtimes, archs      string
		createdAt, updatedAt int64
	)
	err := row.Scan(&v.Account, &v.Region, &v.Name, &v.Version, &v.LayerARN, &v.ARN, &v.Spec, &v.CodeSHA256,
		&runtimes, &archs, &v.Revision, &createdAt, &updatedAt)
	if err != nil {
		return nil, interpretError(err)
	}
	if err := json.Unmarshal([]byte(runtimes), &v.CompatibleRuntimes); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(archs), &v.CompatibleArchitectures); err != nil {
		return nil, err
	}
	v.CompatibleRuntimes = nonNil(v.CompatibleRuntimes)
	v.CompatibleArchitectures = nonNil(v.CompatibleArchitectures)
	v.CreatedAt, v.UpdatedAt = timeFromDB(createdAt), timeFromDB(updatedAt)
	return &v, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func jsonList(s []string) string {
	b, _ := json.Marshal(nonNil(s))
	return string(b)
}

// layerFilterSQL is the WHERE clause of a LayerFilter on the table alias t,
// with its arguments.
func layerFilterSQL(t string, f store.LayerFilter) (string, []any) {
	sql, args := "", []any{}
	if f.CompatibleRuntime != "" {
		sql += ` AND EXISTS (SELECT 1 FROM json_each(` + t + `.compatible_runtimes) WHERE value = ?)`
		args = append(args, f.CompatibleRuntime)
	}
	if f.CompatibleArchitecture != "" {
		sql += ` AND EXISTS (SELECT 1 FROM json_each(` + t + `.compatible_architectures) WHERE value = ?)`
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

	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, interpretError(err)
	}
	defer func() { _ = tx.Rollback() }()
	var version int64
	err = tx.QueryRowContext(ctx, `
		INSERT INTO lambda_layer (account, region, name, last_version) VALUES (?, ?, ?, 1)
		ON CONFLICT (account, region, name) DO UPDATE SET last_version = last_version + 1
		RETURNING last_version`,
		params.Account, params.Region, params.Name).Scan(&version)
	if err != nil {
		return nil, interpretError(err)
	}
	now := timeToDB(s.now())
	v, err := scanLayerVersion(tx.QueryRowContext(ctx, `
		INSERT INTO lambda_layer_version (`+layerVersionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
		RETURNING `+layerVersionColumns,
		params.Account, params.Region, params.Name, version, params.LayerARN,
		params.LayerARN+":"+strconv.FormatInt(version, 10), string(params.Spec), params.CodeSHA256,
		jsonList(params.CompatibleRuntimes), jsonList(params.CompatibleArchitectures), now, now))
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
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

	return scanLayerVersion(s.write.QueryRowContext(ctx, `
		DELETE FROM lambda_layer_version
		WHERE account = ? AND region = ? AND name = ? AND version = ?
		RETURNING `+layerVersionColumns,
		params.Account, params.Region, params.Name, params.Version))
}

// LayerVersionGet implements store.Store.
func (s *Store) LayerVersionGet(ctx context.Context, params *store.LayerVersionGetParams) (*store.LayerVersionRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	return scanLayerVersion(s.read.QueryRowContext(ctx, `
		SELECT `+layerVersionColumns+`
		FROM lambda_layer_version
		WHERE account = ? AND region = ? AND name = ? AND version = ?`,
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
	filter, fargs := layerFilterSQL("v", params.LayerFilter)
	args := append([]any{params.Account, params.Region, params.Name, before}, fargs...)
	rows, err := s.read.QueryContext(ctx, `
		SELECT `+layerVersionColumns+`
		FROM lambda_layer_version v
		WHERE account = ? AND region = ? AND name = ? AND version < ?`+filter+`
		ORDER BY version DESC
		LIMIT ?`, append(args, limit+1)...)
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

	v, err := scanLayerVersion(s.write.QueryRowContext(ctx, `
		UPDATE lambda_layer_version
		SET spec = ?, revision = revision + 1, updated_at = ?
		WHERE account = ? AND region = ? AND name = ? AND version = ? AND revision = ?
		RETURNING `+layerVersionColumns,
		string(params.Spec), timeToDB(s.now()),
		params.Account, params.Region, params.Name, params.Version, params.ExpectedRevision))
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.missOrConflict(ctx, `SELECT 1 FROM lambda_layer_version WHERE account = ? AND region = ? AND name = ? AND version = ?`,
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
	outer, oargs := layerFilterSQL("v", params.LayerFilter)
	inner, iargs := layerFilterSQL("w", params.LayerFilter)
	args := append([]any{params.Account, params.Region, params.After}, oargs...)
	args = append(args, iargs...)
	rows, err := s.read.QueryContext(ctx, `
		SELECT `+layerVersionColumns+`
		FROM lambda_layer_version v
		WHERE account = ? AND region = ? AND name > ?`+outer+`
		AND version = (
			SELECT max(w.version) FROM lambda_layer_version w
			WHERE w.account = v.account AND w.region = v.region AND w.name = v.name`+inner+`)
		ORDER BY name
		LIMIT ?`, append(args, limit+1)...)
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
