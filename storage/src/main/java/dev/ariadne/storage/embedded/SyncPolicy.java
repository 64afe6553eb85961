package dev.ariadne.storage.embedded;

/**
 * How the embedded engine's write-ahead log makes appends durable: the trade between losing
 * nothing acknowledged and the cost of an fsync.
 */
public enum SyncPolicy {
  /**
   * An append returns only after an fsync that covers its record has completed, so an
   * acknowledged span survives a crash or power loss. Appends waiting at the same moment share
   * one fsync (group commit). The default.
   */
  ALWAYS,
  /**
   * An append returns once its record is written to the operating system; a background fsync
   * runs every interval. A process crash loses nothing, but a power loss or kernel crash may lose
   * the appends of the last interval, acknowledged or not.
   */
  INTERVAL
}
