-- Step Functions activities. spec holds tags and the encryption
-- configuration. Times are unix microseconds, UTC.
CREATE TABLE sfn_activity (
    arn        TEXT    NOT NULL PRIMARY KEY,
    account    TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    spec       TEXT    NOT NULL CHECK (json_valid(spec)),
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (account, region, name)
) STRICT;

-- Activity tasks: Task states waiting for a worker (see store.ActivityTaskRow).
-- seq orders tasks scheduled in the same microsecond.
CREATE TABLE sfn_activity_task (
    seq           INTEGER PRIMARY KEY,
    token         TEXT    NOT NULL UNIQUE,
    activity_arn  TEXT    NOT NULL,
    execution_arn TEXT    NOT NULL,
    effect_id     TEXT    NOT NULL,
    input         TEXT    NOT NULL,
    scheduled_at  INTEGER NOT NULL,
    started_at    INTEGER,
    worker_name   TEXT    NOT NULL DEFAULT ''
) STRICT;

-- GetActivityTask: the oldest unclaimed task of an activity.
CREATE INDEX sfn_activity_task_queue ON sfn_activity_task (activity_arn, scheduled_at, seq) WHERE started_at IS NULL;
-- An execution's end deletes its tasks.
CREATE INDEX sfn_activity_task_execution ON sfn_activity_task (execution_arn);
