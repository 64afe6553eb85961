package dev.ariadne.storage;

import static dev.ariadne.storage.TestSpans.CART;
import static dev.ariadne.storage.TestSpans.FRONTEND;
import static dev.ariadne.storage.TestSpans.MILLIS;
import static dev.ariadne.storage.TestSpans.PAYMENT;
import static dev.ariadne.storage.TestSpans.TODAY;
import static dev.ariadne.storage.TestSpans.TRACE_ID;
import static dev.ariadne.storage.TestSpans.checkout;
import static dev.ariadne.storage.TestSpans.randomSpanId;
import static dev.ariadne.storage.TestSpans.randomTraceId;
import static dev.ariadne.storage.TestSpans.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.model.Attribute;
import dev.ariadne.model.Span;
import dev.ariadne.model.SpanKind;
import dev.ariadne.model.StatusCode;
import dev.ariadne.model.TraceId;
import dev.ariadne.model.Value;
import dev.ariadne.storage.TraceSummary.ServiceSpans;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Storage} backend must have. A backend's test extends this class and
 * implements {@link #newStorage()}; it may add tests of its own.
 */
public abstract class StorageContract {
  private static final TraceId OTHER_TRACE_ID = new TraceId(0, 0x2a);

  /** The backend under test, fresh for each test. */
  protected Storage storage;

  /** A new, empty backend able to hold at least 100,000 spans; closed after the test. */
  protected abstract Storage newStorage() throws Exception;

  @BeforeEach
  void openStorage() throws Exception {
    storage = newStorage();
  }

  @AfterEach
  void closeStorage() throws IOException {
    storage.close();
  }

  // Writing and reading a trace

  @Test
  void writtenSpansAreReturnedByTraceId() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.trace(TRACE_ID))
        .containsExactlyInAnyOrderElementsOf(checkout(TRACE_ID, TODAY));
  }

  @Test
  void unknownTraceIdReturnsNoSpans() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.trace(OTHER_TRACE_ID)).isEmpty();
  }

  @Test
  void traceReturnsOnlyTheSpansOfThatTrace() throws IOException {
    List<Span> batch = new ArrayList<>(checkout(TRACE_ID, TODAY));
    batch.addAll(checkout(OTHER_TRACE_ID, TODAY));
    storage.write(batch);

    assertThat(storage.trace(OTHER_TRACE_ID))
        .containsExactlyInAnyOrderElementsOf(checkout(OTHER_TRACE_ID, TODAY));
  }

  @Test
  void spansOfATraceWrittenInSeveralBatchesAreReturnedTogether() throws IOException {
    List<Span> spans = checkout(TRACE_ID, TODAY);
    storage.write(spans.subList(3, 5));
    storage.write(spans.subList(0, 1));
    storage.write(spans.subList(1, 3));

    assertThat(storage.trace(TRACE_ID)).containsExactlyInAnyOrderElementsOf(spans);
  }

  @Test
  void spanCountCountsEverySpanOfTheTraceAsStored() throws IOException {
    List<Span> checkout = checkout(TRACE_ID, TODAY);
    storage.write(checkout.subList(0, 2));
    storage.write(checkout(OTHER_TRACE_ID, TODAY));
    storage.write(checkout.subList(2, checkout.size()));
    storage.write(checkout.subList(0, 1));

    assertThat(storage.spanCount(TRACE_ID)).isEqualTo(checkout.size() + 1)
        .isEqualTo(storage.trace(TRACE_ID).size());
    assertThat(storage.spanCount(randomTraceId())).isZero();
  }

  @Test
  void emptyBatchStoresNothing() throws IOException {
    storage.write(List.of());

    assertThat(storage.services()).isEmpty();
    assertThat(storage.search(TraceQuery.builder().build())).isEmpty();
  }

  @Test
  void batchWithANullSpanIsRejectedWhole() throws IOException {
    List<Span> batch = Arrays.asList(checkout(TRACE_ID, TODAY).get(0), null);

    assertThatThrownBy(() -> storage.write(batch)).isInstanceOf(NullPointerException.class);
    assertThat(storage.trace(TRACE_ID)).isEmpty();
  }

  @Test
  void aSpanWrittenTwiceIsReturnedTwice() throws IOException {
    Span root = checkout(TRACE_ID, TODAY).get(0);
    storage.write(List.of(root));
    storage.write(List.of(root));

    assertThat(storage.trace(TRACE_ID)).containsExactly(root, root);
  }

  /**
   * Storage keeps what it is given: spans of one ID with different content (a buggy client, or
   * Zipkin's CLIENT and SERVER halves of one span) and exact copies (a client's retry) are all
   * kept and returned, for the query APIs to tell apart, whichever write, block or merge holds them.
   */
  @Test
  void spansSharingAnIdAreAllKeptWhateverTheirContent() throws IOException {
    Span first = span(TRACE_ID, 7, 0, FRONTEND, "GET /a", SpanKind.SERVER, TODAY, MILLIS).build();
    Span other = span(TRACE_ID, 7, 0, CART, "GET /b", SpanKind.CLIENT, TODAY + 5 * MILLIS,
        2 * MILLIS).build();
    storage.write(List.of(first));
    storage.write(List.of(other, first));

    assertThat(storage.trace(TRACE_ID)).containsExactlyInAnyOrder(first, first, other);
    assertThat(storage.spanCount(TRACE_ID)).isEqualTo(3);
    for (String name : List.of("GET /a", "GET /b")) {
      assertThat(storage.search(TraceQuery.builder().spanName(name).build()))
          .singleElement().extracting(TraceSummary::spanCount).isEqualTo(3);
    }
  }

  @Test
  void returnedTraceIsAnUnmodifiableSnapshot() throws IOException {
    List<Span> spans = checkout(TRACE_ID, TODAY);
    storage.write(spans.subList(0, 2));
    List<Span> returned = storage.trace(TRACE_ID);
    storage.write(spans.subList(2, 5));

    assertThat(returned).hasSize(2);
    assertThatThrownBy(() -> returned.add(spans.get(2)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  // Search: criteria

  @Test
  void searchWithoutCriteriaFindsEveryTrace() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));
    storage.write(checkout(OTHER_TRACE_ID, TODAY + 1000 * MILLIS));

    assertThat(traceIds(TraceQuery.builder())).containsExactly(OTHER_TRACE_ID, TRACE_ID);
  }

  @Test
  void searchByServiceFindsTracesWhereAnySpanHasThatService() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));
    storage.write(List.of(
        span(OTHER_TRACE_ID, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY, MILLIS).build()));

    assertThat(traceIds(TraceQuery.builder().serviceName(CART))).containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().serviceName(FRONTEND)))
        .containsExactlyInAnyOrder(TRACE_ID, OTHER_TRACE_ID);
  }

  @Test
  void searchByAnUnknownServiceFindsNothing() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().serviceName("inventory"))).isEmpty();
  }

  @Test
  void searchBySpanNameAloneLooksInEveryService() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));
    storage.write(List.of(
        span(OTHER_TRACE_ID, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY, MILLIS).build()));

    assertThat(traceIds(TraceQuery.builder().spanName("POST /pay"))).containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().spanName("GET /"))).containsExactly(OTHER_TRACE_ID);
  }

  @Test
  void searchByServiceAndSpanNameNeedsBothOnOneSpan() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().serviceName(CART).spanName("GET /cart")))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().serviceName(PAYMENT).spanName("GET /cart")))
        .isEmpty();
    assertThat(traceIds(TraceQuery.builder().serviceName(FRONTEND).spanName("POST /pay")))
        .isEmpty();
  }

  @Test
  void searchByKindNeedsTheKindOnTheSpanWithTheServiceAndName() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().serviceName(FRONTEND).kind(SpanKind.CLIENT)))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().kind(SpanKind.SERVER).spanName("POST /pay")))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().serviceName(PAYMENT).kind(SpanKind.CLIENT)))
        .isEmpty();
    assertThat(traceIds(
        TraceQuery.builder().serviceName(CART).spanName("GET /cart").kind(SpanKind.CLIENT)))
        .isEmpty();
    assertThat(traceIds(TraceQuery.builder().kind(SpanKind.PRODUCER))).isEmpty();
  }

  @Test
  void searchByStatusNeedsTheStatusOnTheSpanThatMeetsTheOtherCriteria() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));
    TraceId allWell = new TraceId(0, 0x77);
    storage.write(List.of(
        span(allWell, 1, 0, PAYMENT, "POST /pay", SpanKind.SERVER, TODAY + MILLIS, 8 * MILLIS)
            .build()));

    assertThat(traceIds(TraceQuery.builder().statusCode(StatusCode.ERROR)))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().serviceName(PAYMENT).statusCode(StatusCode.ERROR)
        .kind(SpanKind.SERVER)))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().serviceName(CART).statusCode(StatusCode.ERROR)))
        .as("the failed span is the payment's")
        .isEmpty();
    assertThat(traceIds(TraceQuery.builder().statusCode(StatusCode.ERROR).kind(SpanKind.CLIENT)))
        .isEmpty();
    assertThat(traceIds(TraceQuery.builder().statusCode(StatusCode.UNSET).serviceName(PAYMENT)))
        .containsExactly(allWell);
    assertThat(traceIds(TraceQuery.builder().statusCode(StatusCode.OK))).isEmpty();
  }

  @Test
  void searchByAStringAttributeComparesTheString() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().attribute("http.route", "/cart")))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().attribute("http.route", "/Cart"))).isEmpty();
  }

  @Test
  void searchByAnIntegerAttributeComparesItsDecimalText() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().attribute("http.response.status_code", "200")))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().attribute("http.response.status_code", "500")))
        .isEmpty();
  }

  @Test
  void searchByABooleanAttributeComparesTrueOrFalse() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().attribute("cache.hit", "true")))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().attribute("cache.hit", "false"))).isEmpty();
  }

  @Test
  void searchByADoubleAttributeComparesItsJavaText() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().attribute("payment.amount", "12.5")))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().attribute("payment.amount", "12.50"))).isEmpty();
  }

  @Test
  void searchByAnAttributeAlsoLooksAtTheResource() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().attribute("deployment.environment", "prod")))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(
        TraceQuery.builder().serviceName(CART).attribute("deployment.environment", "prod")))
        .isEmpty();
  }

  @Test
  void searchBySeveralAttributesNeedsAllOnOneSpan() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder()
        .attribute("http.request.method", "GET")
        .attribute("http.response.status_code", "200")))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder()
        .attribute("http.request.method", "GET")
        .attribute("cache.hit", "true")))
        .isEmpty();
  }

  @Test
  void searchByServiceAndAttributeNeedsBothOnOneSpan() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().serviceName(CART).attribute("cache.hit", "true")))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(
        TraceQuery.builder().serviceName(FRONTEND).attribute("cache.hit", "true")))
        .isEmpty();
  }

  @Test
  void minDurationIncludesASpanOfExactlyThatDuration() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().serviceName(CART).minDurationNanos(26 * MILLIS)))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().serviceName(CART).minDurationNanos(26 * MILLIS + 1)))
        .isEmpty();
  }

  @Test
  void maxDurationIncludesASpanOfExactlyThatDuration() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().serviceName(PAYMENT).maxDurationNanos(8 * MILLIS)))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().serviceName(PAYMENT).maxDurationNanos(8 * MILLIS - 1)))
        .isEmpty();
  }

  @Test
  void durationIsThatOfTheMatchingSpanNotOfTheTrace() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().serviceName(CART).minDurationNanos(50 * MILLIS)))
        .isEmpty();
    assertThat(traceIds(TraceQuery.builder()
        .serviceName(FRONTEND).minDurationNanos(40 * MILLIS).maxDurationNanos(90 * MILLIS)))
        .isEmpty();
  }

  @Test
  void timeRangeIncludesItsStartAndExcludesItsEnd() throws IOException {
    storage.write(List.of(
        span(TRACE_ID, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY, MILLIS).build()));

    assertThat(traceIds(TraceQuery.builder().startEpochNanos(TODAY).endEpochNanos(TODAY + 1)))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder().startEpochNanos(TODAY + 1).endEpochNanos(TODAY + 2)))
        .isEmpty();
    assertThat(traceIds(TraceQuery.builder().startEpochNanos(TODAY - 1).endEpochNanos(TODAY)))
        .isEmpty();
  }

  @Test
  void timeRangeAppliesToTheStartOfTheMatchingSpan() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder()
        .serviceName(CART).startEpochNanos(TODAY).endEpochNanos(TODAY + 12 * MILLIS)))
        .isEmpty();
    assertThat(traceIds(TraceQuery.builder()
        .serviceName(CART).startEpochNanos(TODAY).endEpochNanos(TODAY + 12 * MILLIS + 1)))
        .containsExactly(TRACE_ID);
    assertThat(traceIds(TraceQuery.builder()
        .startEpochNanos(TODAY + 21 * MILLIS).endEpochNanos(TODAY + 22 * MILLIS)))
        .containsExactly(TRACE_ID);
  }

  @Test
  void aCancelledSearchStopsWithCancelledException() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThatThrownBy(() -> storage.search(TraceQuery.builder().cancellation(() -> true).build()))
        .isInstanceOf(CancelledException.class);
  }

  @Test
  void aSearchNotCancelledFindsWhatItWouldWithoutCancellation() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().cancellation(() -> false)))
        .containsExactly(TRACE_ID);
  }

  // Search: results

  @Test
  void searchReturnsTheNewestTraceFirst() throws IOException {
    TraceId oldest = new TraceId(0, 1);
    TraceId middle = new TraceId(0, 2);
    TraceId newest = new TraceId(0, 3);
    storage.write(checkout(middle, TODAY + 1000 * MILLIS));
    storage.write(checkout(newest, TODAY + 2000 * MILLIS));
    storage.write(checkout(oldest, TODAY));

    assertThat(traceIds(TraceQuery.builder().serviceName(CART)))
        .containsExactly(newest, middle, oldest);
  }

  @Test
  void searchReturnsTheNewestTracesUpToTheLimit() throws IOException {
    List<TraceId> newestFirst = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      TraceId traceId = new TraceId(0, 100 + i);
      storage.write(checkout(traceId, TODAY + i * 1000 * MILLIS));
      newestFirst.add(0, traceId);
    }

    assertThat(traceIds(TraceQuery.builder().serviceName(PAYMENT).limit(3)))
        .containsExactlyElementsOf(newestFirst.subList(0, 3));
    assertThat(traceIds(TraceQuery.builder()))
        .containsExactlyElementsOf(newestFirst.subList(0, TraceQuery.DEFAULT_LIMIT));
    assertThat(traceIds(TraceQuery.builder().limit(1000)))
        .containsExactlyElementsOf(newestFirst);
  }

  @Test
  void searchReturnsATraceOnceWhenSeveralOfItsSpansMatch() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(traceIds(TraceQuery.builder().attribute("http.request.method", "GET")))
        .containsExactly(TRACE_ID);
  }

  @Test
  void summaryDescribesTheWholeTraceNotOnlyTheMatchingSpan() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.search(TraceQuery.builder().serviceName(PAYMENT).build()))
        .containsExactly(new TraceSummary(
            TRACE_ID,
            Optional.of(FRONTEND),
            Optional.of("GET /checkout"),
            TODAY,
            100 * MILLIS,
            5,
            1,
            List.of(new ServiceSpans(CART, 2), new ServiceSpans(FRONTEND, 2),
                new ServiceSpans(PAYMENT, 1))));
  }

  @Test
  void summaryOfATraceWithoutItsRootSpanHasNoRoot() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY).subList(1, 5));

    TraceSummary summary = storage.search(TraceQuery.builder().build()).get(0);

    assertThat(summary.rootServiceName()).isEmpty();
    assertThat(summary.rootSpanName()).isEmpty();
    assertThat(summary.startEpochNanos()).isEqualTo(TODAY + 10 * MILLIS);
    assertThat(summary.durationNanos()).isEqualTo(30 * MILLIS);
  }

  @Test
  void summaryNamesTheEarliestOfSeveralRootSpans() throws IOException {
    storage.write(List.of(
        span(TRACE_ID, 1, 0, FRONTEND, "late root", SpanKind.SERVER, TODAY + 5, MILLIS).build(),
        span(TRACE_ID, 2, 0, CART, "early root", SpanKind.SERVER, TODAY + 1, MILLIS).build(),
        span(TRACE_ID, 3, 2, CART, "child", SpanKind.INTERNAL, TODAY, MILLIS).build(),
        span(TRACE_ID, 4, 0, PAYMENT, "later root", SpanKind.SERVER, TODAY + 9, MILLIS).build()));

    TraceSummary summary = storage.search(TraceQuery.builder().build()).get(0);

    assertThat(summary.rootServiceName()).contains(CART);
    assertThat(summary.rootSpanName()).contains("early root");
  }

  @Test
  void summaryIncludesSpansThatArrivedInLaterBatches() throws IOException {
    List<Span> spans = checkout(TRACE_ID, TODAY);
    storage.write(spans.subList(1, 3));
    storage.write(spans.subList(3, 5));
    storage.write(spans.subList(0, 1));

    TraceSummary summary = storage.search(TraceQuery.builder().build()).get(0);

    assertThat(summary.rootSpanName()).contains("GET /checkout");
    assertThat(summary.spanCount()).isEqualTo(5);
    assertThat(summary.errorCount()).isEqualTo(1);
    assertThat(summary.startEpochNanos()).isEqualTo(TODAY);
    assertThat(summary.durationNanos()).isEqualTo(100 * MILLIS);
  }

  @Test
  void searchFindsSpansAsSoonAsTheyAreWritten() throws IOException {
    List<Span> spans = checkout(TRACE_ID, TODAY);
    storage.write(spans.subList(0, 1));
    assertThat(traceIds(TraceQuery.builder().serviceName(PAYMENT))).isEmpty();

    storage.write(spans.subList(1, 5));

    assertThat(traceIds(TraceQuery.builder().serviceName(PAYMENT))).containsExactly(TRACE_ID);
  }

  // Services, operations and autocompletion

  @Test
  void noServicesBeforeAnythingIsWritten() throws IOException {
    assertThat(storage.services()).isEmpty();
  }

  @Test
  void servicesAreListedOnceEachAndSorted() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));
    storage.write(checkout(OTHER_TRACE_ID, TODAY));

    assertThat(storage.services()).containsExactly(CART, FRONTEND, PAYMENT);
  }

  @Test
  void operationsListEachSpanNameOncePerKindSorted() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));
    storage.write(List.of(
        span(OTHER_TRACE_ID, 1, 0, CART, "GET /cart", SpanKind.CLIENT, TODAY, MILLIS).build(),
        span(OTHER_TRACE_ID, 2, 1, CART, "GET /cart", SpanKind.CLIENT, TODAY, MILLIS).build(),
        span(OTHER_TRACE_ID, 3, 1, CART, "DELETE /cart", SpanKind.SERVER, TODAY, MILLIS).build()));

    assertThat(storage.operations(CART)).containsExactly(
        new Operation("DELETE /cart", SpanKind.SERVER),
        new Operation("GET /cart", SpanKind.SERVER),
        new Operation("GET /cart", SpanKind.CLIENT),
        new Operation("POST /pay", SpanKind.CLIENT));
  }

  /**
   * Names made from IDs (a span named after its URL, a key per user) are kept only as far as the
   * first {@link Storage#MAX_NAMES_PER_SERVICE}, whatever order they arrive in; search still finds
   * spans by the others. Two writes, the later one with the few names that sort first, so that a
   * backend which keeps what it saw first, or merges two partial lists wrong, fails; the first
   * alone has more names than are kept, so that a backend which skips data by the names it kept
   * must not skip it for the others.
   */
  @Test
  void aServiceListsOnlyItsFirstSpanNamesAndKeysAndSearchFindsSpansByTheOthers()
      throws IOException {
    int count = Storage.MAX_NAMES_PER_SERVICE + 10;
    List<Span> later = new ArrayList<>();
    List<Span> sortingFirst = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Span span = span(new TraceId(7, i + 1), 1, 0, CART, String.format("op-%05d", i),
          SpanKind.SERVER, TODAY + i * MILLIS, MILLIS)
          .attributes(List.of(Attribute.of(String.format("key-%05d", i), "v"))).build();
      (i < 5 ? sortingFirst : later).add(span);
    }
    sortingFirst.add(span(new TraceId(8, 1), 1, 0, CART, "op-00000", SpanKind.CLIENT, TODAY,
        MILLIS).build());
    storage.write(later);
    storage.write(sortingFirst);

    List<Operation> operations = storage.operations(CART);
    assertThat(operations.stream().map(Operation::spanName).distinct().toList())
        .hasSize(Storage.MAX_NAMES_PER_SERVICE)
        .startsWith("op-00000", "op-00001")
        .endsWith(String.format("op-%05d", Storage.MAX_NAMES_PER_SERVICE - 1));
    assertThat(operations).startsWith(new Operation("op-00000", SpanKind.SERVER),
        new Operation("op-00000", SpanKind.CLIENT));
    assertThat(storage.attributeKeys(Optional.of(CART), 10 * count))
        .hasSize(Storage.MAX_NAMES_PER_SERVICE)
        .startsWith("key-00000")
        .endsWith(String.format("key-%05d", Storage.MAX_NAMES_PER_SERVICE - 1));

    String pastName = String.format("op-%05d", count - 1);
    String pastKey = String.format("key-%05d", count - 1);
    assertThat(storage.search(TraceQuery.builder().serviceName(CART).spanName(pastName).build()))
        .extracting(TraceSummary::traceId).containsExactly(new TraceId(7, count));
    assertThat(storage.search(TraceQuery.builder().serviceName(CART).attribute(pastKey, "v")
        .build())).extracting(TraceSummary::traceId).containsExactly(new TraceId(7, count));
    assertThat(storage.search(TraceQuery.builder().serviceName(CART).spanName("op-00000")
        .kind(SpanKind.CLIENT).build()))
        .extracting(TraceSummary::traceId).containsExactly(new TraceId(8, 1));
  }

  /**
   * Service names made from IDs (a pod name, a request ID in {@code service.name}) are listed only
   * as far as the first {@link Storage#MAX_SERVICES}, whatever order they arrive in; nothing is
   * listed of the others' names, keys and values, and search still finds their spans. Written as
   * the span names above, so that a backend that keeps what it saw first, merges two partial lists
   * wrong, or skips data by the services it kept fails; and the last service alone at the end, so
   * that a backend that lists of a service whatever part of its data kept it fails.
   */
  @Test
  void onlyTheFirstServicesAreListedAndSearchFindsSpansOfTheOthers() throws IOException {
    int count = Storage.MAX_SERVICES + 10;
    List<Span> later = new ArrayList<>();
    List<Span> sortingFirst = new ArrayList<>();
    List<Span> last = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Span span = span(new TraceId(9, i + 1), 1, 0, String.format("pod-%05d", i),
          String.format("op-%05d", i), SpanKind.SERVER, TODAY + i * MILLIS, MILLIS)
          .attributes(List.of(Attribute.of(String.format("key-%05d", i), "v"))).build();
      (i < 5 ? sortingFirst : i < count - 1 ? later : last).add(span);
    }
    storage.write(later);
    storage.write(sortingFirst);
    storage.write(last);

    String lastListed = String.format("pod-%05d", Storage.MAX_SERVICES - 1);
    assertThat(storage.services()).hasSize(Storage.MAX_SERVICES)
        .startsWith("pod-00000", "pod-00001").endsWith(lastListed);
    assertThat(storage.operations(lastListed)).isNotEmpty();
    String past = String.format("pod-%05d", count - 1);
    String pastKey = String.format("key-%05d", count - 1);
    assertThat(storage.operations(past)).isEmpty();
    assertThat(storage.attributeKeys(Optional.of(past), 10)).isEmpty();
    assertThat(storage.attributeValues(Optional.of(past), "service.name", 10)).isEmpty();
    assertThat(storage.attributeKeys(Optional.empty(), 2 * count))
        .contains(String.format("key-%05d", Storage.MAX_SERVICES - 1)).doesNotContain(pastKey);
    assertThat(storage.attributeValues(Optional.empty(), "service.name", 2 * count))
        .hasSize(Storage.MAX_SERVICES).endsWith(lastListed);

    // Not the last service: written among more than are kept, its spans are where they are not
    // listed.
    String searched = String.format("pod-%05d", count - 2);
    String searchedKey = String.format("key-%05d", count - 2);
    TraceId searchedTrace = new TraceId(9, count - 1);
    assertThat(storage.search(TraceQuery.builder().serviceName(searched).build()))
        .extracting(TraceSummary::traceId).containsExactly(searchedTrace);
    assertThat(storage.search(TraceQuery.builder().serviceName(searched)
        .spanName(String.format("op-%05d", count - 2)).attribute(searchedKey, "v").build()))
        .extracting(TraceSummary::traceId).containsExactly(searchedTrace);
    assertThat(storage.search(TraceQuery.builder().attribute(searchedKey, "v").build()))
        .extracting(TraceSummary::traceId).containsExactly(searchedTrace);
  }

  /**
   * More services than are listed, written in three parts of fewer each, the last part sorting
   * after the others: a backend that merges partial lists must cut their union, not only each.
   */
  @Test
  void servicesPastTheFirstOfSeveralShorterListsAreNotListed() throws IOException {
    int part = Storage.MAX_SERVICES * 2 / 5;
    for (int first = 0; first < 3 * part; first += part) {
      List<Span> spans = new ArrayList<>();
      for (int i = first; i < first + part; i++) {
        spans.add(span(new TraceId(10, i + 1), 1, 0, String.format("pod-%05d", i), "GET /",
            SpanKind.SERVER, TODAY + i * MILLIS, MILLIS)
            .attributes(List.of(Attribute.of("k", "v"))).build());
      }
      storage.write(spans);
    }

    String past = String.format("pod-%05d", 3 * part - 1);
    assertThat(storage.services()).hasSize(Storage.MAX_SERVICES).doesNotContain(past);
    assertThat(storage.operations(past)).isEmpty();
    assertThat(storage.attributeKeys(Optional.of(past), 10)).isEmpty();
    assertThat(storage.attributeValues(Optional.empty(), "service.name", 3 * part))
        .hasSize(Storage.MAX_SERVICES).doesNotContain(past);
    assertThat(storage.search(TraceQuery.builder().serviceName(past).build()))
        .extracting(TraceSummary::traceId).containsExactly(new TraceId(10, 3 * part));
  }

  @Test
  void operationsOfAnUnknownServiceAreEmpty() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.operations("inventory")).isEmpty();
  }

  @Test
  void attributeKeysOfAServiceIncludeItsResourceAttributesSorted() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.attributeKeys(Optional.of(FRONTEND), 100)).containsExactly(
        "deployment.environment", "http.request.method", "http.response.status_code",
        "service.name");
  }

  @Test
  void attributeKeysOfAllServicesAreTheUnion() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.attributeKeys(Optional.empty(), 100)).containsExactly(
        "cache.hit", "deployment.environment", "http.request.method",
        "http.response.status_code", "http.route", "payment.amount", "service.name");
  }

  @Test
  void attributeKeysStopAtTheLimit() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.attributeKeys(Optional.empty(), 2))
        .containsExactly("cache.hit", "deployment.environment");
  }

  @Test
  void attributeKeysOfAnUnknownServiceAreEmpty() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.attributeKeys(Optional.of("inventory"), 100)).isEmpty();
  }

  @Test
  void attributeValuesAreListedInTheirTextForm() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.attributeValues(Optional.of(FRONTEND), "http.response.status_code", 100))
        .containsExactly("200");
    assertThat(storage.attributeValues(Optional.of(CART), "cache.hit", 100))
        .containsExactly("true");
    assertThat(storage.attributeValues(Optional.of(PAYMENT), "payment.amount", 100))
        .containsExactly("12.5");
  }

  @Test
  void attributeValuesOfOneServiceLeaveOutOtherServices() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.attributeValues(Optional.of(CART), "service.name", 100))
        .containsExactly(CART);
    assertThat(storage.attributeValues(Optional.of(CART), "http.request.method", 100)).isEmpty();
  }

  @Test
  void attributeValuesOfAllServicesAreTheUnionSortedAndLimited() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThat(storage.attributeValues(Optional.empty(), "service.name", 100))
        .containsExactly(CART, FRONTEND, PAYMENT);
    assertThat(storage.attributeValues(Optional.empty(), "service.name", 2))
        .containsExactly(CART, FRONTEND);
  }

  @Test
  void valuesTooLongToListAreLeftOutOfTheListingButFoundBySearch() throws IOException {
    String statement = "SELECT " + "x, ".repeat(Storage.MAX_LISTED_VALUE_LENGTH / 3) + "y FROM t";
    String longest = "z".repeat(Storage.MAX_LISTED_VALUE_LENGTH);
    storage.write(List.of(
        span(TRACE_ID, 1, 0, CART, "query", SpanKind.CLIENT, TODAY, MILLIS)
            .attributes(List.of(Attribute.of("db.statement", statement))).build(),
        span(TRACE_ID, 2, 0, CART, "query", SpanKind.CLIENT, TODAY, MILLIS)
            .attributes(List.of(Attribute.of("db.statement", longest))).build(),
        span(OTHER_TRACE_ID, 1, 0, CART, "query", SpanKind.CLIENT, TODAY, MILLIS)
            .attributes(List.of(Attribute.of("db.statement", "SELECT 1"),
                Attribute.of("db.query.text", statement))).build()));

    assertThat(statement.length()).isGreaterThan(Storage.MAX_LISTED_VALUE_LENGTH);
    assertThat(storage.attributeValues(Optional.of(CART), "db.statement", 100))
        .containsExactly("SELECT 1", longest);
    assertThat(storage.attributeKeys(Optional.of(CART), 100))
        .contains("db.statement", "db.query.text");
    assertThat(storage.attributeValues(Optional.of(CART), "db.query.text", 100)).isEmpty();
    assertThat(storage.search(TraceQuery.builder().serviceName(CART)
        .attribute("db.statement", statement).build()))
        .extracting(TraceSummary::traceId).containsExactly(TRACE_ID);
    assertThat(storage.search(TraceQuery.builder().serviceName(CART)
        .attribute("db.query.text", statement).build()))
        .extracting(TraceSummary::traceId).containsExactly(OTHER_TRACE_ID);
  }

  @Test
  void attributesWithoutATextFormAreNotListed() throws IOException {
    storage.write(List.of(span(TRACE_ID, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY, MILLIS)
        .attributes(List.of(
            new Attribute("bytes", new Value.Bytes(new byte[] {1, 2})),
            new Attribute("array", new Value.Array(List.of(Value.of("a")))),
            Attribute.of("text", "a")))
        .build()));

    assertThat(storage.attributeKeys(Optional.of(FRONTEND), 100))
        .containsExactly("deployment.environment", "service.name", "text");
  }

  @Test
  void autocompletionRejectsALimitBelowOne() {
    assertThatThrownBy(() -> storage.attributeKeys(Optional.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit: 0 (expected: >= 1)");
    assertThatThrownBy(() -> storage.attributeValues(Optional.empty(), "service.name", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit: 0 (expected: >= 1)");
  }

  // Dependency links

  @Test
  void dependenciesCountCallsAndErrorsBetweenServices() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));
    storage.write(checkout(OTHER_TRACE_ID, TODAY + 1000 * MILLIS));

    assertThat(storage.dependencies(TODAY, TODAY + 2000 * MILLIS)).containsExactly(
        new DependencyLink(CART, PAYMENT, 2, 2),
        new DependencyLink(FRONTEND, CART, 2, 0));
  }

  @Test
  void dependenciesCountAnErrorOnTheCallersSideOfTheCall() throws IOException {
    storage.write(List.of(
        span(TRACE_ID, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY, 10 * MILLIS).build(),
        span(TRACE_ID, 2, 1, FRONTEND, "GET /cart", SpanKind.CLIENT, TODAY, 5 * MILLIS)
            .status(StatusCode.ERROR, "timeout").build(),
        span(TRACE_ID, 3, 2, CART, "GET /cart", SpanKind.SERVER, TODAY, 4 * MILLIS).build()));

    assertThat(storage.dependencies(TODAY, TODAY + 1))
        .containsExactly(new DependencyLink(FRONTEND, CART, 1, 1));
  }

  @Test
  void dependenciesDoNotBlameACallForAnErrorOfTheCallersOwnWork() throws IOException {
    storage.write(List.of(
        span(TRACE_ID, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY, 10 * MILLIS)
            .status(StatusCode.ERROR, "render failed").build(),
        span(TRACE_ID, 2, 1, CART, "GET /cart", SpanKind.SERVER, TODAY, 4 * MILLIS).build()));

    assertThat(storage.dependencies(TODAY, TODAY + 1))
        .containsExactly(new DependencyLink(FRONTEND, CART, 1, 0));
  }

  @Test
  void dependenciesIgnoreCallsWithinOneService() throws IOException {
    storage.write(List.of(
        span(TRACE_ID, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY, 10 * MILLIS).build(),
        span(TRACE_ID, 2, 1, FRONTEND, "render", SpanKind.INTERNAL, TODAY, 5 * MILLIS).build()));

    assertThat(storage.dependencies(TODAY, TODAY + 1000 * MILLIS)).isEmpty();
  }

  @Test
  void dependenciesIgnoreSpansWhoseParentIsMissing() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY).subList(2, 5));

    assertThat(storage.dependencies(TODAY, TODAY + 1000 * MILLIS))
        .containsExactly(new DependencyLink(CART, PAYMENT, 1, 1));
  }

  @Test
  void dependenciesOnlyCountCallsStartingInTheTimeRange() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));
    long cartStart = TODAY + 12 * MILLIS;
    long paymentStart = TODAY + 21 * MILLIS;

    assertThat(storage.dependencies(cartStart, paymentStart))
        .containsExactly(new DependencyLink(FRONTEND, CART, 1, 0));
    assertThat(storage.dependencies(cartStart + 1, paymentStart + 1))
        .containsExactly(new DependencyLink(CART, PAYMENT, 1, 1));
    assertThat(storage.dependencies(TODAY, cartStart)).isEmpty();
  }

  @Test
  void dependenciesCountASpanIdSharedByClientAndServerOnce() throws IOException {
    storage.write(List.of(
        span(TRACE_ID, 1, 0, FRONTEND, "GET /", SpanKind.SERVER, TODAY, 10 * MILLIS).build(),
        span(TRACE_ID, 2, 1, FRONTEND, "GET /cart", SpanKind.CLIENT, TODAY, 5 * MILLIS).build(),
        span(TRACE_ID, 2, 1, CART, "GET /cart", SpanKind.SERVER, TODAY, 4 * MILLIS).build(),
        span(TRACE_ID, 3, 2, CART, "load", SpanKind.INTERNAL, TODAY, 1 * MILLIS).build()));

    assertThat(storage.dependencies(TODAY, TODAY + 1))
        .containsExactly(new DependencyLink(FRONTEND, CART, 1, 0));
  }

  @Test
  void cancelledDependenciesStopWithCancelledException() throws IOException {
    storage.write(checkout(TRACE_ID, TODAY));

    assertThatThrownBy(() -> storage.dependencies(TODAY, TODAY + 1000 * MILLIS, () -> true))
        .isInstanceOf(CancelledException.class);
  }

  @Test
  void dependenciesRejectAnEmptyTimeRange() {
    assertThatThrownBy(() -> storage.dependencies(TODAY, TODAY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endEpochNanos: " + TODAY + " (expected: > startEpochNanos " + TODAY + ")");
  }

  // Size and concurrency

  @Test
  void aTraceOfTenThousandSpansIsStoredWhole() throws IOException {
    TraceId traceId = randomTraceId();
    long rootId = randomSpanId();
    List<Span> spans = new ArrayList<>();
    spans.add(span(traceId, rootId, 0, FRONTEND, "batch job", SpanKind.SERVER, TODAY, MILLIS * 1000)
        .build());
    for (int i = 1; i < 10_000; i++) {
      String service = i % 2 == 0 ? CART : PAYMENT;
      spans.add(span(traceId, randomSpanId(), rootId, service, "step " + (i % 10),
          SpanKind.INTERNAL, TODAY + i * 1000L, 500).build());
    }
    for (int from = 0; from < spans.size(); from += 1000) {
      storage.write(spans.subList(from, from + 1000));
    }

    assertThat(storage.trace(traceId)).containsExactlyInAnyOrderElementsOf(spans);
    TraceSummary summary = storage.search(TraceQuery.builder().serviceName(CART).build()).get(0);
    assertThat(summary.spanCount()).isEqualTo(10_000);
    assertThat(summary.services()).containsExactly(
        new ServiceSpans(CART, 4999),
        new ServiceSpans(FRONTEND, 1),
        new ServiceSpans(PAYMENT, 5000));
    assertThat(storage.dependencies(TODAY, TODAY + 1000 * MILLIS)).containsExactly(
        new DependencyLink(FRONTEND, CART, 4999, 0),
        new DependencyLink(FRONTEND, PAYMENT, 5000, 0));
  }

  @Test
  void concurrentWritersLoseNoSpanWhileReadersSearch() throws Exception {
    int writers = 4;
    int batchesPerWriter = 250;
    TraceId shared = randomTraceId();
    List<List<TraceId>> written = new ArrayList<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService executor = Executors.newFixedThreadPool(writers + 1);
    try {
      CountDownLatch start = new CountDownLatch(1);
      // Writers start once the reader has read once, so that a fast backend cannot finish every
      // write before the reader is scheduled, and the reads overlap the writes.
      CountDownLatch reading = new CountDownLatch(1);
      List<Future<List<TraceId>>> writes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        writes.add(executor.submit(() -> {
          start.await();
          reading.await();
          List<TraceId> traceIds = new ArrayList<>();
          for (int b = 0; b < batchesPerWriter; b++) {
            TraceId traceId = randomTraceId();
            List<Span> batch = new ArrayList<>(checkout(traceId, TODAY + b * MILLIS));
            batch.add(span(shared, randomSpanId(), 1, CART, "shared", SpanKind.INTERNAL, TODAY,
                MILLIS).build());
            storage.write(batch);
            traceIds.add(traceId);
          }
          return traceIds;
        }));
      }
      Future<Integer> reads = executor.submit(() -> {
        start.await();
        int searches = 0;
        while (writing.get()) {
          storage.search(TraceQuery.builder().serviceName(PAYMENT).limit(10).build());
          storage.operations(CART);
          storage.attributeValues(Optional.empty(), "service.name", 10);
          searches++;
          reading.countDown();
        }
        return searches;
      });
      start.countDown();
      for (Future<List<TraceId>> write : writes) {
        written.add(write.get(60, TimeUnit.SECONDS));
      }
      writing.set(false);
      assertThat(reads.get(60, TimeUnit.SECONDS)).isPositive();
    } finally {
      writing.set(false);
      executor.shutdownNow();
    }

    for (List<TraceId> traceIds : written) {
      for (TraceId traceId : traceIds) {
        assertThat(storage.trace(traceId)).hasSize(5);
      }
    }
    assertThat(storage.trace(shared)).hasSize(writers * batchesPerWriter);
    assertThat(storage.search(TraceQuery.builder().serviceName(PAYMENT).limit(10_000).build()))
        .hasSize(writers * batchesPerWriter);
  }

  private List<TraceId> traceIds(TraceQuery.Builder query) throws IOException {
    List<TraceId> traceIds = new ArrayList<>();
    for (TraceSummary summary : storage.search(query.build())) {
      traceIds.add(summary.traceId());
    }
    return traceIds;
  }
}
