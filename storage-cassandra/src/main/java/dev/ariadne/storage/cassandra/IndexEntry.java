package dev.ariadne.storage.cassandra;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.StatusCode;
import dev.ariadne.storage.Storage;
import dev.ariadne.storage.TraceQuery;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One partition of the span index, without its time bucket: what a span is found by. A search
 * reads the entry of its most selective criterion and checks every trace it names with {@link
 * TraceQuery#matches}, so an entry only needs to name a superset of the matching traces: a text too
 * long for a partition key is indexed by its hash, and a hash collision costs one more trace read.
 */
record IndexEntry(String field, String key, String value) {
  /** Every span. */
  static final IndexEntry ALL = new IndexEntry("*", "", "");
  /** Every span with status ERROR. */
  static final IndexEntry ERRORS = new IndexEntry("e", "", "");

  /**
   * Texts longer than this (in chars) are indexed by their hash: Cassandra refuses partition keys
   * over 64 KiB, and a value that long is not listed either.
   */
  static final int MAX_INDEXED_LENGTH = Storage.MAX_LISTED_VALUE_LENGTH;

  static IndexEntry service(String service) {
    return new IndexEntry("s", "", indexed(service));
  }

  static IndexEntry serviceErrors(String service) {
    return new IndexEntry("se", "", indexed(service));
  }

  static IndexEntry spanName(String name) {
    return new IndexEntry("n", "", indexed(name));
  }

  static IndexEntry serviceSpanName(String service, String name) {
    return new IndexEntry("sn", indexed(service), indexed(name));
  }

  static IndexEntry attribute(String key, String text) {
    return new IndexEntry("a", indexed(key), indexed(text));
  }

  /** The entries a span is found by. */
  static Set<IndexEntry> of(Span span) {
    Set<IndexEntry> entries = new LinkedHashSet<>();
    String service = span.serviceName();
    entries.add(ALL);
    entries.add(service(service));
    entries.add(spanName(span.name()));
    entries.add(serviceSpanName(service, span.name()));
    if (span.statusCode() == StatusCode.ERROR) {
      entries.add(ERRORS);
      entries.add(serviceErrors(service));
    }
    addAttributes(entries, span.attributes());
    addAttributes(entries, span.resource().attributes());
    return entries;
  }

  private static void addAttributes(Set<IndexEntry> entries, List<Attribute> attributes) {
    for (Attribute attribute : attributes) {
      String text = TraceQuery.searchableText(attribute.value());
      if (text != null) {
        entries.add(attribute(attribute.key(), text));
      }
    }
  }

  /**
   * The entry a query reads: its first attribute, else its service and span name, its span name,
   * its service's errors, all errors, its service, or every span, as Jaeger prefers tags, then
   * operations, then services.
   */
  static IndexEntry forQuery(TraceQuery query) {
    Map<String, String> attributes = query.attributes();
    if (!attributes.isEmpty()) {
      Map.Entry<String, String> first = attributes.entrySet().iterator().next();
      return attribute(first.getKey(), first.getValue());
    }
    String service = query.serviceName().orElse(null);
    String name = query.spanName().orElse(null);
    boolean errors = query.statusCode().orElse(null) == StatusCode.ERROR;
    if (service != null && name != null) {
      return serviceSpanName(service, name);
    } else if (name != null) {
      return spanName(name);
    } else if (service != null) {
      return errors ? serviceErrors(service) : service(service);
    }
    return errors ? ERRORS : ALL;
  }

  /** The text as the index keeps it: as is, or a hash of it if it is too long for a key. */
  static String indexed(String text) {
    if (text.length() <= MAX_INDEXED_LENGTH) {
      return text;
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8));
      return "\0sha256:" + Base64.getEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
