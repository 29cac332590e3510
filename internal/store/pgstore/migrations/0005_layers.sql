-- Lambda layers. lambda_layer keeps each name's version counter, which is
-- never reset (version numbers are not reused, even after every version is
-- deleted); lambda_layer_version holds the versions. spec is the Lambda
-- service's JSON document; the compatibility lists are columns so that
-- listings can filter on them. Names collate "C": listing order is byte order.
CREATE TABLE lambda_layer (
    account      text   NOT NULL,
    region       text   NOT NULL,
    name         text   COLLATE "C" NOT NULL,
    last_version bigint NOT NULL,
    PRIMARY KEY (account, region, name)
);

CREATE TABLE lambda_layer_version (
    account                  text        NOT NULL,
    region                   text        NOT NULL,
    name                     text        COLLATE "C" NOT NULL,
    version                  bigint      NOT NULL,
    layer_arn                text        NOT NULL,
    arn                      text        NOT NULL UNIQUE,
    spec                     json        NOT NULL,
    code_sha256              text        NOT NULL,
    compatible_runtimes      text[]      NOT NULL,
    compatible_architectures text[]      NOT NULL,
    revision                 bigint      NOT NULL,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    PRIMARY KEY (account, region, name, version)
);
