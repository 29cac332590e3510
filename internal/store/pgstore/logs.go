package pgstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/gureum-dev/gureum/internal/store"
)

// LogGroupCreate implements store.Store.
func (s *Store) LogGroupCreate(ctx context.Context, params *store.LogGroupCreateParams) (*store.LogGroupRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	g := &store.LogGroupRow{Account: params.Account, Region: params.Region, Name: params.Name}
	err := s.pool.QueryRow(ctx, `
		INSERT INTO log_group (account, region, name, created_at) VALUES ($1, $2, $3, $4)
		RETURNING created_at`,
		params.Account, params.Region, params.Name, timeToDB(s.now())).Scan(&g.CreatedAt)
	if err != nil {
		return nil, interpretError(err)
	}
	g.CreatedAt = g.CreatedAt.UTC()
	return g, nil
}

// LogGroupDelete implements store.Store. Streams and events go with the
// group (ON DELETE CASCADE).
func (s *Store) LogGroupDelete(ctx context.Context, params *store.LogGroupDeleteParams) error {
	if err := s.gate.Enter(); err != nil {
		return err
	}
	defer s.gate.Exit()

	tag, err := s.pool.Exec(ctx, `DELETE FROM log_group WHERE account = $1 AND region = $2 AND name = $3`,
		params.Account, params.Region, params.Name)
	if err != nil {
		return interpretError(err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrLogGroupNotFound
	}
	return nil
}

const logGroupColumns = `account, region, name, created_at, stored_bytes`

func scanLogGroup(row pgx.Row) (*store.LogGroupRow, error) {
	var g store.LogGroupRow
	if err := row.Scan(&g.Account, &g.Region, &g.Name, &g.CreatedAt, &g.StoredBytes); err != nil {
		return nil, interpretError(err)
	}
	g.CreatedAt = g.CreatedAt.UTC()
	return &g, nil
}

// LogGroupGet implements store.Store.
func (s *Store) LogGroupGet(ctx context.Context, params *store.LogGroupGetParams) (*store.LogGroupRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	g, err := scanLogGroup(s.pool.QueryRow(ctx, `SELECT `+logGroupColumns+` FROM log_group
		WHERE account = $1 AND region = $2 AND name = $3`, params.Account, params.Region, params.Name))
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
	rows, err := s.pool.Query(ctx, `
		SELECT `+logGroupColumns+` FROM log_group
		WHERE account = $1 AND region = $2 AND name > $3 AND name >= $4 AND starts_with(name, $4)
		ORDER BY name
		LIMIT $5`,
		params.Account, params.Region, params.After, params.Prefix, limit+1)
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

// querier is the pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// groupPK returns a log group's key, or ErrLogGroupNotFound.
func groupPK(ctx context.Context, q querier, account, region, name string) (int64, error) {
	var pk int64
	err := q.QueryRow(ctx, `SELECT pk FROM log_group WHERE account = $1 AND region = $2 AND name = $3`,
		account, region, name).Scan(&pk)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, store.ErrLogGroupNotFound
	}
	return pk, interpretError(err)
}

// LogStreamCreate implements store.Store.
func (s *Store) LogStreamCreate(ctx context.Context, params *store.LogStreamCreateParams) (*store.LogStreamRow, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	now := timeToDB(s.now())
	var pk int64
	err := s.pool.QueryRow(ctx, `
		INSERT INTO log_stream (grp, name, created_at)
		SELECT pk, $4, $5 FROM log_group WHERE account = $1 AND region = $2 AND name = $3
		RETURNING pk`, params.Account, params.Region, params.Group, params.Name, now).Scan(&pk)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.ErrLogGroupNotFound
	}
	if err != nil {
		return nil, interpretError(err)
	}
	return &store.LogStreamRow{Group: params.Group, Name: params.Name, CreatedAt: now}, nil
}

// LogStreamDelete implements store.Store.
func (s *Store) LogStreamDelete(ctx context.Context, params *store.LogStreamDeleteParams) error {
	if err := s.gate.Enter(); err != nil {
		return err
	}
	defer s.gate.Exit()

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return interpretError(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	// The group's row first, then the stream's: LogEventsPut's lock order.
	var gpk int64
	err = tx.QueryRow(ctx, `SELECT pk FROM log_group WHERE account = $1 AND region = $2 AND name = $3 FOR UPDATE`,
		params.Account, params.Region, params.Group).Scan(&gpk)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrLogGroupNotFound
	}
	if err != nil {
		return interpretError(err)
	}
	var spk, count, size int64
	err = tx.QueryRow(ctx, `SELECT pk FROM log_stream WHERE grp = $1 AND name = $2 FOR UPDATE`, gpk, params.Name).Scan(&spk)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrLogStreamNotFound
	}
	if err != nil {
		return interpretError(err)
	}
	if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(sum(octet_length(message)), 0) FROM log_event WHERE stream = $1`,
		spk).Scan(&count, &size); err != nil {
		return interpretError(err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM log_stream WHERE pk = $1`, spk); err != nil {
		return interpretError(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE log_group SET event_count = event_count - $1, stored_bytes = stored_bytes - $2 WHERE pk = $3`,
		count, size, gpk); err != nil {
		return interpretError(err)
	}
	return interpretError(tx.Commit(ctx))
}

// LogStreamList implements store.Store.
func (s *Store) LogStreamList(ctx context.Context, params *store.LogStreamListParams) (*store.LogStreamListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	pk, err := groupPK(ctx, s.pool, params.Account, params.Region, params.Group)
	if err != nil {
		return nil, err
	}
	limit := store.ListLimit(params.Limit)
	args := []any{pk}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	where := []string{"grp = $1"}
	if params.Prefix != "" {
		where = append(where, "starts_with(name, "+arg(params.Prefix)+")")
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
			ts, name, ok := strings.Cut(params.After, ":")
			n, err := strconv.ParseInt(ts, 10, 64)
			if !ok || err != nil {
				return nil, fmt.Errorf("log stream cursor %q: %w", params.After, store.ErrNotFound)
			}
			where = append(where, "(last_event, name) "+cmp+" ("+arg(n)+", "+arg(name)+")")
		} else {
			where = append(where, "name "+cmp+" "+arg(params.After))
		}
	}
	rows, err := s.pool.Query(ctx, `
		SELECT name, created_at, first_event, last_event, last_ingestion FROM log_stream
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY `+order+`
		LIMIT `+arg(limit+1), args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	res := &store.LogStreamListResult{}
	for rows.Next() {
		st := &store.LogStreamRow{Group: params.Group}
		if err := rows.Scan(&st.Name, &st.CreatedAt, &st.FirstEventTime, &st.LastEventTime, &st.LastIngestionAt); err != nil {
			return nil, interpretError(err)
		}
		st.CreatedAt = st.CreatedAt.UTC()
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

// pgText makes a message storable as PostgreSQL text, which holds neither
// NUL characters nor invalid UTF-8: NUL becomes U+FFFD, as does each invalid
// byte sequence.
func pgText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	return s
}

// LogEventsPut implements store.Store: one transaction; each batch's events
// go in one INSERT ... unnest, in order, so that Seq follows their order.
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
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return interpretError(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()

	// Groups and streams are created and their rows locked in (account,
	// region, group, stream) order, so that two nodes writing the same
	// groups cannot deadlock; the events then go in in the batches' order,
	// which is their ingestion order.
	order := make([]int, len(params.Batches))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := &params.Batches[i], &params.Batches[j]
		return cmp.Or(strings.Compare(a.Account, b.Account), strings.Compare(a.Region, b.Region),
			strings.Compare(a.Group, b.Group), strings.Compare(a.Stream, b.Stream))
	})
	type keys struct{ group, stream int64 }
	resolved := make([]keys, len(params.Batches))
	for _, i := range order {
		b := &params.Batches[i]
		if params.Create {
			// ON CONFLICT: another node may create the same group or stream.
			if _, err := tx.Exec(ctx, `INSERT INTO log_group (account, region, name, created_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (account, region, name) DO NOTHING`, b.Account, b.Region, b.Group, timeToDB(now)); err != nil {
				return interpretError(err)
			}
		}
		var gpk int64
		err := tx.QueryRow(ctx, `SELECT pk FROM log_group WHERE account = $1 AND region = $2 AND name = $3 FOR UPDATE`,
			b.Account, b.Region, b.Group).Scan(&gpk)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrLogGroupNotFound
		}
		if err != nil {
			return interpretError(err)
		}
		if params.Create {
			if _, err := tx.Exec(ctx, `INSERT INTO log_stream (grp, name, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (grp, name) DO NOTHING`, gpk, b.Stream, timeToDB(now)); err != nil {
				return interpretError(err)
			}
		}
		var spk int64
		err = tx.QueryRow(ctx, `SELECT pk FROM log_stream WHERE grp = $1 AND name = $2 FOR UPDATE`, gpk, b.Stream).Scan(&spk)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrLogStreamNotFound
		}
		if err != nil {
			return interpretError(err)
		}
		resolved[i] = keys{gpk, spk}
	}
	var touched []int64
	seen := map[int64]bool{}
	for i := range params.Batches {
		b := &params.Batches[i]
		gpk, spk := resolved[i].group, resolved[i].stream
		if len(b.Events) == 0 {
			continue
		}
		ts := make([]int64, len(b.Events))
		msgs := make([]string, len(b.Events))
		first, last := b.Events[0].Timestamp, b.Events[0].Timestamp
		var size int64
		for j, ev := range b.Events {
			ts[j], msgs[j] = ev.Timestamp, pgText(ev.Message)
			first, last = min(first, ev.Timestamp), max(last, ev.Timestamp)
			size += int64(len(msgs[j]))
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO log_event (grp, stream, ts, ingested, message)
			SELECT $1, $2, t.ts, $3, t.message
			FROM unnest($4::bigint[], $5::text[]) WITH ORDINALITY AS t(ts, message, i)
			ORDER BY t.i`, gpk, spk, ingested, ts, msgs); err != nil {
			return interpretError(err)
		}
		if _, err := tx.Exec(ctx, `
			UPDATE log_stream SET
				first_event = CASE WHEN first_event = 0 OR first_event > $1 THEN $1 ELSE first_event END,
				last_event = greatest(last_event, $2), last_ingestion = $3
			WHERE pk = $4`, first, last, ingested, spk); err != nil {
			return interpretError(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE log_group SET event_count = event_count + $1, stored_bytes = stored_bytes + $2 WHERE pk = $3`,
			len(b.Events), size, gpk); err != nil {
			return interpretError(err)
		}
		if !seen[gpk] {
			seen[gpk] = true
			touched = append(touched, gpk)
		}
	}
	for _, gpk := range touched {
		if _, err := tx.Exec(ctx, `
			WITH g AS (SELECT event_count - $2 AS excess FROM log_group WHERE pk = $1),
			gone AS (
				DELETE FROM log_event WHERE seq IN (
					SELECT seq FROM log_event WHERE grp = $1 ORDER BY ts, seq
					LIMIT (SELECT greatest(excess, 0) FROM g))
				RETURNING octet_length(message) AS size)
			UPDATE log_group SET event_count = event_count - (SELECT count(*) FROM gone),
				stored_bytes = stored_bytes - (SELECT coalesce(sum(size), 0) FROM gone)
			WHERE pk = $1 AND event_count > $2`, gpk, maxEvents); err != nil {
			return interpretError(err)
		}
	}
	return interpretError(tx.Commit(ctx))
}

// LogEventList implements store.Store.
func (s *Store) LogEventList(ctx context.Context, params *store.LogEventListParams) (*store.LogEventListResult, error) {
	if err := s.gate.Enter(); err != nil {
		return nil, err
	}
	defer s.gate.Exit()

	gpk, err := groupPK(ctx, s.pool, params.Account, params.Region, params.Group)
	if err != nil {
		return nil, err
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	var where []string
	if params.Streams != nil {
		names := uniq(params.Streams)
		var pks []int64
		rows, err := s.pool.Query(ctx, `SELECT pk FROM log_stream WHERE grp = $1 AND name = ANY($2) ORDER BY pk`, gpk, names)
		if err != nil {
			return nil, interpretError(err)
		}
		pks, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, interpretError(err)
		}
		if params.RequireStreams && len(pks) < len(names) {
			return nil, store.ErrLogStreamNotFound
		}
		switch len(pks) {
		case 0:
			return &store.LogEventListResult{}, nil
		case 1:
			where = append(where, "e.stream = "+arg(pks[0]))
		default:
			where = append(where, "e.grp = "+arg(gpk)+" AND e.stream = ANY("+arg(pks)+")")
		}
	} else {
		where = append(where, "e.grp = "+arg(gpk))
	}
	if params.StreamPrefix != "" {
		where = append(where, "e.stream IN (SELECT pk FROM log_stream WHERE grp = "+arg(gpk)+" AND starts_with(name, "+arg(params.StreamPrefix)+"))")
	}
	if params.StartTime > 0 {
		where = append(where, "e.ts >= "+arg(params.StartTime))
	}
	if params.EndTime > 0 {
		where = append(where, "e.ts < "+arg(params.EndTime))
	}
	if c := params.After; c != nil {
		where = append(where, "(e.ts, e.seq) > ("+arg(c.Timestamp)+"::bigint, "+arg(c.Seq)+"::bigint)")
	}
	if c := params.Before; c != nil {
		where = append(where, "(e.ts, e.seq) < ("+arg(c.Timestamp)+"::bigint, "+arg(c.Seq)+"::bigint)")
	}
	dir := ""
	if params.Descending {
		dir = " DESC"
	}
	limit := store.LogEventLimit(params.Limit)
	rows, err := s.pool.Query(ctx, `
		SELECT s.name, e.ts, e.ingested, e.seq, e.message
		FROM log_event e JOIN log_stream s ON s.pk = e.stream
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY e.ts`+dir+`, e.seq`+dir+`
		LIMIT `+arg(limit+1), args...)
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
