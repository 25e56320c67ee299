package io.hollerith.server.cli;

import io.hollerith.server.config.ConfigException;
import io.hollerith.server.config.ConfigLoader;
import io.hollerith.server.config.HollerithConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options that choose a configuration, shared by every command that works on the configured
 * node ({@code serve}, {@code user}, {@code tenant}, {@code namespace}): the YAML file, then
 * {@code HOLLERITH_*} environment variables, then these options, each overriding the one before.
 */
public final class ConfigOptions {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file (see hollerith.example.yml).")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one key, e.g. --set listeners.udp.port=9125.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Same as --set data_dir=DIR.")
  String dataDir;

  /** Loads the configuration these options name, with {@code extra} overrides applied last. */
  HollerithConfig load(List<String> extra) throws ConfigException {
    List<String> all = new ArrayList<>();
    if (dataDir != null) {
      all.add("data_dir=" + dataDir);
    }
    all.addAll(extra);
    all.addAll(overrides);
    return new ConfigLoader().load(configFile, System.getenv(), all);
  }

  /**
   * For commands that take a {@code Supplier<HollerithConfig>}: a configuration error becomes a
   * parameter error, which picocli reports with the command's usage and exit status 2.
   */
  HollerithConfig loadOrFail(CommandLine commandLine) {
    try {
      return load(List.of());
    } catch (ConfigException e) {
      throw new CommandLine.ParameterException(commandLine, "hollerith: " + e.getMessage());
    }
  }
}
