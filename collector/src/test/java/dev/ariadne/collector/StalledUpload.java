package dev.ariadne.collector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 upload over a plain socket that sends its headers and half of its body, then stalls
 * until told to send the rest: a slow or stuck client, which no HTTP client library lets a test
 * be.
 */
final class StalledUpload implements AutoCloseable {
  /** The answer: its status line, its headers by lower-case name, and its body as text. */
  record Answer(String statusLine, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final byte[] body;

  private StalledUpload(Socket socket, byte[] body) {
    this.socket = socket;
    this.body = body;
  }

  /** Posts {@code body} to {@code path} on the loopback {@code port}, stalling halfway. */
  static StalledUpload start(int port, String path, String contentType, byte[] body)
      throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    OutputStream out = socket.getOutputStream();
    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body, 0, body.length / 2);
    out.flush();
    return new StalledUpload(socket, body);
  }

  /** Sends the rest of the body, if the server still reads it. */
  void sendTheRest() {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
    } catch (IOException e) {
      // The server closed the connection after answering: the rest is not read, as intended.
    }
  }

  /** Waits at most {@code timeout} for the answer; fails if none comes. */
  Answer answer(Duration timeout) throws IOException {
    socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    InputStream in = socket.getInputStream();
    String statusLine = line(in);
    if (statusLine == null) {
      throw new AssertionError("the connection closed without an answer");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] content = in.readNBytes(length);
    return new Answer(statusLine, headers, new String(content, StandardCharsets.UTF_8));
  }

  /** A line without its CRLF, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    try {
      while ((b = in.read()) != -1 && b != '\n') {
        if (b != '\r') {
          line.write(b);
        }
      }
    } catch (SocketException e) {
      b = -1;
    }
    return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
