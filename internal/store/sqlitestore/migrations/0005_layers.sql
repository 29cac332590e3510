-- Lambda layers. lambda_layer keeps each name's version counter, which is
-- never reset (version numbers are not reused, even after every version is
-- deleted); lambda_layer_version holds the versions. spec is the Lambda
-- service's JSON document; the compatibility lists are JSON arrays kept in
-- columns so that listings can filter on them. Times are unix microseconds.
CREATE TABLE lambda_layer (
    account      TEXT    NOT NULL,
    region       TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    last_version INTEGER NOT NULL,
    PRIMARY KEY (account, region, name)
) STRICT;

CREATE TABLE lambda_layer_version (
    account                  TEXT    NOT NULL,
    region                   TEXT    NOT NULL,
    name                     TEXT    NOT NULL,
    version                  INTEGER NOT NULL,
    layer_arn                TEXT    NOT NULL,
    arn                      TEXT    NOT NULL UNIQUE,
    spec                     TEXT    NOT NULL CHECK (json_valid(spec)),
    code_sha256              TEXT    NOT NULL,
    compatible_runtimes      TEXT    NOT NULL CHECK (json_type(compatible_runtimes) = 'array'),
    compatible_architectures TEXT    NOT NULL CHECK (json_type(compatible_architectures) = 'array'),
    revision                 INTEGER NOT NULL,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL,
    PRIMARY KEY (account, region, name, version)
) STRICT;
