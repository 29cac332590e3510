-- CloudWatch Logs: groups, streams and events. Event times are unix
-- milliseconds as the API carries them. event_count and stored_bytes are kept
-- with each write so that DescribeLogGroups and the per-group cap need no
-- scan. Names collate "C" so that listing order is byte order, as on SQLite.
CREATE TABLE log_group (
    pk           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account      text        NOT NULL,
    region       text        NOT NULL,
    name         text        COLLATE "C" NOT NULL,
    created_at   timestamptz NOT NULL,
    stored_bytes bigint      NOT NULL DEFAULT 0,
    event_count  bigint      NOT NULL DEFAULT 0,
    UNIQUE (account, region, name)
);

CREATE TABLE log_stream (
    pk             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    grp            bigint      NOT NULL REFERENCES log_group (pk) ON DELETE CASCADE,
    name           text        COLLATE "C" NOT NULL,
    created_at     timestamptz NOT NULL,
    first_event    bigint      NOT NULL DEFAULT 0,
    last_event     bigint      NOT NULL DEFAULT 0,
    last_ingestion bigint      NOT NULL DEFAULT 0,
    UNIQUE (grp, name)
);

CREATE INDEX log_stream_by_last_event ON log_stream (grp, last_event, name);

-- seq is the ingestion order.
CREATE TABLE log_event (
    seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    grp      bigint NOT NULL REFERENCES log_group (pk) ON DELETE CASCADE,
    stream   bigint NOT NULL REFERENCES log_stream (pk) ON DELETE CASCADE,
    ts       bigint NOT NULL,
    ingested bigint NOT NULL,
    message  text   NOT NULL
);

CREATE INDEX log_event_by_group ON log_event (grp, ts, seq);
CREATE INDEX log_event_by_stream ON log_event (stream, ts, seq);
