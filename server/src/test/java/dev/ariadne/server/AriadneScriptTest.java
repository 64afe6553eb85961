package dev.ariadne.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ariadne} script, copied into a repository of its own whose path has a space, with a
 * {@code java} on the PATH that prints what it was asked to run: the script's own work is finding
 * the jar, building it when it must, and saying what it needs.
 */
class AriadneScriptTest {
  @TempDir Path dir;
  private Path repository;
  private Path bin;

  @BeforeEach
  void copyTheScript() throws IOException {
    repository = Files.createDirectories(dir.resolve("my repos/ariadne"));
    Files.copy(Path.of("..", "ariadne"), repository.resolve("ariadne"),
        StandardCopyOption.COPY_ATTRIBUTES);
    bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool : new String[] {"bash", "dirname", "find", "readlink"}) {
      Files.createSymbolicLink(bin.resolve(tool), which(tool));
    }
    executable(bin.resolve("java"), "#!/bin/sh\necho java \"$@\"\n");
  }

  private static Path which(String tool) {
    for (String entry : System.getenv("PATH").split(":")) {
      Path candidate = Path.of(entry, tool);
      if (Files.isExecutable(candidate)) return candidate;
    }
    throw new AssertionError(tool + " is not on the PATH");
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Runs {@code script} from {@code dir} with only {@code bin} on the PATH: output and status. */
  private String run(Path script, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = script.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true);
    builder.environment().put("PATH", bin.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return output + "[" + process.exitValue() + "]";
  }

  @Test
  void aSymlinkToTheScriptRunsTheJarOfTheRepositoryItLinksTo() throws Exception {
    Path jar = Files.createDirectories(repository.resolve("server/target")).resolve("ariadne.jar");
    Files.writeString(jar, "");
    Path link = Files.createSymbolicLink(
        Files.createDirectories(dir.resolve("home bin")).resolve("ariadne"),
        repository.resolve("ariadne"));

    assertThat(run(link, "--version")).isEqualTo(
        "java -XX:+ExitOnOutOfMemoryError -jar " + jar + " --version\n[0]");
  }

  @Test
  void withoutAJarOrMavenItSaysMavenIsNeeded() throws Exception {
    assertThat(run(repository.resolve("ariadne"), "server")).isEqualTo(
        "ariadne: the server is to be built (first run or sources changed), which needs Maven"
            + " 3.8+ (mvn), not on the PATH\n[1]");
  }
}
