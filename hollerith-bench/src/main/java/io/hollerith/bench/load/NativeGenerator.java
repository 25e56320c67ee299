package io.hollerith.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends through the C program {@code statsd_blast} ({@code hollerith-bench/src/main/c}), which
 * sends the same packets as the in-process generator with no JVM in the way: the least generator
 * work per datagram, leaving the kernel's.
 *
 * <p>Each {@link PacketPool} is written once to a file in a temporary directory ({@link
 * PacketPool#writeTo(Path)}); every run starts the program on that file, waits for it at most the
 * run's duration plus {@value #GRACE_SECONDS} s, and turns its result line ({@link NativeResult})
 * into a {@link LoadResult} through {@link LoadResult#of}, exactly as the Java generator's counts
 * are. The program inherits this process's CPU affinity ({@code taskset}). It sends from one
 * socket: {@code --threads} above 1 is refused.
 *
 * <p>Not thread-safe; one run at a time. {@link #close()} deletes the pool files.
 */
final class NativeGenerator implements Generator {

  /** How long past its duration a run may take before it is killed. */
  static final long GRACE_SECONDS = 30;

  private static final PrintStream LOG = System.err;

  private final Path binary;
  private final Path workDir;
  private final IdentityHashMap<PacketPool, Path> poolFiles = new IdentityHashMap<>();

  NativeGenerator(Path binary) throws IOException {
    if (!Files.isExecutable(binary)) {
      throw new IllegalArgumentException(
          "--generator native: " + binary + " is not an executable file (compile statsd_blast.c)");
    }
    this.binary = binary;
    this.workDir = Files.createTempDirectory("hollerith-native-generator");
  }

  @Override
  public String kind() {
    return "native";
  }

  @Override
  public LoadResult run(LoadSpec spec, PacketPool pool) throws IOException, InterruptedException {
    if (spec.threads() != 1) {
      throw new IllegalArgumentException(
          "the native generator sends from one socket; --threads "
              + spec.threads()
              + " needs --generator java");
    }
    Path poolFile = poolFile(pool);
    Path out = workDir.resolve("stdout.txt");
    Path err = workDir.resolve("stderr.txt");
    long maxPackets =
        (spec.maxMetrics() + pool.linesPerPacket() - 1) / pool.linesPerPacket(); // 0: no limit
    List<String> command =
        List.of(
            binary.toString(),
            "--pool",
            poolFile.toString(),
            "--target",
            spec.target().getAddress().getHostAddress() + ":" + spec.target().getPort(),
            "--rate",
            Long.toString(spec.rate()),
            "--duration-ms",
            Long.toString(spec.duration().toMillis()),
            "--max-packets",
            Long.toString(maxPackets));
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    long waitSeconds = spec.duration().toSeconds() + GRACE_SECONDS;
    if (!process.waitFor(waitSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IOException(
          "the native generator did not finish within " + waitSeconds + " s" + stderr(err));
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "the native generator exited with status "
              + process.exitValue()
              + " ("
              + String.join(" ", command)
              + ")"
              + stderr(err));
    }
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IOException("the native generator printed no result line" + stderr(err));
    }
    NativeResult r = NativeResult.parse(lines.get(lines.size() - 1), pool);
    if (r.retries() > 0) {
      LOG.printf("  native generator: %,d sends put off by a full socket buffer%n", r.retries());
    }
    return LoadResult.of(spec, pool, r.sentPerSlot(), r.sendErrors(), r.elapsedNanos());
  }

  private Path poolFile(PacketPool pool) throws IOException {
    Path file = poolFiles.get(pool);
    if (file == null) {
      file = workDir.resolve("pool-" + poolFiles.size() + ".bin");
      pool.writeTo(file);
      poolFiles.put(pool, file);
    }
    return file;
  }

  private static String stderr(Path err) throws IOException {
    String text = Files.readString(err, StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "" : "; its standard error: " + text;
  }

  @Override
  public void close() throws IOException {
    try (var files = Files.list(workDir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(workDir);
    poolFiles.clear();
  }
}
