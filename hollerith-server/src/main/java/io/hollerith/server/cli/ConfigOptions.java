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
 * node ({@code serve}, {@code user}, {@code tenant}, {@code namespace}): the YAML file, then {@code
 * HOLLERITH_*} environment variables, then these options, each overriding the one before.
 */
public final class ConfigOptions {

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "YAML configuration file (see hollerith.example.yml).")
  Path configFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Overrides one key, e.g. --set listeners.udp.port=9125.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Same as --set data_dir=DIR.")
  String dataDir;

  /** What the last {@link #load} warned about (e.g. an unknown {@code HOLLERITH_*} variable). */
  List<String> warnings = List.of();

  /** Loads the configuration these options name, with {@code extra} overrides applied last. */
  HollerithConfig load(List<String> extra) throws ConfigException {
    List<String> all = new ArrayList<>();
    if (dataDir != null) {
      all.add("data_dir=" + dataDir);
    }
    all.addAll(extra);
    all.addAll(overrides);
    ConfigLoader loader = new ConfigLoader();
    try {
      return loader.load(configFile, System.getenv(), all);
    } finally {
      warnings = loader.warnings();
    }
  }

  /**
   * For commands that take a {@code Supplier<HollerithConfig>}: a configuration error becomes a
   * parameter error, which picocli reports with the command's usage and exit status 2.
   */
  HollerithConfig loadOrFail(CommandLine commandLine) {
    try {
      HollerithConfig config = load(List.of());
      warnings.forEach(w -> System.err.println("hollerith: warning: " + w));
      return config;
    } catch (ConfigException e) {
      throw new CommandLine.ParameterException(commandLine, "hollerith: " + e.getMessage());
    }
  }
}
