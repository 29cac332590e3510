-- Placeholder on branch h-versions only: migrations must be numbered without
-- gaps, and this branch owns 0006. The real 0005 comes from another branch;
-- delete this file when merging.
SELECT 1;
