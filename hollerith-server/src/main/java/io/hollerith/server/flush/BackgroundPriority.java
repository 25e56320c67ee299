package io.hollerith.server.flush;

import io.hollerith.server.config.AggregationConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the threads that do an interval's work after it closes (the flusher and the store writer) at
 * a lower CPU priority than the ingest threads, so that on a core they share, a long flush takes
 * the time the ingest threads leave instead of half the core while datagrams pile up in a socket
 * buffer (measured in BENCHMARKS.md, "the flusher below the ingest threads").
 *
 * <p>Only the scheduler's share changes: when the ingest threads are idle the background thread
 * still gets the whole core, and when they are saturated it still gets about a tenth of it at nice
 * +10 (Linux's weights), so a flush is late, never starved.
 *
 * <p>The JDK has no call that sets one thread's nice value, and HotSpot's mapping of Java
 * priorities ({@code -XX:ThreadPriorityPolicy=1}) needs command-line flags and warns when not root.
 * So on Linux the thread renices itself: it reads its id and nice value from {@code
 * /proc/thread-self} and runs {@code renice VALUE -p TID} (util-linux and BusyBox both take an
 * absolute value this way; lowering one's own priority needs no privilege). Elsewhere, or if that
 * fails, the thread keeps the process's priority and a warning says so once.
 */
public final class BackgroundPriority {

  /** The highest nice value Linux has. */
  public static final int LOWEST = AggregationConfig.MAX_BACKGROUND_NICE;

  private static final Logger LOG = LoggerFactory.getLogger(BackgroundPriority.class);

  private static final Path THREAD_SELF = Path.of("/proc/thread-self");

  /** The field of {@code /proc/.../stat} after the command name that holds the nice value. */
  private static final int NICE_FIELD_AFTER_COMM = 16;

  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private BackgroundPriority() {}

  /**
   * {@code task}, preceded by lowering the running thread's priority by {@code increment} nice
   * steps (up to {@link #LOWEST}); an increment of 0 runs {@code task} as it is.
   *
   * @param increment 0 to {@link #LOWEST}
   */
  public static Runnable lowered(int increment, Runnable task) {
    if (increment < 0 || increment > LOWEST) {
      throw new IllegalArgumentException("increment must be 0 to 19, got " + increment);
    }
    if (increment == 0) {
      return task;
    }
    return () -> {
      lowerCurrentThread(increment);
      task.run();
    };
  }

  /** The nice value of {@code /proc/...stat}'s thread, if this is Linux and it can be read. */
  public static OptionalInt niceOf(Path statFile) {
    try {
      String stat = Files.readString(statFile, StandardCharsets.US_ASCII);
      // the command name in parentheses may hold spaces and parentheses itself
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return OptionalInt.of(Integer.parseInt(fields[NICE_FIELD_AFTER_COMM]));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  private static void lowerCurrentThread(int increment) {
    String name = Thread.currentThread().getName();
    OptionalInt nice = niceOf(THREAD_SELF.resolve("stat"));
    if (nice.isEmpty()) {
      warnOnce(name, "this system has no /proc/thread-self/stat");
      return;
    }
    int target = Math.min(LOWEST, nice.getAsInt() + increment);
    try {
      // "<pid>/task/<tid>"
      String tid = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
      Process renice =
          new ProcessBuilder("renice", Integer.toString(target), "-p", tid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!renice.waitFor(10, TimeUnit.SECONDS)) {
        renice.destroyForcibly();
        warnOnce(name, "renice did not finish within 10 s");
      } else if (renice.exitValue() != 0) {
        warnOnce(name, "renice exited with " + renice.exitValue());
      } else {
        LOG.debug("{} runs at nice {}", name, target);
      }
    } catch (IOException e) {
      warnOnce(name, "renice could not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void warnOnce(String thread, String why) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn(
          "{} keeps the ingest threads' CPU priority ({}); on a shared core a long flush may cost"
              + " dropped datagrams",
          thread,
          why);
    }
  }
}
