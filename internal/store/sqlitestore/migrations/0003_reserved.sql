-- Placeholder for migration 0003, which another branch adds (migrations are
-- numbered without gaps). When the branches merge, that branch's 0003 file
-- replaces this one.
SELECT 1;
