-- Migration 0003 is unused (River keeps its own tables through rivermigrate);
-- kept so that the numbering has no gap.
SELECT 1;
