package io.hollerith.server.storage;

import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import io.hollerith.server.jobs.TaskStore;
import io.hollerith.server.jobs.WorkerHeartbeats;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Task history ({@code tasks}) and worker heartbeats ({@code nodes.heartbeat_at}, {@code
 * nodes.heartbeat}) in the metric database, on the store's own connections. Thread-safe.
 */
final class JdbcJobRecords implements TaskStore, WorkerHeartbeats {

  private static final String COLUMNS =
      "id, node, job_id, state, scheduled_at, started_at, ended_at, output, error";

  private final JdbcMetricStore store;

  JdbcJobRecords(JdbcMetricStore store) {
    this.store = store;
  }

  @Override
  public void save(Task t) {
    store.inWrite(
        "save task " + t.id(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO tasks ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (id) DO UPDATE SET state = excluded.state, started_at = excluded.started_at,"
                      + " ended_at = excluded.ended_at, output = excluded.output, error = excluded.error")) {
            ps.setString(1, t.id());
            ps.setString(2, t.nodeId());
            ps.setString(3, t.jobId());
            ps.setString(4, t.state().label());
            ps.setLong(5, t.scheduledAt().toEpochMilli());
            setTime(ps, 6, t.startedAt());
            setTime(ps, 7, t.endedAt());
            ps.setString(8, t.output());
            ps.setString(9, t.error());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public List<Task> recent(String nodeId, int limit) {
    return store.inRead(
        "load tasks",
        c -> {
          List<Task> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM tasks WHERE node = ?"
                      + " ORDER BY scheduled_at DESC, id DESC LIMIT ?")) {
            ps.setString(1, nodeId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(task(rs));
              }
            }
          }
          Collections.reverse(out);
          return out;
        });
  }

  @Override
  public Optional<Task> find(String taskId) {
    return store.inRead(
        "find task",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE id = ?")) {
            ps.setString(1, taskId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(task(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public void prune(String nodeId, int keep) {
    update(
        "prune tasks",
        "DELETE FROM tasks WHERE node = ? AND id NOT IN"
            + " (SELECT id FROM tasks WHERE node = ? ORDER BY scheduled_at DESC, id DESC LIMIT ?)",
        nodeId,
        nodeId,
        keep);
  }

  @Override
  public void beat(String nodeId, long atMillis, String report) {
    update(
        "heartbeat",
        "INSERT INTO nodes (name, heartbeat_at, heartbeat) VALUES (?, ?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, heartbeat = excluded.heartbeat",
        nodeId,
        atMillis,
        report);
  }

  /** One statement in a write transaction; every parameter is non-null. */
  private void update(String what, String sql, Object... parameters) {
    store.inWrite(
        what,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
              ps.setObject(i + 1, parameters[i]);
            }
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public List<Heartbeat> since(long sinceMillis) {
    return store.inRead(
        "read heartbeats",
        c -> {
          List<Heartbeat> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT name, heartbeat_at, heartbeat FROM nodes"
                      + " WHERE heartbeat_at >= ? ORDER BY name")) {
            ps.setLong(1, sinceMillis);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new Heartbeat(rs.getString(1), rs.getLong(2), rs.getString(3)));
              }
            }
          }
          return out;
        });
  }

  private static void setTime(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, t.toEpochMilli());
    }
  }

  private static Task task(ResultSet rs) throws SQLException {
    return new Task(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        TaskState.parse(rs.getString(4)),
        Instant.ofEpochMilli(rs.getLong(5)),
        time(rs, 6),
        time(rs, 7),
        rs.getString(8),
        rs.getString(9));
  }

  private static Instant time(ResultSet rs, int index) throws SQLException {
    long v = rs.getLong(index);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
