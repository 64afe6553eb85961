package dev.ariadne.api.context;

/**
 * The period during which a context is current on a thread; closing it restores what was current
 * before. Close it in try-with-resources on the thread that opened it. Closing twice does nothing;
 * closing out of order or on another thread is reported once and never corrupts a thread's current
 * context: that is always the context of the newest scope still open on the thread. A scope closed
 * on another thread is closed for the thread that opened it too, which no longer sees its context
 * as current once {@code close()} has returned.
 */
public interface Scope extends AutoCloseable {

  /** A scope that restores nothing, for values that were already current. */
  static Scope noop() {
    return NoopScope.INSTANCE;
  }

  @Override
  void close();
}
