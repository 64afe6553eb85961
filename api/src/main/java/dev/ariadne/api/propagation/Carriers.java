package dev.ariadne.api.propagation;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Ready getters and setters for the common carriers: a {@code Map<String, String>} (exact field
 * names) and HTTP headers as {@code Map<String, List<String>>} (field names matched
 * case-insensitively; repeated headers joined with commas, as HTTP allows).
 */
public final class Carriers {
  private Carriers() {}

  public static TextMapGetter<Map<String, String>> mapGetter() {
    return MapCarrier.INSTANCE;
  }

  public static TextMapSetter<Map<String, String>> mapSetter() {
    return MapCarrier.INSTANCE;
  }

  public static TextMapGetter<Map<String, List<String>>> httpHeadersGetter() {
    return HttpHeadersCarrier.INSTANCE;
  }

  public static TextMapSetter<Map<String, List<String>>> httpHeadersSetter() {
    return HttpHeadersCarrier.INSTANCE;
  }

  private enum MapCarrier
      implements TextMapGetter<Map<String, String>>, TextMapSetter<Map<String, String>> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier == null ? Collections.emptyList() : carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }

    @Override
    public void set(Map<String, String> carrier, String key, String value) {
      if (carrier != null && key != null && value != null) carrier.put(key, value);
    }
  }

  private enum HttpHeadersCarrier
      implements TextMapGetter<Map<String, List<String>>>, TextMapSetter<Map<String, List<String>>> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Map<String, List<String>> carrier) {
      return carrier == null ? Collections.emptyList() : carrier.keySet();
    }

    @Override
    public String get(Map<String, List<String>> carrier, String key) {
      if (carrier == null || key == null) return null;
      List<String> values = carrier.get(key);
      if (values == null) {
        for (Map.Entry<String, List<String>> e : carrier.entrySet()) {
          if (key.equalsIgnoreCase(e.getKey())) {
            values = e.getValue();
            break;
          }
        }
      }
      if (values == null || values.isEmpty()) return null;
      return values.size() == 1 ? values.get(0) : String.join(",", values);
    }

    @Override
    public void set(Map<String, List<String>> carrier, String key, String value) {
      if (carrier == null || key == null || value == null) return;
      carrier.keySet().removeIf(k -> k != null && k.equalsIgnoreCase(key));
      carrier.put(key, List.of(value));
    }
  }
}
