package dev.ariadne.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ariadne} command. */
@Command(
    name = "ariadne",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Ariadne, a distributed tracing system.",
    subcommands = {ServerCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: server");
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ariadne " + (version == null ? "dev" : version)};
    }
  }
}
