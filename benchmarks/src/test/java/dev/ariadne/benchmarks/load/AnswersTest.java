package dev.ariadne.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AnswersTest {
  private static final String SEARCH = "{\"traces\": ["
      + "{\"traceId\": \"463ac35c9f6413ad48485a3953bb6124\", \"rootPresent\": true, \"rootServiceName\": \"frontend\","
      + " \"startEpochNanos\": \"1704067200000000000\", \"durationNanos\": 100000000, \"spanCount\": 6,"
      + " \"services\": [{\"serviceName\": \"cart\", \"spanCount\": 2}, {\"serviceName\": \"frontend\", \"spanCount\": 4}]},"
      + "{\"services\": [], \"startEpochNanos\": \"1704067100000000000\", \"traceId\": \"00000000000000000000000000000abc\"}"
      + "]}";

  @Test
  void readsTraceIdsAndStartsSkippingNestedFields() throws IOException {
    assertThat(Answers.traces(bytes(SEARCH))).containsExactly(
        new Answers.Trace("463ac35c9f6413ad48485a3953bb6124", 1_704_067_200_000_000_000L),
        new Answers.Trace("00000000000000000000000000000abc", 1_704_067_100_000_000_000L));
  }

  @Test
  void readsAnEmptySearch() throws IOException {
    assertThat(Answers.traces(bytes("{\"traces\": []}"))).isEmpty();
  }

  @Test
  void refusesATraceWithoutAnId() {
    assertThatThrownBy(() -> Answers.traces(bytes("{\"traces\": [{\"startEpochNanos\": \"1\"}]}")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("without a traceId");
  }

  @Test
  void refusesAStartThatIsNotAnInteger() {
    assertThatThrownBy(() -> Answers.traces(bytes("{\"traces\": [{\"traceId\": \"ab\", \"startEpochNanos\": \"soon\"}]}")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("\"soon\" is not an integer");
  }

  @Test
  void refusesATruncatedAnswer() {
    assertThatThrownBy(() -> Answers.traces(bytes(SEARCH.substring(0, SEARCH.length() / 2))))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Answers.arrayLength(bytes("{\"services\": [\"a\", \"b\""), "services"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void refusesAnAnswerOfAnotherShape() {
    assertThatThrownBy(() -> Answers.traces(bytes("[]"))).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> Answers.traces(bytes("{\"data\": []}"))).hasMessageContaining("no \"traces\" array");
    assertThatThrownBy(() -> Answers.traces(bytes("{\"traces\": {}}"))).hasMessageContaining("is not an array");
    assertThatThrownBy(() -> Answers.services(bytes("{\"services\": [\"a\", 1]}")))
        .hasMessageContaining("holds something unexpected");
    assertThatThrownBy(() -> Answers.integer(bytes("{\"spanCount\": \"6\"}"), "spanCount"))
        .hasMessageContaining("no integer \"spanCount\"");
  }

  @Test
  void readsServiceNames() throws IOException {
    assertThat(Answers.services(bytes("{\"services\": [\"cart\", \"frontend\"]}"))).containsExactly("cart", "frontend");
  }

  @Test
  void countsTheElementsOfATopLevelArray() throws IOException {
    assertThat(Answers.arrayLength(bytes(SEARCH), "traces")).isEqualTo(2);
    assertThat(Answers.arrayLength(
        bytes("{\"operations\": [{\"name\": \"GET /cart\", \"spanKind\": \"CLIENT\"}, {\"name\": \"x\"}]}"), "operations"))
        .isEqualTo(2);
  }

  @Test
  void readsATopLevelIntegerAfterNestedOnes() throws IOException {
    String trace = "{\"traceId\": \"ab\", \"completeness\": {\"spanCount\": 1}, \"spanCount\": 6, \"spans\": []}";
    assertThat(Answers.integer(bytes(trace), "spanCount")).isEqualTo(6);
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
