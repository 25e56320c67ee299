package io.hollerith.server.api;

import io.hollerith.server.protocol.Sample;
import io.hollerith.server.protocol.SampleSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link LineIngestor} that feeds an HTTP body to the same parser and aggregator as UDP: the body
 * is cut at newlines into chunks of complete lines no larger than the parser's packet limit ({@code
 * protocol.max_packet_bytes}), so a 1 MiB body is not rejected as one oversized packet; a single
 * line longer than the limit is passed alone and the parser rejects and counts it, as it would over
 * UDP. Samples are counted as accepted, rejected lines as rejected with their reasons.
 *
 * <p>Wiring: {@code new ChunkedLineIngestor(() -> new LineParser(config.protocol(), stats)::parse,
 * aggregator::newWriter, config.protocol().maxPacketBytes())}. Each call makes its own parser and
 * sink (neither is thread-safe) and closes the sink when it is {@link AutoCloseable} (an aggregator
 * writer merges its buffer on close). Thread-safe.
 */
public final class ChunkedLineIngestor implements LineIngestor {

  /**
   * Parses complete lines into a sink; {@code LineParser::parse(byte[], int, int, SampleSink)}
   * fits.
   */
  @FunctionalInterface
  public interface Parser {
    void parse(byte[] packet, int offset, int length, SampleSink sink);
  }

  private final Supplier<? extends Parser> newParser;
  private final Supplier<? extends SampleSink> newSink;
  private final int maxChunkBytes;

  /**
   * @param newParser makes a parser for one request
   * @param newSink makes the sink (aggregator writer) for one request
   * @param maxChunkBytes the parser's packet size limit
   */
  public ChunkedLineIngestor(
      Supplier<? extends Parser> newParser,
      Supplier<? extends SampleSink> newSink,
      int maxChunkBytes) {
    this.newParser = Objects.requireNonNull(newParser);
    this.newSink = Objects.requireNonNull(newSink);
    if (maxChunkBytes < 1) {
      throw new IllegalArgumentException("maxChunkBytes must be positive, was " + maxChunkBytes);
    }
    this.maxChunkBytes = maxChunkBytes;
  }

  @Override
  public Result ingest(byte[] body, int length) {
    Parser parser = newParser.get();
    SampleSink target = newSink.get();
    Counting counting = new Counting(target);
    try {
      forEachChunk(
          body, length, maxChunkBytes, (b, off, len) -> parser.parse(b, off, len, counting));
    } catch (RuntimeException | Error e) {
      try {
        close(target);
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
    close(target);
    return new Result(counting.accepted, counting.rejected, counting.errors);
  }

  private static void close(SampleSink target) {
    if (target instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the ingest sink failed: " + e.getMessage(), e);
      }
    }
  }

  /** Receives one chunk. */
  @FunctionalInterface
  interface ChunkConsumer {
    void accept(byte[] bytes, int offset, int length);
  }

  /**
   * Cuts {@code body[0, length)} after newlines into chunks of at most {@code max} bytes; a line
   * longer than {@code max} becomes a chunk of its own (without its newline).
   */
  static void forEachChunk(byte[] body, int length, int max, ChunkConsumer consumer) {
    int start = 0;
    while (start < length) {
      int limit = Math.min(length, start + max);
      int end;
      if (limit == length) {
        end = length;
      } else {
        int lastNewline = -1;
        for (int i = limit - 1; i >= start; i--) {
          if (body[i] == '\n') {
            lastNewline = i;
            break;
          }
        }
        if (lastNewline >= 0) {
          end = lastNewline + 1;
        } else {
          int next = limit;
          while (next < length && body[next] != '\n') {
            next++;
          }
          consumer.accept(body, start, next - start);
          start = next + 1;
          continue;
        }
      }
      consumer.accept(body, start, end - start);
      start = end;
    }
  }

  /** Counts what the parser hands on; confined to the request's thread. */
  private static final class Counting implements SampleSink {
    private final SampleSink target;
    long accepted;
    long rejected;
    final List<String> errors = new ArrayList<>();

    Counting(SampleSink target) {
      this.target = target;
    }

    @Override
    public void accept(Sample sample) {
      accepted++;
      target.accept(sample);
    }

    @Override
    public void reject(String reason, String linePrefix) {
      rejected++;
      if (errors.size() < Result.MAX_ERRORS) {
        errors.add(reason + ": " + linePrefix);
      }
      target.reject(reason, linePrefix);
    }
  }
}
