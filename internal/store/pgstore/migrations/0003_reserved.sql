-- Placeholder for migration 0003, which another branch adds. Delete this file when
-- merging that branch (this branch's own migration is 0007_activities.sql).
SELECT 1;
