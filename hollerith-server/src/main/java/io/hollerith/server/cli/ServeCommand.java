package io.hollerith.server.cli;

import io.hollerith.server.HollerithServer;
import io.hollerith.server.config.ConfigException;
import io.hollerith.server.config.ConfigLoader;
import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.logging.LoggingSetup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hollerith serve}: runs the server until SIGTERM or SIGINT. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the server on its embedded defaults, or as configured.",
      "Precedence: --set and the options below, then HOLLERITH_* environment variables, then the file."
    })
public final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file (see hollerith.example.yml).")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one key, e.g. --set listeners.udp.port=9125.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Same as --set data_dir=DIR.")
  String dataDir;

  @Option(names = "--log-format", paramLabel = "text|json", description = "Same as --set logging.format=...")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    List<String> all = new ArrayList<>();
    if (dataDir != null) {
      all.add("data_dir=" + dataDir);
    }
    if (logFormat != null) {
      all.add("logging.format=" + logFormat);
    }
    all.addAll(overrides);
    HollerithConfig config;
    try {
      config = new ConfigLoader().load(configFile, System.getenv(), all);
    } catch (ConfigException e) {
      System.err.println("hollerith: " + e.getMessage());
      return 2;
    }
    LoggingSetup.apply(config.logging());
    HollerithServer server = new HollerithServer(config);
    try {
      server.start();
    } catch (Exception e) {
      LOG.error("start-up failed: {}", e.getMessage(), e);
      server.close();
      return 1;
    }
    ShutdownSignals.install(server::close);
    server.awaitTermination();
    return 0;
  }
}
