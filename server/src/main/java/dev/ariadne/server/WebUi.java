package dev.ariadne.server;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;
import java.util.List;

/**
 * The web UI: static pages and scripts packaged in the server jar and served on the query port.
 * Every view has its own URL ({@code /search}, {@code /trace/{id}}, ...); each answers the one
 * index page, whose scripts pick the view from the URL. Assets live under {@code /static/}.
 *
 * <p>Span data is untrusted. The scripts render it as text only, and every answer carries a
 * Content-Security-Policy that allows scripts from this server alone, so that a value which
 * slipped into markup still could not run.
 */
final class WebUi {
  private static final String ROOT = "dev/ariadne/server/ui";
  private static final List<String> VIEWS = List.of(
      "/", "/search", "/trace/{traceId}", "/compare", "/map", "/services", "/services/{service}");
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
          + "frame-ancestors 'none'";

  private WebUi() {}

  static void serve(ServerBuilder sb) {
    ClassLoader loader = WebUi.class.getClassLoader();
    HttpService index = guarded(HttpFile.of(loader, ROOT + "/index.html").asService());
    for (String view : VIEWS) {
      sb.service(view, index);
    }
    sb.serviceUnder("/static/", guarded(FileService.builder(loader, ROOT).build()));
  }

  /** Adds the headers that keep a page from running anything but its own scripts. */
  private static HttpService guarded(HttpService service) {
    return service.decorate((delegate, ctx, req) -> {
      ctx.addAdditionalResponseHeader(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
      ctx.addAdditionalResponseHeader(HttpHeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
      ctx.addAdditionalResponseHeader(HttpHeaderNames.REFERRER_POLICY, "no-referrer");
      ctx.addAdditionalResponseHeader(HttpHeaderNames.CACHE_CONTROL, "no-cache");
      return delegate.serve(ctx, req);
    });
  }
}
