package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gureum-dev/gureum/internal/store"
)

// LogGroupCreate implements store.Store.
func (s *Store) LogGroupCreate(ctx context.Context, params *store.LogGroupCreateParams) (*store.LogGroupRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	g := &store.LogGroupRow{Account: params.Account, Region: params.Region, Name: params.Name}
	var created int64
	err := s.write.QueryRowContext(ctx, `
		INSERT INTO log_group (account, region, name, created_at) VALUES (?, ?, ?, ?)
		RETURNING created_at`,
		params.Account, params.Region, params.Name, timeToDB(s.now())).Scan(&created)
	if err != nil {
		return nil, interpretError(err)
	}
	g.CreatedAt = timeFromDB(created)
	return g, nil
}

// LogGroupDelete implements store.Store. Streams and events go with the
// group (ON DELETE CASCADE).
func (s *Store) LogGroupDelete(ctx context.Context, params *store.LogGroupDeleteParams) error {
	if err := s.gate.Enter(); err != nil {
		return err
	}
	defer s.gate.Exit()

	res, err := s.write.ExecContext(ctx, `DELETE FROM log_group WHERE account = ? AND region = ? AND name = ?`,
		params.Account, params.Region, params.Name)
	if err != nil {
		return interpretError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrLogGroupNotFound
	}
	return nil
}

const logGroupColumns = `account, region, name, created_at, stored_bytes`

func scanLogGroup(row rowScanner) (*store.LogGroupRow, error) {
	var (
		g       store.LogGroupRow
		created int64
	)
	if err := row.Scan(&g.Account, &g.Region, &g.Name, &created, &g.StoredBytes); err != nil {
		return nil, interpretError(err)
	}
	g.CreatedAt = timeFromDB(created)
	return &g, nil
}

// LogGroupGet implements store.Store.
func (s *Store) LogGroupGet(ctx context.Context, params *store.LogGroupGetParams) (*store.LogGroupRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	g, err := scanLogGroup(s.read.QueryRowContext(ctx, `SELECT `+logGroupColumns+` FROM log_group
		WHERE account = ? AND region = ? AND name = ?`, params.Account, params.Region, params.Name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, store.ErrLogGroupNotFound
	}
	return g, err
}

// LogGroupList implements store.Store.
func (s *Store) LogGroupList(ctx context.Context, params *store.LogGroupListParams) (*store.LogGroupListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	limit := store.ListLimit(params.Limit)
	rows, err := s.read.QueryContext(ctx, `
		SELECT `+logGroupColumns+` FROM log_group
		WHERE account = ? AND region = ? AND name > ? AND name >= ? AND substr(name, 1, length(?)) = ?
		ORDER BY name
		LIMIT ?`,
		params.Account, params.Region, params.After, params.Prefix, params.Prefix, params.Prefix, limit+1)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	res := &store.LogGroupListResult{}
	for rows.Next() {
		g, err := scanLogGroup(rows)
		if err != nil {
			return nil, err
		}
		res.Groups = append(res.Groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(res.Groups) > limit {
		res.Groups = res.Groups[:limit]
		res.Next = res.Groups[limit-1].Name
	}
	return res, nil
}

// groupPK returns a log group's key, or ErrLogGroupNotFound.
func groupPK(ctx context.Context, q querier, account, region, name string) (int64, error) {
	var pk int64
	err := q.QueryRowContext(ctx, `SELECT pk FROM log_group WHERE account = ? AND region = ? AND name = ?`,
		account, region, name).Scan(&pk)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.ErrLogGroupNotFound
	}
	return pk, interpretError(err)
}

// querier is *sql.DB or *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// LogStreamCreate implements store.Store.
func (s *Store) LogStreamCreate(ctx context.Context, params *store.LogStreamCreateParams) (*store.LogStreamRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, interpretError(err)
	}
	defer func() { _ = tx.Rollback() }()
	pk, err := groupPK(ctx, tx, params.Account, params.Region, params.Group)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO log_stream (grp, name, created_at) VALUES (?, ?, ?)`,
		pk, params.Name, timeToDB(now)); err != nil {
		return nil, interpretError(err)
	}
	if err := tx.Commit(); err != nil {
		return nil, interpretError(err)
	}
	return &store.LogStreamRow{Group: params.Group, Name: params.Name, CreatedAt: timeFromDB(timeToDB(now))}, nil
}

// LogStreamDelete implements store.Store.
func (s *Store) LogStreamDelete(ctx context.Context, params *store.LogStreamDeleteParams) error {
	if err := s.gate.Enter(); err != nil {
		return err
	}
	defer s.gate.Exit()

	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return interpretError(err)
	}
	defer func() { _ = tx.Rollback() }()
	pk, err := groupPK(ctx, tx, params.Account, params.Region, params.Group)
	if err != nil {
		return err
	}
	var (
		spk         int64
		count, size int64
	)
	err = tx.QueryRowContext(ctx, `SELECT pk FROM log_stream WHERE grp = ? AND name = ?`, pk, params.Name).Scan(&spk)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrLogStreamNotFound
	}
	if err != nil {
		return interpretError(err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(CAST(message AS BLOB))), 0) FROM log_event WHERE stream = ?`,
		spk).Scan(&count, &size); err != nil {
		return interpretError(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM log_stream WHERE pk = ?`, spk); err != nil {
		return interpretError(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE log_group SET event_count = event_count - ?, stored_bytes = stored_bytes - ? WHERE pk = ?`,
		count, size, pk); err != nil {
		return interpretError(err)
	}
	return interpretError(tx.Commit())
}

// LogStreamList implements store.Store.
func (s *Store) LogStreamList(ctx context.Context, params *store.LogStreamListParams) (*store.LogStreamListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	pk, err := groupPK(ctx, s.read, params.Account, params.Region, params.Group)
	if err != nil {
		return nil, err
	}
	limit := store.ListLimit(params.Limit)
	where := []string{"grp = ?"}
	args := []any{pk}
	if params.Prefix != "" {
		where = append(where, "substr(name, 1, length(?)) = ?")
		args = append(args, params.Prefix, params.Prefix)
	}
	cmp, dir := ">", ""
	if params.Descending {
		cmp, dir = "<", " DESC"
	}
	order := "name" + dir
	if params.ByLastEvent {
		order = "last_event" + dir + ", name" + dir
	}
	if params.After != "" {
		if params.ByLastEvent {
			ts, name, err := parseStreamCursor(params.After)
			if err != nil {
				return nil, err
			}
			where = append(where, "(last_event, name) "+cmp+" (?, ?)")
			args = append(args, ts, name)
		} else {
			where = append(where, "name "+cmp+" ?")
			args = append(args, params.After)
		}
	}
	args = append(args, limit+1)
	rows, err := s.read.QueryContext(ctx, `
		SELECT name, created_at, first_event, last_event, last_ingestion FROM log_stream
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY `+order+`
		LIMIT ?`, args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	res := &store.LogStreamListResult{}
	for rows.Next() {
		st := &store.LogStreamRow{Group: params.Group}
		var created int64
		if err := rows.Scan(&st.Name, &created, &st.FirstEventTime, &st.LastEventTime, &st.LastIngestionAt); err != nil {
			return nil, interpretError(err)
		}
		st.CreatedAt = timeFromDB(created)
		res.Streams = append(res.Streams, st)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(res.Streams) > limit {
		res.Streams = res.Streams[:limit]
		last := res.Streams[limit-1]
		res.Next = last.Name
		if params.ByLastEvent {
			res.Next = strconv.FormatInt(last.LastEventTime, 10) + ":" + last.Name
		}
	}
	return res, nil
}

// parseStreamCursor reads a LastEventTime-ordered cursor: "millis:name".
func parseStreamCursor(c string) (int64, string, error) {
	ts, name, ok := strings.Cut(c, ":")
	n, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil {
		return 0, "", fmt.Errorf("log stream cursor %q: %w", c, store.ErrNotFound)
	}
	return n, name, nil
}

// LogEventsPut implements store.Store: one IMMEDIATE transaction on the
// single writer for every batch.
func (s *Store) LogEventsPut(ctx context.Context, params *store.LogEventsPutParams) error {
	if err := s.gate.Enter(); err != nil {
		return err
	}
	defer s.gate.Exit()

	maxEvents := int64(params.MaxGroupEvents)
	if maxEvents <= 0 {
		maxEvents = store.DefaultLogGroupMaxEvents
	}
	now := s.now()
	ingested := now.UnixMilli()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return interpretError(err)
	}
	defer func() { _ = tx.Rollback() }()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO log_event (grp, stream, ts, ingested, message) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return interpretError(err)
	}
	defer insert.Close()

	touched := map[int64]bool{}
	for i := range params.Batches {
		b := &params.Batches[i]
		gpk, err := groupPK(ctx, tx, b.Account, b.Region, b.Group)
		if errors.Is(err, store.ErrLogGroupNotFound) && params.Create {
			err = tx.QueryRowContext(ctx, `INSERT INTO log_group (account, region, name, created_at) VALUES (?, ?, ?, ?) RETURNING pk`,
				b.Account, b.Region, b.Group, timeToDB(now)).Scan(&gpk)
			err = interpretError(err)
		}
		if err != nil {
			return err
		}
		var spk int64
		err = tx.QueryRowContext(ctx, `SELECT pk FROM log_stream WHERE grp = ? AND name = ?`, gpk, b.Stream).Scan(&spk)
		if errors.Is(err, sql.ErrNoRows) {
			if !params.Create {
				return store.ErrLogStreamNotFound
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO log_stream (grp, name, created_at) VALUES (?, ?, ?) RETURNING pk`,
				gpk, b.Stream, timeToDB(now)).Scan(&spk)
		}
		if err != nil {
			return interpretError(err)
		}
		if len(b.Events) == 0 {
			continue
		}
		first, last := b.Events[0].Timestamp, b.Events[0].Timestamp
		var size int64
		for _, ev := range b.Events {
			if _, err := insert.ExecContext(ctx, gpk, spk, ev.Timestamp, ingested, ev.Message); err != nil {
				return interpretError(err)
			}
			first, last = min(first, ev.Timestamp), max(last, ev.Timestamp)
			size += int64(len(ev.Message))
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE log_stream SET
				first_event = CASE WHEN first_event = 0 OR first_event > ? THEN ? ELSE first_event END,
				last_event = max(last_event, ?), last_ingestion = ?
			WHERE pk = ?`, first, first, last, ingested, spk); err != nil {
			return interpretError(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE log_group SET event_count = event_count + ?, stored_bytes = stored_bytes + ? WHERE pk = ?`,
			len(b.Events), size, gpk); err != nil {
			return interpretError(err)
		}
		touched[gpk] = true
	}
	for gpk := range touched {
		if err := trimGroup(ctx, tx, gpk, maxEvents); err != nil {
			return err
		}
	}
	return interpretError(tx.Commit())
}

// trimGroup deletes a group's oldest events beyond maxEvents.
func trimGroup(ctx context.Context, tx *sql.Tx, gpk, maxEvents int64) error {
	var count int64
	if err := tx.QueryRowContext(ctx, `SELECT event_count FROM log_group WHERE pk = ?`, gpk).Scan(&count); err != nil {
		return interpretError(err)
	}
	if count <= maxEvents {
		return nil
	}
	var size int64
	if err := tx.QueryRowContext(ctx, `
		SELECT coalesce(sum(length(CAST(message AS BLOB))), 0) FROM (
			SELECT message FROM log_event WHERE grp = ? ORDER BY ts, seq LIMIT ?)`, gpk, count-maxEvents).Scan(&size); err != nil {
		return interpretError(err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM log_event WHERE seq IN (SELECT seq FROM log_event WHERE grp = ? ORDER BY ts, seq LIMIT ?)`,
		gpk, count-maxEvents)
	if err != nil {
		return interpretError(err)
	}
	n, _ := res.RowsAffected()
	_, err = tx.ExecContext(ctx, `UPDATE log_group SET event_count = event_count - ?, stored_bytes = stored_bytes - ? WHERE pk = ?`, n, size, gpk)
	return interpretError(err)
}

// LogEventList implements store.Store.
func (s *Store) LogEventList(ctx context.Context, params *store.LogEventListParams) (*store.LogEventListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	gpk, err := groupPK(ctx, s.read, params.Account, params.Region, params.Group)
	if err != nil {
		return nil, err
	}
	where := []string{}
	var args []any
	if params.Streams != nil {
		pks, err := streamPKs(ctx, s.read, gpk, params.Streams)
		if err != nil {
			return nil, err
		}
		if params.RequireStreams && len(pks) < len(uniq(params.Streams)) {
			return nil, store.ErrLogStreamNotFound
		}
		switch len(pks) {
		case 0:
			return &store.LogEventListResult{}, nil
		case 1:
			where = append(where, "e.stream = ?")
			args = append(args, pks[0])
		default:
			where = append(where, "e.grp = ? AND e.stream IN ("+strings.TrimSuffix(strings.Repeat("?,", len(pks)), ",")+")")
			args = append(args, gpk)
			for _, pk := range pks {
				args = append(args, pk)
			}
		}
	} else {
		where = append(where, "e.grp = ?")
		args = append(args, gpk)
	}
	if params.StreamPrefix != "" {
		where = append(where, "e.stream IN (SELECT pk FROM log_stream WHERE grp = ? AND substr(name, 1, length(?)) = ?)")
		args = append(args, gpk, params.StreamPrefix, params.StreamPrefix)
	}
	if params.StartTime > 0 {
		where = append(where, "e.ts >= ?")
		args = append(args, params.StartTime)
	}
	if params.EndTime > 0 {
		where = append(where, "e.ts < ?")
		args = append(args, params.EndTime)
	}
	if c := params.After; c != nil {
		where = append(where, "(e.ts, e.seq) > (?, ?)")
		args = append(args, c.Timestamp, c.Seq)
	}
	if c := params.Before; c != nil {
		where = append(where, "(e.ts, e.seq) < (?, ?)")
		args = append(args, c.Timestamp, c.Seq)
	}
	dir := ""
	if params.Descending {
		dir = " DESC"
	}
	limit := store.LogEventLimit(params.Limit)
	args = append(args, limit+1)
	rows, err := s.read.QueryContext(ctx, `
		SELECT s.name, e.ts, e.ingested, e.seq, e.message
		FROM log_event e JOIN log_stream s ON s.pk = e.stream
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY e.ts`+dir+`, e.seq`+dir+`
		LIMIT ?`, args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	res := &store.LogEventListResult{Events: make([]*store.LogEventRow, 0, min(limit+1, 256))}
	for rows.Next() {
		ev := &store.LogEventRow{}
		if err := rows.Scan(&ev.Stream, &ev.Timestamp, &ev.IngestionTime, &ev.Seq, &ev.Message); err != nil {
			return nil, interpretError(err)
		}
		res.Events = append(res.Events, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, interpretError(err)
	}
	if len(res.Events) > limit {
		res.Events, res.More = res.Events[:limit], true
	}
	return res, nil
}

// streamPKs returns the keys of the named streams of a group that exist.
func streamPKs(ctx context.Context, q querier, gpk int64, names []string) ([]int64, error) {
	names = uniq(names)
	if len(names) == 0 {
		return nil, nil
	}
	args := []any{gpk}
	for _, n := range names {
		args = append(args, n)
	}
	rows, err := q.QueryContext(ctx, `SELECT pk FROM log_stream WHERE grp = ? AND name IN (`+
		strings.TrimSuffix(strings.Repeat("?,", len(names)), ",")+`) ORDER BY pk`, args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	var pks []int64
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			return nil, interpretError(err)
		}
		pks = append(pks, pk)
	}
	return pks, interpretError(rows.Err())
}

func uniq(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := names[:0:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
