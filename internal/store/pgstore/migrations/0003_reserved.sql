-- Placeholder for migration 0003 (another branch's); replaced when it merges.
SELECT 1;
