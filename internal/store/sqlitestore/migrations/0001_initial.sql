-- Lambda functions. spec is the Lambda service's JSON document; the columns
-- beside it are the ones the store queries on. Times are unix microseconds, UTC.
CREATE TABLE lambda_function (
    account     TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    arn         TEXT    NOT NULL UNIQUE,
    spec        TEXT    NOT NULL CHECK (json_valid(spec)),
    code_sha256 TEXT    NOT NULL,
    revision_id TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (account, region, name)
) STRICT;

-- Step Functions state machines. spec holds definition, roleArn, logging,
-- tracing and tags.
CREATE TABLE sfn_state_machine (
    arn        TEXT    NOT NULL PRIMARY KEY,
    account    TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    type       TEXT    NOT NULL CHECK (type IN ('STANDARD', 'EXPRESS')),
    spec       TEXT    NOT NULL CHECK (json_valid(spec)),
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (account, region, name)
) STRICT;
