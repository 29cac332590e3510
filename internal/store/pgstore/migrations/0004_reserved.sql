-- Placeholder: this number belongs to another branch's migration (numbers are
-- handed out per branch and must have no gaps). Delete this file when merging
-- that branch.
SELECT 1;
