-- Step Functions activities. spec holds tags and the encryption
-- configuration. Names collate "C" so that listing order is byte order, as
-- on SQLite.
CREATE TABLE sfn_activity (
    arn        text        COLLATE "C" NOT NULL PRIMARY KEY,
    account    text        NOT NULL,
    region     text        NOT NULL,
    name       text        COLLATE "C" NOT NULL,
    spec       json        NOT NULL,
    version    bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (account, region, name)
);

-- Activity tasks: Task states waiting for a worker (see store.ActivityTaskRow).
-- seq orders tasks scheduled in the same microsecond.
CREATE TABLE sfn_activity_task (
    seq           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token         text        NOT NULL UNIQUE,
    activity_arn  text        NOT NULL,
    execution_arn text        NOT NULL,
    effect_id     text        NOT NULL,
    input         text        NOT NULL,
    scheduled_at  timestamptz NOT NULL,
    started_at    timestamptz,
    worker_name   text        NOT NULL DEFAULT ''
);

-- GetActivityTask: the oldest unclaimed task of an activity.
CREATE INDEX sfn_activity_task_queue ON sfn_activity_task (activity_arn, scheduled_at, seq) WHERE started_at IS NULL;
-- An execution's end deletes its tasks.
CREATE INDEX sfn_activity_task_execution ON sfn_activity_task (execution_arn);
