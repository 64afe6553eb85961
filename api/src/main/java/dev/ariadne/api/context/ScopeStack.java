package dev.ariadne.api.context;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The per-thread chain of open scopes. The current context is that of the newest scope still
 * open. A scope closed out of order is only marked closed; the chain unwinds past it when the
 * scopes opened after it close, so a mistake in one place never leaves a wrong span current.
 */
final class ScopeStack implements Scope {
  private static final ThreadLocal<ScopeStack> TOP = new ThreadLocal<>();
  private static final AtomicBoolean REPORTED = new AtomicBoolean();

  private final Context context;
  private final ScopeStack previous;
  private final Thread owner;
  private boolean closed;

  private ScopeStack(Context context, ScopeStack previous, Thread owner) {
    this.context = context;
    this.previous = previous;
    this.owner = owner;
  }

  static Context current() {
    ScopeStack top = TOP.get();
    return top == null ? Context.root() : top.context;
  }

  static Scope attach(Context context) {
    ScopeStack top = TOP.get();
    Context current = top == null ? Context.root() : top.context;
    if (current == context) return Scope.noop();
    ScopeStack scope = new ScopeStack(context, top, Thread.currentThread());
    TOP.set(scope);
    return scope;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (Thread.currentThread() != owner || TOP.get() != this) {
      report();
      return;
    }
    ScopeStack top = previous;
    while (top != null && top.closed) top = top.previous;
    if (top == null) {
      TOP.remove();
    } else {
      TOP.set(top);
    }
  }

  private void report() {
    if (REPORTED.compareAndSet(false, true)) {
      System.getLogger(Scope.class.getName())
          .log(
              Level.WARNING,
              "A scope was closed out of order or on another thread than the one that opened it;"
                  + " the current context is kept consistent, but the instrumentation should close"
                  + " scopes in try-with-resources. Reported once.",
              new IllegalStateException("scope closed here"));
    }
  }

  static boolean reportedForTest() {
    return REPORTED.get();
  }
}
