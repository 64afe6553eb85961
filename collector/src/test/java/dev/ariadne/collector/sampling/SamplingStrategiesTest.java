package dev.ariadne.collector.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The strategies file read as Jaeger's file-based provider reads it, and each answer's JSON field
 * by field, over real HTTP in both of Jaeger's forms.
 */
class SamplingStrategiesTest {
  /** Jaeger's documented example, with a service whose own operations meet the defaults'. */
  static final String FILE = """
      {
        "service_strategies": [
          {"service": "foo", "type": "probabilistic", "param": 0.8,
           "operation_strategies": [
             {"operation": "op1", "type": "probabilistic", "param": 0.2},
             {"operation": "/health", "type": "probabilistic", "param": 0.5}]},
          {"service": "bar", "type": "ratelimiting", "param": 5},
          {"service": "baz", "type": "probabilistic", "param": 0.3}
        ],
        "default_strategy": {
          "type": "probabilistic", "param": 0.5,
          "operation_strategies": [
            {"operation": "/health", "type": "probabilistic", "param": 0.0},
            {"operation": "/metrics", "type": "probabilistic", "param": 0.0}]}
      }
      """;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @RegisterExtension
  static final ServerExtension server = new ServerExtension() {
    @Override
    protected void configure(ServerBuilder sb) throws Exception {
      Path file = Files.createTempFile("strategies", ".json");
      Files.writeString(file, FILE);
      SamplingStrategies strategies = SamplingStrategies.read(file);
      sb.service("/api/sampling", strategies.httpService());
      sb.service("/", strategies.legacyHttpService());
      sb.service("/all", SamplingStrategies.sampleAll().httpService());
      Path onlyServices = Files.createTempFile("strategies", ".json");
      Files.writeString(onlyServices, "{\"service_strategies\": [{\"service\": \"a\","
          + " \"type\": \"probabilistic\", \"param\": 0}]}");
      sb.service("/only-services", SamplingStrategies.read(onlyServices).httpService());
    }
  };

  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(server.httpUri().resolve(pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(String pathAndQuery) throws Exception {
    HttpResponse<String> response = get(pathAndQuery);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    return MAPPER.readTree(response.body());
  }

  private static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void probabilisticServiceWithoutOperationsGetsTheDefaultsOperationsAtItsOwnProbability()
      throws Exception {
    JsonNode baz = json("/api/sampling?service=baz");
    assertThat(fields(baz))
        .containsExactly("strategyType", "probabilisticSampling", "operationSampling");
    assertThat(baz.get("strategyType").asText()).isEqualTo("PROBABILISTIC");
    assertThat(fields(baz.get("probabilisticSampling"))).containsExactly("samplingRate");
    assertThat(baz.get("probabilisticSampling").get("samplingRate").asDouble()).isEqualTo(0.3);
    JsonNode operations = baz.get("operationSampling");
    assertThat(fields(operations)).containsExactly("defaultSamplingProbability",
        "defaultLowerBoundTracesPerSecond", "perOperationStrategies",
        "defaultUpperBoundTracesPerSecond");
    assertThat(operations.get("defaultSamplingProbability").asDouble()).isEqualTo(0.3);
    assertThat(operations.get("defaultLowerBoundTracesPerSecond").asDouble()).isZero();
    assertThat(operations.get("defaultUpperBoundTracesPerSecond").asDouble()).isZero();
    assertThat(operations.get("perOperationStrategies").toString()).isEqualTo(
        "[{\"operation\":\"/health\",\"probabilisticSampling\":{\"samplingRate\":0.0}},"
            + "{\"operation\":\"/metrics\",\"probabilisticSampling\":{\"samplingRate\":0.0}}]");
  }

  @Test
  void serviceOperationsComeFirstAndWinOverTheDefaults() throws Exception {
    JsonNode foo = json("/api/sampling?service=foo");
    assertThat(foo.get("strategyType").asText()).isEqualTo("PROBABILISTIC");
    assertThat(foo.get("probabilisticSampling").get("samplingRate").asDouble()).isEqualTo(0.8);
    JsonNode operations = foo.get("operationSampling");
    assertThat(operations.get("defaultSamplingProbability").asDouble()).isEqualTo(0.8);
    assertThat(operations.get("perOperationStrategies").toString()).isEqualTo(
        "[{\"operation\":\"op1\",\"probabilisticSampling\":{\"samplingRate\":0.2}},"
            + "{\"operation\":\"/health\",\"probabilisticSampling\":{\"samplingRate\":0.5}},"
            + "{\"operation\":\"/metrics\",\"probabilisticSampling\":{\"samplingRate\":0.0}}]");
  }

  @Test
  void rateLimitingServiceIsAWholeNumberOfTracesPerSecond() throws Exception {
    JsonNode bar = json("/api/sampling?service=bar");
    assertThat(fields(bar))
        .containsExactly("strategyType", "rateLimitingSampling", "operationSampling");
    assertThat(bar.get("strategyType").asText()).isEqualTo("RATE_LIMITING");
    assertThat(fields(bar.get("rateLimitingSampling"))).containsExactly("maxTracesPerSecond");
    assertThat(bar.get("rateLimitingSampling").get("maxTracesPerSecond").isInt()).isTrue();
    assertThat(bar.get("rateLimitingSampling").get("maxTracesPerSecond").asInt()).isEqualTo(5);
    // As Jaeger: the default's probability for the operations a rate-limited service leaves out.
    assertThat(bar.get("operationSampling").get("defaultSamplingProbability").asDouble())
        .isEqualTo(0.5);
  }

  @Test
  void unknownServiceGetsTheDefault() throws Exception {
    JsonNode unknown = json("/api/sampling?service=" + "x".repeat(3000));
    assertThat(unknown.get("strategyType").asText()).isEqualTo("PROBABILISTIC");
    assertThat(unknown.get("probabilisticSampling").get("samplingRate").asDouble())
        .isEqualTo(0.5);
    assertThat(unknown.get("operationSampling").get("defaultSamplingProbability").asDouble())
        .isEqualTo(0.5);
  }

  @Test
  void legacyFormHasTheTypeAsItsEnumNumber() throws Exception {
    assertThat(json("/?service=baz").get("strategyType").isInt()).isTrue();
    assertThat(json("/?service=baz").get("strategyType").asInt()).isZero();
    assertThat(json("/?service=bar").get("strategyType").asInt()).isEqualTo(1);
    ObjectNode legacy = (ObjectNode) json("/?service=foo");
    ObjectNode current = (ObjectNode) json("/api/sampling?service=foo");
    legacy.remove("strategyType");
    current.remove("strategyType");
    assertThat(legacy).isEqualTo(current);
  }

  @Test
  void withoutAFileEveryServiceIsSampledWithProbabilityOne() throws Exception {
    assertThat(get("/all?service=anything").body())
        .isEqualTo("{\"strategyType\":\"PROBABILISTIC\","
            + "\"probabilisticSampling\":{\"samplingRate\":1.0}}");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/api/sampling|the service parameter is missing",
      "/api/sampling?service=|the service parameter is empty",
      "/api/sampling?service=a&service=b|the service parameter is given 2 times",
      "/?other=1|the service parameter is missing",
  })
  void serviceMustBeGivenOnce(String pathAndQuery, String problem) throws Exception {
    HttpResponse<String> response = get(pathAndQuery);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo(
        problem + " (expected: one service parameter, such as ?service=frontend)");
  }

  @Test
  void hostileParametersAreHarmless() throws Exception {
    String hostile = URLEncoder.encode("\"}<script>\n%zz\u2028", StandardCharsets.UTF_8);
    JsonNode answer = json("/api/sampling?service=" + hostile + "&x=%25&" + "y".repeat(2000));
    assertThat(answer.get("probabilisticSampling").get("samplingRate").asDouble()).isEqualTo(0.5);
    // A NUL is refused by the web server before the service sees it.
    assertThat(get("/api/sampling?service=a%00b").statusCode()).isEqualTo(400);
  }

  @Test
  void onlyGetIsAnswered() throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(server.httpUri().resolve("/api/sampling?service=foo"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD");
  }

  private String problem(String json) throws Exception {
    Path strategies = dir.resolve("strategies.json");
    Files.writeString(strategies, json);
    return assertThatThrownBy(() -> SamplingStrategies.read(strategies))
        .isInstanceOf(InvalidStrategiesException.class)
        .actual().getMessage().substring(strategies.toString().length());
  }

  @Test
  void invalidFilesAreRefusedNamingThePlaceAndTheProblem() throws Exception {
    assertThat(problem("{\"default_strategy\": {\"type\": \"probabilistic\", \"param\": 1.5}}"))
        .isEqualTo(": default_strategy.param: 1.5 is invalid (expected: a probability from 0 to 1)");
    assertThat(problem("{\"service_strategies\": [{\"service\": \"a\", \"type\": \"ratelimiting\","
        + " \"param\": -1}]}"))
        .isEqualTo(": service_strategies[0].param: -1 is invalid (expected: a whole number of"
            + " traces per second from 0 to 32767)");
    assertThat(problem("{\"service_strategies\": [{\"service\": \"a\", \"type\": \"ratelimiting\","
        + " \"param\": 2.5}]}"))
        .startsWith(": service_strategies[0].param: 2.5 is invalid");
    assertThat(problem("{\"default_strategy\": {\"type\": \"adaptive\", \"param\": 1}}"))
        .isEqualTo(": default_strategy.type: \"adaptive\" is invalid (expected: probabilistic or"
            + " ratelimiting)");
    assertThat(problem("{\"default_strategy\": {\"type\": \"probabilistic\"}}"))
        .isEqualTo(": default_strategy.param is missing (expected: a probability from 0 to 1)");
    assertThat(problem("{\"default_strategy\": {\"type\": \"probabilistic\", \"param\": \"1\"}}"))
        .isEqualTo(": default_strategy.param: \"1\" is invalid (expected: a probability from 0"
            + " to 1)");
    assertThat(problem("{\"service_strategies\": [{\"service\": \"a\", \"type\": \"probabilistic\","
        + " \"param\": 1, \"operation_strategies\": [{\"operation\": \"x\", \"type\":"
        + " \"ratelimiting\", \"param\": 1}]}]}"))
        .startsWith(": service_strategies[0].operation_strategies[0].type: \"ratelimiting\" is"
            + " not supported for an operation");
    assertThat(problem("{\"service_strategies\": [{\"service\": \"a\", \"type\": \"probabilistic\","
        + " \"param\": 1}, {\"service\": \"a\", \"type\": \"probabilistic\", \"param\": 0}]}"))
        .isEqualTo(": service_strategies[1].service: \"a\" is given twice");
    assertThat(problem("{\"service_strategies\": [{\"type\": \"probabilistic\", \"param\": 1}]}"))
        .isEqualTo(": service_strategies[0].service is missing");
    assertThat(problem("{\"default_stratgy\": {}}"))
        .isEqualTo(": default_stratgy is not a setting of a strategies file here (expected:"
            + " default_strategy, service_strategies)");
    assertThat(problem("{\"service_strategies\": {}}"))
        .isEqualTo(": service_strategies must be a JSON array, not an object");
    assertThat(problem("[]")).isEqualTo(": the file must be a JSON object, not an array");
    assertThat(problem("")).isEqualTo(": the file is empty (expected: a JSON object)");
    assertThat(problem("{\"default_strategy\": {\"type\": \"probabilistic\",\n \"param\": 1,}}"))
        .startsWith(": not JSON: Unexpected character ('}' (code 125))")
        .endsWith("(line 2, column 13)");
    assertThat(problem("{\"default_strategy\": {"))
        .isEqualTo(": not JSON: Unexpected end-of-input: expected close marker for Object"
            + " (line 1, column 23)");
    assertThat(problem("{\"default_strategy\": {}, \"default_strategy\": {}}"))
        .startsWith(": not JSON: Duplicate field 'default_strategy'");
  }

  @Test
  void reloadServesTheFileAsItIsNowAndKeepsTheStrategiesBeforeWhenItIsInvalid() throws Exception {
    Path file = dir.resolve("strategies.json");
    Files.writeString(file, "{\"default_strategy\": {\"type\": \"probabilistic\", \"param\": 0.1}}");
    SamplingStrategies strategies = SamplingStrategies.read(file);
    assertThat(strategies.reload()).as("unchanged").isFalse();

    Files.writeString(file, "{\"default_strategy\": {\"type\": \"ratelimiting\", \"param\": 4}}");
    assertThat(strategies.reload()).isTrue();
    assertThat(answer(strategies, "a"))
        .isEqualTo("{\"strategyType\":\"RATE_LIMITING\",\"rateLimitingSampling\":{\"maxTracesPerSecond\":4}}");

    Files.writeString(file, "{\"default_strategy\": {\"type\": \"ratelimiting\", \"param\": -4}}");
    assertThatThrownBy(strategies::reload).isInstanceOf(InvalidStrategiesException.class)
        .hasMessage(file + ": default_strategy.param: -4 is invalid (expected: a whole number of"
            + " traces per second from 0 to 32767)");
    assertThat(answer(strategies, "a"))
        .isEqualTo("{\"strategyType\":\"RATE_LIMITING\",\"rateLimitingSampling\":{\"maxTracesPerSecond\":4}}");
    Files.delete(file);
    assertThatThrownBy(strategies::reload).hasMessage(file + ": no such file");
    assertThat(answer(strategies, "a")).contains("\"maxTracesPerSecond\":4");

    assertThat(SamplingStrategies.sampleAll().reload()).isFalse();
  }

  private static String answer(SamplingStrategies strategies, String service) {
    return new String(strategies.answers(SamplingStrategies.Form.JSON).of(service),
        StandardCharsets.UTF_8);
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("none.json");
    assertThatThrownBy(() -> SamplingStrategies.read(missing))
        .hasMessage(missing + ": no such file");
  }

  @Test
  void fileWithOnlyServicesLeavesTheOthersSampledWithProbabilityOne() throws Exception {
    assertThat(get("/only-services?service=a").body()).isEqualTo("{\"strategyType\":"
        + "\"PROBABILISTIC\",\"probabilisticSampling\":{\"samplingRate\":0.0}}");
    assertThat(get("/only-services?service=b").body()).isEqualTo("{\"strategyType\":"
        + "\"PROBABILISTIC\",\"probabilisticSampling\":{\"samplingRate\":1.0}}");
  }
}
