package dev.ariadne.sdk.sampling;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.context.Context;
import dev.ariadne.api.trace.Span;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.sdk.data.LinkData;
import java.util.List;
import java.util.Objects;

/**
 * Keeps a trace's decision consistent: a span with a parent follows the parent's sampled flag (by
 * default), and a root span asks the root sampler. Each of the four parent cases can be given its
 * own sampler.
 */
public final class ParentBasedSampler implements Sampler {
  private final Sampler root;
  private final Sampler remoteParentSampled;
  private final Sampler remoteParentNotSampled;
  private final Sampler localParentSampled;
  private final Sampler localParentNotSampled;

  private ParentBasedSampler(Builder b) {
    root = b.root;
    remoteParentSampled = b.remoteParentSampled;
    remoteParentNotSampled = b.remoteParentNotSampled;
    localParentSampled = b.localParentSampled;
    localParentNotSampled = b.localParentNotSampled;
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      long traceIdHigh,
      long traceIdLow,
      String name,
      SpanKind kind,
      Attributes attributes,
      List<LinkData> links) {
    SpanContext parent = Span.fromContext(parentContext).getSpanContext();
    Sampler delegate;
    if (!parent.isValid()) {
      delegate = root;
    } else if (parent.isRemote()) {
      delegate = parent.isSampled() ? remoteParentSampled : remoteParentNotSampled;
    } else {
      delegate = parent.isSampled() ? localParentSampled : localParentNotSampled;
    }
    return delegate.shouldSample(parentContext, traceIdHigh, traceIdLow, name, kind, attributes, links);
  }

  @Override
  public String getDescription() {
    return "ParentBased{root:" + root.getDescription()
        + ",remoteParentSampled:" + remoteParentSampled.getDescription()
        + ",remoteParentNotSampled:" + remoteParentNotSampled.getDescription()
        + ",localParentSampled:" + localParentSampled.getDescription()
        + ",localParentNotSampled:" + localParentNotSampled.getDescription() + '}';
  }

  @Override
  public String toString() {
    return getDescription();
  }

  /** Builds a {@link ParentBasedSampler}; parents' decisions are followed unless changed here. */
  public static final class Builder {
    private final Sampler root;
    private Sampler remoteParentSampled = Sampler.alwaysOn();
    private Sampler remoteParentNotSampled = Sampler.alwaysOff();
    private Sampler localParentSampled = Sampler.alwaysOn();
    private Sampler localParentNotSampled = Sampler.alwaysOff();

    Builder(Sampler root) {
      this.root = Objects.requireNonNull(root, "root");
    }

    public Builder setRemoteParentSampled(Sampler sampler) {
      remoteParentSampled = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    public Builder setRemoteParentNotSampled(Sampler sampler) {
      remoteParentNotSampled = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    public Builder setLocalParentSampled(Sampler sampler) {
      localParentSampled = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    public Builder setLocalParentNotSampled(Sampler sampler) {
      localParentNotSampled = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    public ParentBasedSampler build() {
      return new ParentBasedSampler(this);
    }
  }
}
