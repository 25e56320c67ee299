package io.hollerith.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hollerith.server.jobs.JobProgram;
import io.hollerith.server.jobs.RunContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The job program {@code stats} (Apsis: {@code apsis.program.internal.stats.StatsProgram}): its
 * output is the {@link InternalStats} object as compact JSON; with a {@code path}, it also appends
 * that JSON and a newline to the file (JSON Lines), creating the file but not its directory. The
 * path is a {@link PathTemplate} over the run's variables ({@code date}, {@code time}, {@code
 * job_id} and the job's params). A missing directory or an unknown variable fails the run, naming
 * it. The file the latest run appended to is its {@linkplain #currentFile() current output file},
 * which the file routes refuse to delete. Thread-safe.
 */
public final class StatsProgram implements JobProgram {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final InternalStats stats;
  private final PathTemplate path;
  private volatile Path currentFile;

  /**
   * @param path the file template, or null to produce the output only
   */
  public StatsProgram(InternalStats stats, String path) {
    this.stats = stats;
    this.path = path == null ? null : new PathTemplate(path);
  }

  @Override
  public String run(RunContext run) throws IOException {
    Path file = path == null ? null : Path.of(path.expand(run.variables()));
    String json = JSON.writeValueAsString(stats.snapshot());
    if (file != null) {
      try {
        Files.writeString(
            file,
            json + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND,
            StandardOpenOption.WRITE);
        currentFile = file.toAbsolutePath().normalize();
      } catch (NoSuchFileException e) {
        throw new IOException(
            "cannot append the stats to "
                + file
                + ": its directory "
                + file.getParent()
                + " does not exist",
            e);
      } catch (IOException e) {
        throw new IOException("cannot append the stats to " + file + ": " + e, e);
      }
    }
    return json;
  }

  /** The absolute file the latest run appended to, or null before any did (or without a path). */
  public Path currentFile() {
    return currentFile;
  }

  @Override
  public String toString() {
    return "internal stats";
  }
}
