package dev.ariadne.sdk;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The warnings a logger writes while open: the SDK logs through System.Logger, so JUL here. */
public final class CapturedWarnings extends Handler implements AutoCloseable {
  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private CapturedWarnings(Logger logger) {
    this.logger = logger;
    logger.addHandler(this);
  }

  /** Starts capturing the warnings of the logger named after {@code source}. */
  public static CapturedWarnings of(Class<?> source) {
    return new CapturedWarnings(Logger.getLogger(source.getName()));
  }

  /** The warnings captured so far, in order. */
  public List<LogRecord> records() {
    return records;
  }

  @Override
  public void publish(LogRecord record) {
    if (record.getLevel() == Level.WARNING) records.add(record);
  }

  @Override
  public void flush() {}

  /** Stops capturing. */
  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
