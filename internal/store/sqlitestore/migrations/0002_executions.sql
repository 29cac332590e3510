-- Step Functions executions. pk is the surrogate key history rows refer to
-- (smaller than the ARN in every history row). spec is the service's
-- immutable document about the execution; state its serialized interpreter
-- state after the last committed step. wake_at and the lease drive the
-- durable executor (see store.ExecutionRow). Times are unix microseconds, UTC.
CREATE TABLE sfn_execution (
    pk                INTEGER PRIMARY KEY,
    arn               TEXT    NOT NULL UNIQUE,
    state_machine_arn TEXT    NOT NULL,
    account           TEXT    NOT NULL,
    region            TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    type              TEXT    NOT NULL CHECK (type IN ('STANDARD', 'EXPRESS')),
    status            TEXT    NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED')),
    input             TEXT    NOT NULL,
    output            TEXT    NOT NULL DEFAULT '',
    error             TEXT    NOT NULL DEFAULT '',
    cause             TEXT    NOT NULL DEFAULT '',
    spec              TEXT    NOT NULL CHECK (json_valid(spec)),
    state             BLOB,
    start_date        INTEGER NOT NULL,
    stop_date         INTEGER,
    wake_at           INTEGER,
    lease_owner       TEXT,
    lease_expires     INTEGER,
    version           INTEGER NOT NULL
) STRICT;

-- ListExecutions: newest first, optionally by status.
CREATE INDEX sfn_execution_by_machine ON sfn_execution (state_machine_arn, start_date DESC, arn DESC);
CREATE INDEX sfn_execution_by_status ON sfn_execution (state_machine_arn, status, start_date DESC, arn DESC);
-- ExecutionClaimDue scans live rows by wake time; ended rows leave the index.
CREATE INDEX sfn_execution_due ON sfn_execution (wake_at) WHERE wake_at IS NOT NULL;
-- ExecutionLeaseRenew / ExecutionLeaseRelease by owner.
CREATE INDEX sfn_execution_lease ON sfn_execution (lease_owner) WHERE lease_owner IS NOT NULL;

-- History events in GetExecutionHistory's JSON shape, one row per committed
-- step (events first_id..last_id): their documents concatenated, and an index
-- of (id delta, length) varints to cut them apart (store/internal/histchunk).
CREATE TABLE sfn_history (
    execution INTEGER NOT NULL REFERENCES sfn_execution (pk) ON DELETE CASCADE,
    first_id  INTEGER NOT NULL,
    last_id   INTEGER NOT NULL,
    idx       BLOB    NOT NULL,
    events    BLOB    NOT NULL,
    PRIMARY KEY (execution, first_id)
) STRICT, WITHOUT ROWID;
