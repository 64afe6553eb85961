package dev.ariadne.api.context;

enum NoopScope implements Scope {
  INSTANCE;

  @Override
  public void close() {}
}
