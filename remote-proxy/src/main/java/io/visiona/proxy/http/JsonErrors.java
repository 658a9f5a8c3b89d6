package io.visiona.proxy.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The error envelope {@code {"error":{"code":"...","message":"..."}}} for every error the proxy
 * answers: handler errors ({@link ApiError}), and errors Helidon answers itself (bad requests,
 * refused upgrades) through a {@link DirectHandler}.
 *
 * <p>A {@link io.helidon.http.RequestException} whose message starts with {@code CODE: } gets that
 * code; otherwise the code is derived from the status.
 */
public final class JsonErrors {

  public static final String JSON = "application/json";
  private static final HeaderName CODE_HEADER = HeaderNames.create("Visiona-Error-Code");
  private static final HeaderName MESSAGE_HEADER = HeaderNames.create("Visiona-Error-Message");
  private static final Pattern CODED = Pattern.compile("^([A-Z][A-Z0-9_]{1,63}): (.*)$");

  private JsonErrors() {}

  public static String body(String code, String message) {
    return Json.createObjectBuilder()
        .add(
            "error",
            Json.createObjectBuilder()
                .add("code", code)
                .add("message", message == null ? "" : message))
        .build()
        .toString();
  }

  public static void send(ServerResponse res, Status status, String code, String message) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, JSON);
    res.send(body(code, message).getBytes(StandardCharsets.UTF_8));
  }

  public static void sendJson(ServerResponse res, Status status, String json) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, JSON);
    res.send(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Message for a {@link io.helidon.http.RequestException} that carries a stable code. */
  public static String coded(String code, String message) {
    return code + ": " + message;
  }

  /**
   * An exception that makes Helidon answer {@code status} with the envelope and close the
   * connection; the way to refuse a WebSocket upgrade (a {@code WsUpgradeException} would fall
   * through to routing and become a 404).
   */
  public static RequestException refusal(Status status, String code, String message) {
    return refusalBuilder(status, code, message).build();
  }

  /** {@link #refusal} with {@code Retry-After} (whole seconds, rounded up). */
  public static RequestException refusal(
      Status status, String code, String message, Duration retryAfter) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return refusalBuilder(status, code, message)
        .header(HeaderValues.create(HeaderNames.RETRY_AFTER, seconds))
        .build();
  }

  private static RequestException.Builder refusalBuilder(
      Status status, String code, String message) {
    // Helidon 4.2 does not pass the message of an exception thrown during an upgrade to the direct
    // handler, but it does pass the headers: code and message travel in two internal headers that
    // the handler turns into the body and removes.
    return RequestException.builder()
        .type(DirectHandler.EventType.OTHER)
        .status(status)
        .message(coded(code, message))
        .safeMessage(true)
        .header(HeaderValues.create(CODE_HEADER, code))
        .header(HeaderValues.create(MESSAGE_HEADER, message));
  }

  /** Turns {@link ApiError} thrown by handlers into the envelope. */
  public static ErrorHandler<ApiError> handler() {
    return (req, res, e) -> send(res, e.status(), e.code(), e.getMessage());
  }

  /** Errors Helidon answers before routing (including refused WebSocket upgrades). */
  public static DirectHandlers directHandlers() {
    DirectHandler json = new JsonDirectHandler();
    DirectHandlers.Builder b = DirectHandlers.builder();
    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
      b.addHandler(type, json);
    }
    return b.build();
  }

  /** Uses the message of a {@link RequestException} marked safe (the default handler drops it). */
  private static final class JsonDirectHandler implements DirectHandler {
    @Override
    public TransportResponse handle(
        TransportRequest request,
        EventType type,
        Status status,
        ServerResponseHeaders headers,
        Throwable thrown) {
      String message =
          thrown instanceof RequestException re && re.safeMessage() ? re.getMessage() : "";
      return direct(request, type, status, headers, message);
    }

    @Override
    public TransportResponse handle(
        TransportRequest request,
        EventType type,
        Status status,
        ServerResponseHeaders headers,
        Throwable thrown,
        System.Logger logger) {
      return handle(request, type, status, headers, thrown);
    }

    @Override
    public TransportResponse handle(
        TransportRequest request,
        EventType type,
        Status status,
        ServerResponseHeaders headers,
        String message) {
      return direct(request, type, status, headers, message);
    }
  }

  private static DirectHandler.TransportResponse direct(
      DirectHandler.TransportRequest request,
      DirectHandler.EventType type,
      Status status,
      ServerResponseHeaders headers,
      String message) {
    String code = codeFor(status);
    String text = message == null || message.isBlank() ? status.reasonPhrase() : message;
    if (headers.contains(CODE_HEADER)) {
      code = headers.get(CODE_HEADER).get();
      text = headers.first(MESSAGE_HEADER).orElse(text);
      headers.remove(CODE_HEADER);
      headers.remove(MESSAGE_HEADER);
    }
    Matcher m = CODED.matcher(text);
    if (m.matches()) {
      code = m.group(1);
      text = m.group(2);
    }
    return DirectHandler.TransportResponse.builder()
        .status(status)
        .headers(headers)
        .header(HeaderNames.CONTENT_TYPE, JSON)
        .keepAlive(false)
        .entity(body(code, text))
        .build();
  }

  public static String codeFor(Status status) {
    return switch (status.code()) {
      case 400 -> "BAD_REQUEST";
      case 401 -> "UNAUTHORIZED";
      case 403 -> "FORBIDDEN";
      case 404 -> "NOT_FOUND";
      case 413 -> "BODY_TOO_LARGE";
      case 503 -> "UNAVAILABLE";
      default -> status.reasonPhrase().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
    };
  }
}
