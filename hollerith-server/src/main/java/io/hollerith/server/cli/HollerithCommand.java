package io.hollerith.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hollerith} command line: {@code serve} runs the server; the other subcommands are tools. */
@Command(
    name = "hollerith",
    mixinStandardHelpOptions = true,
    versionProvider = HollerithCommand.Version.class,
    description = "A StatsD-compatible statistics server.",
    subcommands = {ServeCommand.class, SendCommand.class, CommandLine.HelpCommand.class})
public final class HollerithCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new HollerithCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar manifest, or says it is a development build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = HollerithCommand.class.getPackage().getImplementationVersion();
      return new String[] {"hollerith " + (v != null ? v : "(development build)")};
    }
  }
}
