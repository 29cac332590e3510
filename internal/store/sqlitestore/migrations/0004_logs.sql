-- CloudWatch Logs: groups, streams and events. created_at is unix
-- microseconds like every other table; event times are unix milliseconds as
-- the API carries them. event_count and stored_bytes are kept with each write
-- so that DescribeLogGroups and the per-group cap need no scan.
CREATE TABLE log_group (
    pk           INTEGER PRIMARY KEY,
    account      TEXT    NOT NULL,
    region       TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    stored_bytes INTEGER NOT NULL DEFAULT 0,
    event_count  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account, region, name)
) STRICT;

CREATE TABLE log_stream (
    pk             INTEGER PRIMARY KEY,
    grp            INTEGER NOT NULL REFERENCES log_group (pk) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    first_event    INTEGER NOT NULL DEFAULT 0,
    last_event     INTEGER NOT NULL DEFAULT 0,
    last_ingestion INTEGER NOT NULL DEFAULT 0,
    UNIQUE (grp, name)
) STRICT;

-- DescribeLogStreams orderBy LastEventTime.
CREATE INDEX log_stream_by_last_event ON log_stream (grp, last_event, name);

-- seq is the ingestion order. Events are read per group by time (FilterLogEvents)
-- and per stream by time (GetLogEvents).
CREATE TABLE log_event (
    seq      INTEGER PRIMARY KEY,
    grp      INTEGER NOT NULL REFERENCES log_group (pk) ON DELETE CASCADE,
    stream   INTEGER NOT NULL REFERENCES log_stream (pk) ON DELETE CASCADE,
    ts       INTEGER NOT NULL,
    ingested INTEGER NOT NULL,
    message  TEXT    NOT NULL
) STRICT;

CREATE INDEX log_event_by_group ON log_event (grp, ts, seq);
CREATE INDEX log_event_by_stream ON log_event (stream, ts, seq);
