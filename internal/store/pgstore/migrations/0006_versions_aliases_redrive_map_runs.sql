-- State machine versions: immutable snapshots of a state machine's
-- definition and configuration (spec, the Step Functions service's JSON
-- document), numbered 1, 2, ... per state machine. Deleting the state
-- machine deletes its versions and aliases.
CREATE TABLE sfn_state_machine_version (
    arn               text        COLLATE "C" NOT NULL PRIMARY KEY,
    state_machine_arn text        NOT NULL REFERENCES sfn_state_machine (arn) ON DELETE CASCADE,
    number            bigint      NOT NULL,
    spec              json        NOT NULL,
    created_at        timestamptz NOT NULL,
    UNIQUE (state_machine_arn, number)
);

-- State machine aliases: a name routing executions to one or two versions
-- (spec: description and routingConfiguration).
CREATE TABLE sfn_state_machine_alias (
    arn               text        COLLATE "C" NOT NULL PRIMARY KEY,
    state_machine_arn text        NOT NULL REFERENCES sfn_state_machine (arn) ON DELETE CASCADE,
    name              text        NOT NULL,
    spec              json        NOT NULL,
    version           bigint      NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX sfn_state_machine_alias_by_machine ON sfn_state_machine_alias (state_machine_arn, created_at DESC, arn DESC);

-- Map runs of Distributed Map states, written with the steps of their
-- execution (spec: configuration and counts).
CREATE TABLE sfn_map_run (
    arn               text        COLLATE "C" NOT NULL PRIMARY KEY,
    execution_arn     text        COLLATE "C" NOT NULL,
    state_machine_arn text        COLLATE "C" NOT NULL,
    status            text        NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
    start_date        timestamptz NOT NULL,
    stop_date         timestamptz,
    spec              json        NOT NULL
);
CREATE INDEX sfn_map_run_by_execution ON sfn_map_run (execution_arn, start_date DESC, arn DESC);

-- Executions started through a version or an alias, and redrives.
ALTER TABLE sfn_execution ADD COLUMN state_machine_version_arn text COLLATE "C";
ALTER TABLE sfn_execution ADD COLUMN state_machine_alias_arn text COLLATE "C";
ALTER TABLE sfn_execution ADD COLUMN redrive_count integer NOT NULL DEFAULT 0;
ALTER TABLE sfn_execution ADD COLUMN redrive_date timestamptz;
ALTER TABLE sfn_execution ADD COLUMN redrive_tokens text NOT NULL DEFAULT '';
CREATE INDEX sfn_execution_by_version ON sfn_execution (state_machine_version_arn, start_date DESC, arn DESC)
    WHERE state_machine_version_arn IS NOT NULL;
CREATE INDEX sfn_execution_by_alias ON sfn_execution (state_machine_alias_arn, start_date DESC, arn DESC)
    WHERE state_machine_alias_arn IS NOT NULL;
