-- State machine versions: immutable snapshots of a state machine's
-- definition and configuration (spec, the Step Functions service's JSON
-- document), numbered 1, 2, ... per state machine. Deleting the state
-- machine deletes its versions and aliases.
CREATE TABLE sfn_state_machine_version (
    arn               TEXT    NOT NULL PRIMARY KEY,
    state_machine_arn TEXT    NOT NULL REFERENCES sfn_state_machine (arn) ON DELETE CASCADE,
    number            INTEGER NOT NULL,
    spec              TEXT    NOT NULL CHECK (json_valid(spec)),
    created_at        INTEGER NOT NULL,
    UNIQUE (state_machine_arn, number)
) STRICT;

-- State machine aliases: a name routing executions to one or two versions
-- (spec: description and routingConfiguration).
CREATE TABLE sfn_state_machine_alias (
    arn               TEXT    NOT NULL PRIMARY KEY,
    state_machine_arn TEXT    NOT NULL REFERENCES sfn_state_machine (arn) ON DELETE CASCADE,
    name              TEXT    NOT NULL,
    spec              TEXT    NOT NULL CHECK (json_valid(spec)),
    version           INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX sfn_state_machine_alias_by_machine ON sfn_state_machine_alias (state_machine_arn, created_at DESC, arn DESC);

-- Map runs of Distributed Map states, written with the steps of their
-- execution (spec: configuration and counts).
CREATE TABLE sfn_map_run (
    arn               TEXT    NOT NULL PRIMARY KEY,
    execution_arn     TEXT    NOT NULL,
    state_machine_arn TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
    start_date        INTEGER NOT NULL,
    stop_date         INTEGER,
    spec              TEXT    NOT NULL CHECK (json_valid(spec))
) STRICT;
CREATE INDEX sfn_map_run_by_execution ON sfn_map_run (execution_arn, start_date DESC, arn DESC);

-- Executions started through a version or an alias, and redrives.
ALTER TABLE sfn_execution ADD COLUMN state_machine_version_arn TEXT;
ALTER TABLE sfn_execution ADD COLUMN state_machine_alias_arn TEXT;
ALTER TABLE sfn_execution ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sfn_execution ADD COLUMN redrive_date INTEGER;
ALTER TABLE sfn_execution ADD COLUMN redrive_tokens TEXT NOT NULL DEFAULT '';
CREATE INDEX sfn_execution_by_version ON sfn_execution (state_machine_version_arn, start_date DESC, arn DESC)
    WHERE state_machine_version_arn IS NOT NULL;
CREATE INDEX sfn_execution_by_alias ON sfn_execution (state_machine_alias_arn, start_date DESC, arn DESC)
    WHERE state_machine_alias_arn IS NOT NULL;
