-- Job runs (tasks) of every node, so a node's history survives its restart and any node can answer
-- for a task another node ran. Each node keeps its newest tasks only (jobs.task_history). Times are
-- epoch milliseconds; node is the writing node's node_id.
CREATE TABLE tasks (
  id           TEXT PRIMARY KEY,
  node         TEXT NOT NULL,
  job_id       TEXT NOT NULL,
  state        TEXT NOT NULL,
  scheduled_at INTEGER NOT NULL,
  started_at   INTEGER,
  ended_at     INTEGER,
  output       TEXT,
  error        TEXT
);
CREATE INDEX tasks_by_node ON tasks (node, scheduled_at);

-- Worker heartbeats: each node writes when it last beat and its worker report (JSON: its task lists
-- and statistics); a node that has not beaten for three intervals is no longer listed.
ALTER TABLE nodes ADD COLUMN heartbeat_at INTEGER;
ALTER TABLE nodes ADD COLUMN heartbeat TEXT;
