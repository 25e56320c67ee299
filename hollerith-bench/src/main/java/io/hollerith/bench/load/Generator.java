package io.hollerith.bench.load;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Who sends a {@link Measure} run's packets: the in-process {@link LoadGenerator} ({@code java},
 * the default) or the C program {@code statsd_blast} ({@code native:/path/to/binary}, {@link
 * NativeGenerator}). Both send the same {@link PacketPool} and report a {@link LoadResult}, so
 * trials are judged alike whichever sent them.
 *
 * <p>Not thread-safe; one run at a time.
 */
interface Generator extends AutoCloseable {

  /** The generator of {@code --generator java} (the default). */
  Generator JAVA =
      new Generator() {
        @Override
        public LoadResult run(LoadSpec spec, PacketPool pool)
            throws IOException, InterruptedException {
          return LoadGenerator.run(spec, pool);
        }

        @Override
        public String kind() {
          return "java";
        }
      };

  /** Sends {@code spec}'s load from {@code pool} (built for the spec's shape) and reports it. */
  LoadResult run(LoadSpec spec, PacketPool pool) throws IOException, InterruptedException;

  /** {@code java} or {@code native}, as results and reports name it. */
  String kind();

  /** Releases what the generator keeps between runs (the native one's pool files). */
  @Override
  default void close() throws IOException {}

  /** The generator an option value names: {@code java} or {@code native:/path/to/statsd_blast}. */
  static Generator parse(String option) throws IOException {
    if (option.equals("java")) {
      return JAVA;
    }
    if (option.startsWith("native:") && option.length() > "native:".length()) {
      return new NativeGenerator(Path.of(option.substring("native:".length())));
    }
    throw new IllegalArgumentException(
        "--generator: java or native:/path/to/statsd_blast, got '" + option + "'");
  }
}
