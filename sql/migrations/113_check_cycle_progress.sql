-- Progress of a check cycle's computation, readable while it runs (the engines commit nothing until
-- the end): {done, total, step, startedAt}; NULL when no computation is running. A second
-- computation of the same cycle is refused while one is running (server/check/cycle-service.ts).
ALTER TABLE app.check_cycle ADD COLUMN progress jsonb;
