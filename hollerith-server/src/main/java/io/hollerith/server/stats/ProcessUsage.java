package io.hollerith.server.stats;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What {@code getrusage(RUSAGE_SELF)} reports, read without native code: on Linux from {@code
 * /proc/self/stat} (user and system CPU time, in the kernel's fixed 100 ticks per second) and
 * {@code /proc/self/status} ({@code VmHWM}, the resident-set high-water mark); elsewhere the user
 * time is the JVM's process CPU time (user and system together) and the other two are unknown. Each
 * reading is a fresh look; thread-safe.
 *
 * @param procDir the {@code /proc/self} directory (a test may point elsewhere)
 */
public record ProcessUsage(Path procDir) {

  /**
   * Linux's {@code USER_HZ}: {@code /proc} reports CPU time in hundredths of a second on every
   * architecture.
   */
  private static final double TICKS_PER_SECOND = 100.0;

  /** The running process. */
  public static ProcessUsage self() {
    return new ProcessUsage(Path.of("/proc/self"));
  }

  /** Highest resident set size, bytes ({@code ru_maxrss}); empty when unknown. */
  public OptionalLong maxRssBytes() {
    try {
      for (String line : Files.readAllLines(procDir.resolve("status"))) {
        if (line.startsWith("VmHWM:")) {
          return OptionalLong.of(Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unexpected format: unknown
    }
    return OptionalLong.empty();
  }

  /**
   * User CPU time, seconds ({@code ru_utime}); elsewhere than Linux the JVM's whole process CPU
   * time.
   */
  public OptionalDouble userSeconds() {
    OptionalDouble fromProc = statField(13);
    if (fromProc.isPresent()) {
      return fromProc;
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      return OptionalDouble.of(os.getProcessCpuTime() / 1e9);
    }
    return OptionalDouble.empty();
  }

  /** System CPU time, seconds ({@code ru_stime}); empty when unknown. */
  public OptionalDouble systemSeconds() {
    return statField(14);
  }

  /** Field {@code index} (0-based, counting from the pid) of {@code stat}, in ticks, as seconds. */
  private OptionalDouble statField(int index) {
    try {
      String stat = Files.readString(procDir.resolve("stat"));
      // The command name (field 1) is in parentheses and may hold spaces: count from after it.
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      return OptionalDouble.of(Long.parseLong(rest[index - 2]) / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return OptionalDouble.empty();
    }
  }
}
