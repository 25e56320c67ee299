package io.hollerith.server.cli;

import io.hollerith.server.HollerithServer;
import io.hollerith.server.config.ConfigException;
import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.logging.LoggingSetup;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      description = "Same as --set logging.format=...")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    HollerithConfig config;
    try {
      config =
          configOptions.load(
              logFormat == null ? List.of() : List.of("logging.format=" + logFormat));
    } catch (ConfigException e) {
      System.err.println("hollerith: " + e.getMessage());
      return 2;
    }
    LoggingSetup.apply(config.logging());
    configOptions.warnings.forEach(LOG::warn);
    HollerithServer server = new HollerithServer(config);
    try {
      server.start();
    } catch (Exception e) {
      LOG.debug("start-up failed", e);
      server.close();
      System.err.println(startupFailure(e));
      return 1;
    }
    ShutdownSignals.install(server::close);
    server.awaitTermination();
    return 0;
  }

  /**
   * One line saying why the start failed: the message of the exception (each names the listener,
   * the address or the directory), on one line; its stack trace is logged at DEBUG only.
   */
  static String startupFailure(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "hollerith: cannot start: " + message.replaceAll("\\s*\\R\\s*", " ");
  }
}
