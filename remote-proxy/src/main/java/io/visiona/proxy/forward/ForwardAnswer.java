package io.visiona.proxy.forward;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@code {"status","headers":{name:[values]},"body":"<base64>"}} with the body encoded on
 * the way out: the answer exists only as the device's bytes, never as base64 text or a JSON string.
 */
final class ForwardAnswer {

  private static final String EMPTY_BODY_END = "\"body\":\"\"}";
  private static final byte[] END = "\"}".getBytes(StandardCharsets.US_ASCII);

  private ForwardAnswer() {}

  static void send(ServerResponse res, ForwardResponse r) throws IOException {
    byte[] start = start(r);
    long encoded = (r.body().length() + 2) / 3 * 4;
    res.status(Status.OK_200);
    res.header(HeaderValues.CONTENT_TYPE_JSON);
    res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(start.length + encoded + END.length));
    try (OutputStream out = res.outputStream()) {
      out.write(start);
      OutputStream base64 = Base64.getEncoder().wrap(new KeepOpen(out));
      r.body().writeTo(base64);
      base64.close(); // writes the last group and padding; the response stays open
      out.write(END);
    }
  }

  /** The answer up to and including the opening quote of the body string. */
  static byte[] start(ForwardResponse r) {
    Map<String, JsonArrayBuilder> grouped = new LinkedHashMap<>();
    r.headers()
        .forEach(
            h -> grouped.computeIfAbsent(h.name(), n -> Json.createArrayBuilder()).add(h.value()));
    JsonObjectBuilder headers = Json.createObjectBuilder();
    grouped.forEach(headers::add);
    String json =
        Json.createObjectBuilder()
            .add("status", r.status())
            .add("headers", headers)
            .add("body", "")
            .build()
            .toString();
    if (!json.endsWith(EMPTY_BODY_END)) {
      throw new IllegalStateException("unexpected JSON layout: body is not the last member");
    }
    return json.substring(0, json.length() - 2).getBytes(StandardCharsets.UTF_8);
  }

  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
