package dev.ariadne.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every command has: the settings file, the address and {@code --set}. A picocli
 * mixin, so that the commands spell and read them one way.
 */
final class SettingsOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "A YAML file of settings.")
  Path configFile;

  @Option(names = "--host", description = "Address to listen on (default: 0.0.0.0).")
  String host;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting, by its key (e.g. --set shutdown.drain-seconds=30).")
  Map<String, String> set = new LinkedHashMap<>();

  /**
   * The flags given, as setting keys: the address, then {@code own} (the command's own flags), and
   * last {@code --set}, which overrides the rest.
   */
  Map<String, String> flags(Map<String, String> own) {
    Map<String, String> flags = new LinkedHashMap<>();
    putIfSet(flags, "host", host);
    flags.putAll(own);
    flags.putAll(set);
    return flags;
  }

  static void putIfSet(Map<String, String> flags, String key, String value) {
    if (value != null) flags.put(key, value);
  }
}
