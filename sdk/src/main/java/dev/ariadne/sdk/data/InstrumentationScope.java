package dev.ariadne.sdk.data;

import java.util.Objects;

/** The instrumentation library that created a span: the name and version given to a tracer. */
public final class InstrumentationScope {
  private final String name;
  private final String version;

  private InstrumentationScope(String name, String version) {
    this.name = name;
    this.version = version;
  }

  /** A scope; {@code version} may be null. */
  public static InstrumentationScope create(String name, String version) {
    return new InstrumentationScope(Objects.requireNonNull(name, "name"), version);
  }

  public String getName() {
    return name;
  }

  /** The version, or null. */
  public String getVersion() {
    return version;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof InstrumentationScope)) return false;
    InstrumentationScope that = (InstrumentationScope) o;
    return name.equals(that.name) && Objects.equals(version, that.version);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Objects.hashCode(version);
  }

  @Override
  public String toString() {
    return version == null ? name : name + '@' + version;
  }
}
