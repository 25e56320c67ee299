package io.hollerith.server.cli;

import io.hollerith.client.Pipeline;
import io.hollerith.client.StatsClient;
import io.hollerith.client.StatsD;
import io.hollerith.client.StreamStatsClient;
import io.hollerith.client.TcpStatsClient;
import io.hollerith.client.UnixSocketStatsClient;
import io.hollerith.server.config.ConfigException;
import io.hollerith.server.config.ConfigLoader;
import io.hollerith.server.config.ListenersConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hollerith send}: sends one typed value or raw StatsD lines to a StatsD server (Hollerith
 * or any other) with the {@code hollerith-client} library, over UDP (default), TCP or a Unix stream
 * socket.
 *
 * <pre>
 * hollerith send counter hits 1 --rate 0.5
 * hollerith send gauge temp 21.5 [--delta]
 * hollerith send timing db.query 12.5
 * hollerith send set users alice
 * hollerith send --line 'hits:1|c' --line 'temp:21.5|g' --tcp --port 8125
 * hollerith send --config hollerith.yml counter hits 1
 * </pre>
 *
 * <p>Without {@code --port} it sends to the port the server's configuration gives (the file of
 * {@code --config}, then {@code HOLLERITH_LISTENERS_UDP_PORT} and the other variables, as {@code
 * serve} reads them).
 *
 * <p>Numbers are sent as pystatsd would send them: an integer as an integer, anything else as
 * Python prints the float. Raw lines are sent as given, several in as few packets as possible. Exit
 * codes: 0 sent, 1 the send failed (connection refused, unreachable), 2 bad usage. Not thread-safe
 * (a command object runs once).
 */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description =
        "Send a counter, gauge, timing or set value, or raw StatsD lines, to a StatsD server.",
    footer = {
      "",
      "Examples:",
      "  hollerith send counter hits 1 --rate 0.5",
      "  hollerith send gauge temp 21.5 --delta",
      "  hollerith send timing db.query 12.5 --tag env:prod",
      "  hollerith send set users alice --tcp",
      "  hollerith send --line 'hits:1|c' --line 'temp:21.5|g' --unix /run/hollerith.sock"
    })
public final class SendCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "TYPE",
      description = "counter (c), gauge (g), timing (ms) or set (s).")
  String type;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The stat name.")
  String name;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "VALUE",
      description = "The count, gauge value, milliseconds or set member.")
  String value;

  @Option(
      names = "--line",
      paramLabel = "LINE",
      description = "A raw StatsD line sent as is, e.g. 'hits:1|c' (repeatable; no TYPE then).")
  List<String> lines = new ArrayList<>();

  @Option(
      names = "--rate",
      paramLabel = "RATE",
      defaultValue = "1",
      description = "Sample rate in (0, 1]: send with this probability, tagged |@RATE (default 1).")
  double rate;

  @Option(names = "--delta", description = "For a gauge: change it by VALUE instead of setting it.")
  boolean delta;

  @Option(
      names = "--host",
      defaultValue = StatsClient.DEFAULT_HOST,
      description = "Server host (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      description =
          "Server port (default: listeners.udp.port, or listeners.tcp.port with "
              + "--tcp, of the configuration: --config, then HOLLERITH_* variables; 8125 without either).")
  Integer port;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "The server's YAML configuration, for the default port.")
  Path configFile;

  @Option(names = "--tcp", description = "Send over TCP instead of UDP.")
  boolean tcp;

  @Option(names = "--unix", paramLabel = "PATH", description = "Send over this Unix stream socket.")
  Path unix;

  @Option(names = "--ipv6", description = "Resolve the host to an IPv6 address.")
  boolean ipv6;

  @Option(names = "--prefix", description = "Prefix joined to NAME with a dot.")
  String prefix;

  @Option(names = "--tag", paramLabel = "K:V", description = "A DogStatsD tag (repeatable).")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--max-udp-size",
      defaultValue = "512",
      description = "Largest datagram when several lines are packed (default ${DEFAULT-VALUE}).")
  int maxUdpSize;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "Connect and write timeout for --tcp and --unix (default ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  /** The sampling random source; replaced by tests. */
  DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

  /**
   * The environment the configuration's {@code HOLLERITH_*} variables come from; replaced by tests.
   */
  Map<String, String> environment = System.getenv();

  @Override
  public Integer call() {
    validate();
    PrintWriter err = spec.commandLine().getErr();
    if (port == null && unix == null) {
      try {
        port = configuredPort();
      } catch (ConfigException e) {
        throw usage(e.getMessage());
      }
    }
    List<IOException> failures = new ArrayList<>();
    StatsD client;
    try {
      client = open(failures);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      err.println("hollerith send: " + e.getMessage());
      return 1;
    }
    try {
      StatsD target = tags.isEmpty() ? client : client.withTags(tags.toArray(new String[0]));
      if (!lines.isEmpty()) {
        try (Pipeline p = target.pipeline()) {
          for (String line : lines) {
            p.sendLine(line);
          }
        }
      } else {
        sendTyped(target);
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (UncheckedIOException e) {
      err.println("hollerith send: " + e.getMessage());
      return 1;
    } finally {
      client.close();
    }
    if (!failures.isEmpty()) {
      err.println(
          "hollerith send: sending to " + host + ":" + port + " failed: " + failures.get(0));
      return 1;
    }
    return 0;
  }

  /** The port the configured server listens on, for the transport chosen. */
  private int configuredPort() throws ConfigException {
    ListenersConfig listeners =
        new ConfigLoader().load(configFile, environment, List.of()).listeners();
    return tcp ? listeners.tcp().port() : listeners.udp().port();
  }

  private void validate() {
    if (!lines.isEmpty()) {
      if (type != null) {
        throw usage("give either TYPE NAME VALUE or --line, not both");
      }
      if (rate != 1 || delta || prefix != null || !tags.isEmpty()) {
        throw usage("--rate, --delta, --prefix and --tag do not apply to raw --line input");
      }
      return;
    }
    if (type == null || name == null || value == null) {
      throw usage("missing TYPE NAME VALUE (or --line LINE)");
    }
    if (!(rate > 0 && rate <= 1)) {
      throw usage("--rate must be in (0, 1], got " + rate);
    }
    if (delta && !isGauge(kind())) {
      throw usage("--delta applies to gauges only");
    }
    if (tcp && unix != null) {
      throw usage("--tcp and --unix are exclusive");
    }
    if (!(timeoutSeconds > 0)) {
      throw usage("--timeout must be positive, got " + timeoutSeconds);
    }
  }

  private String kind() {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "counter", "count", "c", "incr" -> "c";
      case "gauge", "g" -> "g";
      case "timing", "timer", "ms" -> "ms";
      case "set", "s" -> "s";
      default -> throw usage("unknown TYPE '" + type + "': expected counter, gauge, timing or set");
    };
  }

  private static boolean isGauge(String kind) {
    return kind.equals("g");
  }

  private StatsD open(List<IOException> failures) {
    Duration timeout = Duration.ofNanos(Math.round(timeoutSeconds * 1e9));
    if (unix != null) {
      return new UnixSocketStatsClient(unix, prefix, timeout, random, System::nanoTime);
    }
    if (tcp) {
      StreamStatsClient c =
          new TcpStatsClient(host, port, prefix, timeout, ipv6, random, System::nanoTime);
      c.connect();
      return c;
    }
    return StatsClient.builder()
        .host(host)
        .port(port)
        .prefix(prefix)
        .maxUdpSize(maxUdpSize)
        .ipv6(ipv6)
        .random(random)
        .errorHandler(failures::add)
        .build();
  }

  private void sendTyped(StatsD c) {
    switch (kind()) {
      case "c" -> {
        Long n = parseLong(value);
        if (n != null) {
          c.incr(name, n, rate);
        } else {
          c.incr(name, parseDouble(value), rate);
        }
      }
      case "g" -> {
        Long n = parseLong(value);
        if (n != null) {
          c.gauge(name, n, rate, delta);
        } else {
          c.gauge(name, parseDouble(value), rate, delta);
        }
      }
      case "ms" -> c.timing(name, parseDouble(value), rate);
      default -> c.set(name, value, rate);
    }
  }

  private static Long parseLong(String s) {
    try {
      return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private double parseDouble(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    // Java would also accept "1d", "0x1p3" or "Infinity"; accept what Python's float() accepts.
    if (!t.matches("[+-]?((\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?|inf|infinity|nan)")) {
      throw usage("VALUE must be a number, got '" + s + "'");
    }
    return switch (t.replace("+", "")) {
      case "inf", "infinity" -> Double.POSITIVE_INFINITY;
      case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
      case "nan", "-nan" -> Double.NaN;
      default -> Double.parseDouble(t);
    };
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
