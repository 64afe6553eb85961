package dev.ariadne.storage.embedded;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** What a class logs while this is open, for tests of what an operator is told. */
final class CapturedLogs implements AutoCloseable {
  /** Held so that the logger, and the handler on it, is not collected while open. */
  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  CapturedLogs(Class<?> source) {
    logger = Logger.getLogger(source.getName());
    logger.addHandler(handler);
  }

  /** The messages logged at {@code level}, formatted, in the order logged. */
  List<String> messages(Level level) {
    SimpleFormatter formatter = new SimpleFormatter();
    return records.stream()
        .filter(record -> record.getLevel().equals(level))
        .map(formatter::formatMessage)
        .toList();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
