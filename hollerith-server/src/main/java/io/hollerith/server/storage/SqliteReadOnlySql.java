package io.hollerith.server.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.ExtendedCommand;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteLimits;

/**
 * Read-only SQL on the SQLite metric file: opened with {@code SQLITE_OPEN_READONLY} on {@code
 * metrics.db} alone (the credentials are another file), {@code ATTACH} disabled (limit 0 attached
 * databases), extension loading off, {@code PRAGMA query_only} (no temporary tables either; a query
 * is one statement, so it cannot switch this off and write in the same breath), values capped in
 * length, and a progress handler that interrupts a statement past its deadline. The transaction
 * stays open for the query, which also refuses {@code VACUUM INTO} and journal-mode changes. A
 * {@code PRAGMA} that sets a value ({@code PRAGMA x = v}, {@code PRAGMA x(v)}) is refused before it
 * runs, even one that would only change this connection, except the pragmas whose argument names
 * what to read ({@code table_info(t)} and the like). In WAL mode a read-only connection shares the
 * writer's {@code -shm} index, which exists while the store is open.
 */
final class SqliteReadOnlySql implements ReadOnlySql {

  /** A PRAGMA with an argument, after any leading white space and comments: group 1 is its name. */
  private static final Pattern PRAGMA_WITH_ARGUMENT =
      Pattern.compile(
          "^(?:\\s+|--[^\\n]*(?:\\n|$)|/\\*.*?\\*/)*PRAGMA\\s+(?:[\\w\"`\\[\\]]+\\s*\\.\\s*)?[\"`\\[]?(\\w+)[\"`\\]]?\\s*[=(]",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /** Pragmas whose argument names the table, index or depth to report on: they only read. */
  private static final Set<String> READING_PRAGMAS =
      Set.of(
          "table_info",
          "table_xinfo",
          "table_list",
          "index_info",
          "index_xinfo",
          "index_list",
          "foreign_key_list",
          "foreign_key_check",
          "integrity_check",
          "quick_check");

  /** Virtual-machine steps between deadline checks. */
  private static final int PROGRESS_STEPS = 10_000;

  private final Path file;

  SqliteReadOnlySql(Path file) {
    this.file = file;
  }

  @Override
  public Connection open(Duration timeout, int maxValueBytes) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.enableLoadExtension(false);
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    SQLiteConnection c =
        (SQLiteConnection) config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try {
      c.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
      c.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, maxValueBytes);
      try (var st = c.createStatement()) {
        st.execute("PRAGMA query_only = 1");
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      ProgressHandler.setHandler(
          c,
          PROGRESS_STEPS,
          new ProgressHandler() {
            @Override
            protected int progress() {
              return System.nanoTime() - deadline > 0 ? 1 : 0;
            }
          });
      c.setAutoCommit(false);
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  @Override
  public String refusal(String sql) {
    Matcher pragma = PRAGMA_WITH_ARGUMENT.matcher(sql);
    if (pragma.find() && !READING_PRAGMAS.contains(pragma.group(1).toLowerCase(Locale.ROOT))) {
      return "PRAGMA "
          + pragma.group(1)
          + " with a value changes a setting; only reading pragmas are allowed here";
    }
    try {
      return ExtendedCommand.parse(sql) == null
          ? null
          : "the driver's backup and restore commands are not SQL and are not allowed here";
    } catch (SQLException e) {
      return "the driver's backup and restore commands are not SQL and are not allowed here";
    }
  }

  @Override
  public boolean isTimeout(SQLException e) {
    return e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_INTERRUPT;
  }
}
