-- Step Functions executions. pk is the surrogate key history rows refer to.
-- spec is the service's immutable document about the execution; state its
-- serialized interpreter state after the last committed step. wake_at and
-- the lease drive the durable executor (see store.ExecutionRow). ARNs
-- collate "C" so that ties in listing order are byte order, as on SQLite.
CREATE TABLE sfn_execution (
    pk                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    arn               text        COLLATE "C" NOT NULL UNIQUE,
    state_machine_arn text        COLLATE "C" NOT NULL,
    account           text        NOT NULL,
    region            text        NOT NULL,
    name              text        NOT NULL,
    type              text        NOT NULL CHECK (type IN ('STANDARD', 'EXPRESS')),
    status            text        NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED')),
    input             text        NOT NULL,
    output            text        NOT NULL DEFAULT '',
    error             text        NOT NULL DEFAULT '',
    cause             text        NOT NULL DEFAULT '',
    spec              json        NOT NULL,
    state             bytea,
    start_date        timestamptz NOT NULL,
    stop_date         timestamptz,
    wake_at           timestamptz,
    lease_owner       text,
    lease_expires     timestamptz,
    version           bigint      NOT NULL
);

CREATE INDEX sfn_execution_by_machine ON sfn_execution (state_machine_arn, start_date DESC, arn DESC);
CREATE INDEX sfn_execution_by_status ON sfn_execution (state_machine_arn, status, start_date DESC, arn DESC);
CREATE INDEX sfn_execution_due ON sfn_execution (wake_at) WHERE wake_at IS NOT NULL;
CREATE INDEX sfn_execution_lease ON sfn_execution (lease_owner) WHERE lease_owner IS NOT NULL;

-- History events in GetExecutionHistory's JSON shape, one row per committed
-- step (events first_id..last_id): their documents concatenated, and an index
-- of (id delta, length) varints to cut them apart (store/internal/histchunk).
CREATE TABLE sfn_history (
    execution bigint NOT NULL REFERENCES sfn_execution (pk) ON DELETE CASCADE,
    first_id  bigint NOT NULL,
    last_id   bigint NOT NULL,
    idx       bytea  NOT NULL,
    events    bytea  NOT NULL,
    PRIMARY KEY (execution, first_id)
);
