package dev.ariadne.api.context;

/**
 * The period during which a context is current on a thread; closing it restores what was current
 * before. Close it in try-with-resources on the thread that opened it. Closing twice does nothing;
 * closing out of order is reported once and never corrupts the thread's current context.
 */
public interface Scope extends AutoCloseable {

  /** A scope that restores nothing, for values that were already current. */
  static Scope noop() {
    return NoopScope.INSTANCE;
  }

  @Override
  void close();
}
