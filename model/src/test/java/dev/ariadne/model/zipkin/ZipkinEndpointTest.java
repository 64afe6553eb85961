package dev.ariadne.model.zipkin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import zipkin2.Endpoint;

/** Addresses, services and ports come out as zipkin2's {@code Endpoint.Builder} keeps them. */
class ZipkinEndpointTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "10.0.0.1", "255.255.255.255", "256.1.1.1", "010.001.1.1", "1.2.3", "1.2.3.4.5", "1..2.3",
      ".1.2.3", "1.2.3.", "1.2.3.4 ", "a.b.c.d", "2001:db8::c001", "2001:DB8:0:0:0:0:0:C001",
      "::1", "::", "::0", "0:0:0:0:0:0:0:0", "::1.2.3.4", "::ffff:1.2.3.4", "::FFFF:1.2.3.4",
      "::0000:1.2.3.4", "::fffe:1.2.3.4", "1::1.2.3.4", "::ffff:256.1.1.1", "1::2::3",
      "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:", "1:0:0:2:0:0:0:0", "1:0:0:0:2:0:0:0", "0:1:0:1:0:1:0:1",
      "12345::1", "00001::1", "fffff::1", "fe80::1%eth0", "::g", "localhost", "", ":", ":::",
      "1:2:3:4:5:6:1.2.3.4", "1.2.3.4:80", "[::1]", "١.٢.٣.٤", "ＦＦ::1"})
  void anAddressAsTextIsKeptAsZipkinKeepsIt(String text) {
    assertSameAsZipkin(text);
  }

  @Test
  void randomAddressesAsTextAreKeptAsZipkinKeepsThem() {
    Random random = new Random(1);
    String alphabet = "0123456789abcdefABCDEF:.:.:x";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int length = random.nextInt(24); length > 0; length--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertSameAsZipkin(text.toString());
    }
    for (int seed = 0; seed < 20_000; seed++) {
      assertSameAsZipkin(new RandomZipkin(seed).ip());
    }
  }

  @Test
  void randomAddressesAsBytesAreKeptAsZipkinKeepsThem() {
    Random random = new Random(2);
    for (int i = 0; i < 100_000; i++) {
      int length = random.nextInt(5) == 0 ? random.nextInt(20) : random.nextBoolean() ? 4 : 16;
      byte[] bytes = new byte[length];
      int nonZero = random.nextInt(3); // mostly zeros: ::, ::1, IPv4-compatible
      for (int j = 0; j < bytes.length; j++) {
        if (nonZero == 0 || random.nextInt(4) == 0) {
          bytes[j] = (byte) random.nextInt(256);
        }
      }
      if (nonZero == 1 && bytes.length > 0) {
        bytes[bytes.length - 1] = 1;
      }
      byte[] framed = new byte[bytes.length + 3]; // the address inside a larger body
      System.arraycopy(bytes, 0, framed, 3, bytes.length);

      ZipkinEndpoint endpoint = new ZipkinEndpoint();
      endpoint.ip(framed, 3, bytes.length);
      Endpoint.Builder zipkin = Endpoint.newBuilder();
      zipkin.parseIp(bytes.clone());
      Endpoint expected = zipkin.build();

      assertThat(endpoint.ipv4).as("%s", Arrays.toString(bytes)).isEqualTo(expected.ipv4());
      assertThat(endpoint.ipv6).as("%s", Arrays.toString(bytes)).isEqualTo(expected.ipv6());
    }
  }

  @Test
  void aLaterAddressOfTheSameFamilyReplacesAnEarlierOne() {
    ZipkinEndpoint endpoint = new ZipkinEndpoint();
    endpoint.ip("10.0.0.1");
    endpoint.ip("2001:db8::1");
    endpoint.ip("::ffff:10.0.0.2");

    assertThat(endpoint.ipv4).isEqualTo("10.0.0.2");
    assertThat(endpoint.ipv6).isEqualTo("2001:db8::1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Frontend", "FRONTEND", "frontend", "ÜMLAUT", "İstanbul", ""})
  void theServiceNameIsLowerCasedAndEmptyIsNone(String name) {
    ZipkinEndpoint endpoint = new ZipkinEndpoint();
    endpoint.serviceName(name);

    assertThat(endpoint.serviceName)
        .isEqualTo(Endpoint.newBuilder().serviceName(name).build().serviceName());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 8080, 65535, -1, Integer.MIN_VALUE})
  void aPortIsKeptAsZipkinKeepsIt(int port) {
    ZipkinEndpoint endpoint = new ZipkinEndpoint();
    endpoint.port(port);

    assertThat(endpoint.port).isEqualTo(Endpoint.newBuilder().port(port).build().portAsInt());
  }

  @ParameterizedTest
  @ValueSource(ints = {65536, Integer.MAX_VALUE})
  void aPortAbove65535IsRefusedWithZipkinsMessage(int port) {
    assertThatThrownBy(() -> new ZipkinEndpoint().port(port))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid port " + port);
  }

  private static void assertSameAsZipkin(String text) {
    ZipkinEndpoint endpoint = new ZipkinEndpoint();
    endpoint.ip(text);
    Endpoint.Builder zipkin = Endpoint.newBuilder();
    zipkin.parseIp(text);
    Endpoint expected = zipkin.build();

    assertThat(endpoint.ipv4).as("ipv4 of \"%s\"", text).isEqualTo(expected.ipv4());
    assertThat(endpoint.ipv6).as("ipv6 of \"%s\"", text).isEqualTo(expected.ipv6());
  }
}
