package dev.ariadne.sdk.data;

import dev.ariadne.api.common.Attributes;
import dev.ariadne.api.trace.SpanContext;
import dev.ariadne.api.trace.SpanKind;
import dev.ariadne.api.trace.StatusCode;
import java.util.List;

/**
 * A finished span as exporters see it. The SDK hands an exporter the ended span itself, which no
 * longer changes, so reading it needs no copy and no lock.
 */
public interface SpanData {

  String getName();

  SpanKind getKind();

  SpanContext getSpanContext();

  /** The parent's context, or {@link SpanContext#invalid()} for a root span. */
  SpanContext getParentSpanContext();

  long getStartEpochNanos();

  long getEndEpochNanos();

  Attributes getAttributes();

  /** How many attributes were set but not kept because of the span limits. */
  int getDroppedAttributesCount();

  List<EventData> getEvents();

  int getDroppedEventsCount();

  List<LinkData> getLinks();

  int getDroppedLinksCount();

  StatusCode getStatusCode();

  /** The error description, or the empty string. */
  String getStatusDescription();

  Resource getResource();

  InstrumentationScope getInstrumentationScope();
}
