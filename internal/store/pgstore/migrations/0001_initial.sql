-- Lambda functions. spec is the Lambda service's JSON document (type json
-- keeps its bytes as written); the columns beside it are the ones the store
-- queries on. Names collate "C" so that listing order is byte order, as on
-- SQLite, whatever the database's locale.
CREATE TABLE lambda_function (
    account     text        NOT NULL,
    region      text        NOT NULL,
    name        text        COLLATE "C" NOT NULL,
    arn         text        NOT NULL UNIQUE,
    spec        json        NOT NULL,
    code_sha256 text        NOT NULL,
    revision_id text        NOT NULL,
    version     bigint      NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (account, region, name)
);

-- Step Functions state machines. spec holds definition, roleArn, logging,
-- tracing and tags.
CREATE TABLE sfn_state_machine (
    arn        text        PRIMARY KEY,
    account    text        NOT NULL,
    region     text        NOT NULL,
    name       text        COLLATE "C" NOT NULL,
    type       text        NOT NULL CHECK (type IN ('STANDARD', 'EXPRESS')),
    spec       json        NOT NULL,
    version    bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (account, region, name)
);
