package io.hollerith.server.storage;

import io.hollerith.server.config.OpsConfig.ReadOnlyRole;
import io.hollerith.server.database.DatabaseBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file ({@code <data_dir>/metrics.db}, apart from the credentials in
 * {@code auth.db}) in WAL mode.
 *
 * <p><b>Durability.</b> {@code PRAGMA synchronous=FULL} by default: every commit (one per flush
 * interval, plus the rollup's small transactions) is fsynced before {@link #write} returns, so a
 * flush reported as written survives a power loss as well as a {@code kill -9}. With WAL, {@code
 * NORMAL} would also never corrupt the file and would survive a process crash, but could lose the
 * last commits on power loss; since the store commits once per flush interval, the fsync FULL adds
 * is a few milliseconds every 10 s, so the stronger setting is the default. {@code
 * storage.sqlite_synchronous: NORMAL} is accepted for slow disks.
 *
 * <p><b>Connections.</b> SQLite allows one writer at a time, so there is exactly one write
 * connection, guarded by a fair lock (the flush writer and the rollup's small transactions take
 * turns in arrival order; each transaction is opened with {@code BEGIN IMMEDIATE}, so a write never
 * fails half-way on a lock upgrade, and nothing is held between transactions). Reads use separate
 * read-only connections from a small pool; in WAL mode they read a consistent snapshot without
 * blocking or being blocked by the writer.
 *
 * <p>Thread-safe.
 */
final class SqliteMetricStore extends JdbcMetricStore {

  private static final int MAX_READERS = 4;
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;

  private final Path file;
  private final String url;
  private final Connection writer;

  /** Fair, so a stream of rollup transactions cannot starve the flush writer (and vice versa). */
  private final ReentrantLock writeLock = new ReentrantLock(true);

  private final SQLiteConfig readConfig;
  private final BlockingQueue<Connection> idleReaders = new ArrayBlockingQueue<>(MAX_READERS);
  private final AtomicInteger openReaders = new AtomicInteger();
  private final List<Connection> allReaders = new ArrayList<>();
  private volatile boolean closed;

  private SqliteMetricStore(
      Path file, String url, Connection writer, SQLiteConfig readConfig, StoreSettings settings) {
    super(Dialect.SQLITE, settings);
    this.file = file;
    this.url = url;
    this.writer = writer;
    this.readConfig = readConfig;
  }

  /**
   * Opens (creating if needed) the database file and applies migrations.
   *
   * @param synchronous {@code FULL} or {@code NORMAL}
   * @throws StoreException if the file cannot be opened, or its schema is newer than this binary
   * @throws IllegalArgumentException for another {@code synchronous} value
   */
  static SqliteMetricStore open(Path file, String synchronous, StoreSettings settings) {
    SQLiteConfig.SynchronousMode sync =
        switch (synchronous.toUpperCase(Locale.ROOT)) {
          case "FULL" -> SQLiteConfig.SynchronousMode.FULL;
          case "NORMAL" -> SQLiteConfig.SynchronousMode.NORMAL;
          case "EXTRA" ->
              throw new IllegalArgumentException(
                  "storage.sqlite_synchronous: use FULL (EXTRA adds nothing here)");
          default ->
              throw new IllegalArgumentException(
                  "storage.sqlite_synchronous must be FULL or NORMAL (OFF risks corruption), got '"
                      + synchronous
                      + "'");
        };
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    Connection writer = null;
    try {
      DatabaseBootstrap.prepareSqliteFile(file);
      SQLiteConfig writeConfig = new SQLiteConfig();
      writeConfig.setJournalMode(SQLiteConfig.JournalMode.WAL);
      writeConfig.setSynchronous(sync);
      writeConfig.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
      writer = writeConfig.createConnection(url);

      SQLiteDataSource migrationSource = new SQLiteDataSource(writeConfig);
      migrationSource.setUrl(url);
      migrate(migrationSource, Dialect.SQLITE, null, file.toString());
      // Autocommit on, with explicit BEGIN IMMEDIATE per transaction: with autocommit off the
      // driver
      // begins the next transaction as soon as one commits, so the writer would hold SQLite's write
      // lock (or pin a WAL snapshot) between flushes.

      SQLiteConfig readConfig = new SQLiteConfig();
      readConfig.setReadOnly(true);
      readConfig.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
      return new SqliteMetricStore(file, url, writer, readConfig, settings);
    } catch (SQLException | IOException e) {
      closeQuietly(writer);
      throw new StoreException(
          "cannot open the SQLite metric database " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(writer);
      throw e;
    }
  }

  /** The database file. */
  Path file() {
    return file;
  }

  @Override
  protected <T> T inWrite(String what, SqlWork<T> work) {
    writeLock.lock();
    long operation = running.begin(what, true);
    try {
      if (closed) {
        throw new StoreException("SQLite metric store " + file + " is closed");
      }
      boolean begun = false;
      try (Statement st = writer.createStatement()) {
        st.execute("BEGIN IMMEDIATE");
        begun = true;
        T result = work.run(writer);
        st.execute("COMMIT");
        transactions.committed();
        return result;
      } catch (SQLException | RuntimeException e) {
        transactions.failed(e, begun);
        if (begun) {
          try (Statement st = writer.createStatement()) {
            st.execute("ROLLBACK");
          } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        if (e instanceof StoreException se) {
          throw se;
        }
        throw new StoreException(
            "SQLite metric store " + file + ": " + what + " failed: " + e.getMessage(),
            e,
            StoreException.isRetryable(e));
      }
    } finally {
      running.end(operation);
      writeLock.unlock();
    }
  }

  @Override
  protected <T> T inRead(String what, SqlWork<T> work) {
    Connection c = borrowReader();
    long operation = running.begin(what, false);
    try {
      return runAndEnd(c, work, false);
    } catch (StoreException | IllegalArgumentException e) {
      throw e;
    } catch (SQLException | RuntimeException e) {
      throw new StoreException(
          "SQLite metric store " + file + ": " + what + " failed: " + e.getMessage(), e);
    } finally {
      running.end(operation);
      releaseReader(c);
    }
  }

  /** One write connection and up to {@value #MAX_READERS} read connections. */
  @Override
  public Map<String, Number> connectionPool() {
    int open = Math.min(openReaders.get(), MAX_READERS);
    int idle = idleReaders.size();
    Map<String, Number> m = new LinkedHashMap<>();
    m.put("max_size", MAX_READERS + 1);
    m.put("open", open + 1);
    m.put("active", open - idle + (writeLock.isLocked() ? 1 : 0));
    m.put("idle", idle + (writeLock.isLocked() ? 0 : 1));
    m.put("waiting", writeLock.getQueueLength());
    return m;
  }

  private Connection borrowReader() {
    if (closed) {
      throw new StoreException("SQLite metric store " + file + " is closed");
    }
    Connection c = idleReaders.poll();
    if (c != null) {
      return c;
    }
    if (openReaders.incrementAndGet() <= MAX_READERS) {
      try {
        Connection created = readConfig.createConnection(url);
        created.setAutoCommit(false);
        synchronized (allReaders) {
          allReaders.add(created);
        }
        return created;
      } catch (SQLException e) {
        openReaders.decrementAndGet();
        throw new StoreException(
            "SQLite metric store " + file + ": cannot open a read connection: " + e.getMessage(),
            e);
      }
    }
    openReaders.decrementAndGet();
    try {
      c = idleReaders.poll(BUSY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted waiting for a read connection to " + file, e);
    }
    if (c == null) {
      throw new StoreException(
          "SQLite metric store "
              + file
              + ": all "
              + MAX_READERS
              + " read connections busy for "
              + BUSY_TIMEOUT_MILLIS
              + " ms");
    }
    return c;
  }

  private void releaseReader(Connection c) {
    if (closed || !idleReaders.offer(c)) {
      closeQuietly(c);
    }
  }

  @Override
  public List<TableSize> tableSizes() {
    return inRead(
        "measure tables",
        c -> {
          Map<String, String> tableOf = new HashMap<>();
          try (var st = c.createStatement();
              var rs =
                  st.executeQuery(
                      "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")) {
            while (rs.next()) {
              tableOf.put(rs.getString(1), rs.getString(2));
            }
          }
          Map<String, long[]> sizes = new TreeMap<>();
          try (var st = c.createStatement();
              var rs =
                  st.executeQuery(
                      "SELECT name, sum(pgsize), sum(CASE WHEN pagetype = 'leaf' THEN ncell ELSE 0 END)"
                          + " FROM dbstat GROUP BY name")) {
            while (rs.next()) {
              String btree = rs.getString(1);
              String table = tableOf.getOrDefault(btree, btree);
              long[] acc = sizes.computeIfAbsent(table, t -> new long[3]);
              acc[0] += rs.getLong(2);
              if (btree.equals(table)) {
                acc[1] += rs.getLong(2);
                acc[2] += rs.getLong(3);
              }
            }
          }
          List<TableSize> out = new ArrayList<>();
          sizes.forEach(
              (table, v) -> {
                if (!table.startsWith("sqlite_")) {
                  out.add(new TableSize(table, v[0], v[1], v[2]));
                }
              });
          out.sort(Comparator.comparingLong(TableSize::totalBytes).reversed());
          return out;
        });
  }

  @Override
  public ReadOnlySql readOnlySql(ReadOnlyRole role) {
    return new SqliteReadOnlySql(file);
  }

  @Override
  public Map<String, Object> databaseStats() {
    List<TableSize> sizes = tableSizes();
    long[] pragmas =
        inRead(
            "read database pragmas",
            c ->
                new long[] {
                  pragma(c, "page_size"),
                  pragma(c, "page_count"),
                  pragma(c, "freelist_count"),
                  pragma(c, "cache_size")
                });
    long[] checkpoint = walCheckpointState();
    long walBytes = fileSize(Path.of(file + "-wal"));
    return SqliteDatabaseStats.build(
        new SqliteDatabaseStats.Facts(
            file.getFileName().toString(),
            sizes,
            pragmas[0],
            pragmas[1],
            pragmas[2],
            pragmas[3],
            walBytes,
            checkpoint,
            MAX_READERS + 1,
            openReaders.get() - idleReaders.size(),
            idleReaders.size(),
            writeLock.isLocked(),
            writeLock.getQueueLength(),
            transactions.commits(),
            transactions.rollbacks(),
            transactions.busy(),
            running.snapshot(),
            System.nanoTime()));
  }

  private static long pragma(Connection c, String name) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * A passive checkpoint on the writer (what SQLite's auto-checkpoint does anyway): it never blocks
   * a reader and reports {@code busy, WAL frames, checkpointed frames}.
   */
  private long[] walCheckpointState() {
    writeLock.lock();
    try {
      if (closed) {
        throw new StoreException("SQLite metric store " + file + " is closed");
      }
      try (var st = writer.createStatement();
          var rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
        return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : new long[3];
      } catch (SQLException e) {
        throw new StoreException(
            "SQLite metric store " + file + ": checkpoint state failed: " + e.getMessage(), e);
      }
    } finally {
      writeLock.unlock();
    }
  }

  private static long fileSize(Path path) {
    try {
      return Files.exists(path) ? Files.size(path) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(writer);
    } finally {
      writeLock.unlock();
    }
    synchronized (allReaders) {
      allReaders.forEach(SqliteMetricStore::closeQuietly);
      allReaders.clear();
    }
    idleReaders.clear();
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing: nothing useful to do
      }
    }
  }
}
