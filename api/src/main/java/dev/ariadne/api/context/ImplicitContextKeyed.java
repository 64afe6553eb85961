package dev.ariadne.api.context;

/** A value that knows its own key, such as a span or baggage, so it can be made current directly. */
public interface ImplicitContextKeyed {

  /** Returns a context like {@code context} that also holds this value. */
  Context storeInContext(Context context);

  /** Makes this value current on the calling thread until the returned scope is closed. */
  default Scope makeCurrent() {
    return Context.current().with(this).makeCurrent();
  }
}
