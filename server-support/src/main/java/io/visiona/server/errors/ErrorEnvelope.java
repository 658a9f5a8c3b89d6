package io.visiona.server.errors;

import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The error envelope {@code {"error":{"code":"...","message":"..."}}} of both servers, for every
 * error: thrown {@link ApiError}s, direct answers of filters and handlers, and errors Helidon
 * answers itself (bad requests, refused upgrades) through {@link #directHandlers()}.
 *
 * <p>A {@link RequestException} whose message starts with {@code CODE: } gets that code; otherwise
 * the code comes from the status ({@link ErrorCode#forStatus}).
 */
public final class ErrorEnvelope {

  public static final String JSON = "application/json";
  private static final HeaderName CODE_HEADER = HeaderNames.create("Visiona-Error-Code");
  private static final HeaderName MESSAGE_HEADER = HeaderNames.create("Visiona-Error-Message");
  private static final Header NOSNIFF =
      HeaderValues.create(HeaderNames.create("X-Content-Type-Options"), "nosniff");
  private static final Pattern CODED = Pattern.compile("^([A-Z][A-Z0-9_]{1,63}): (.*)$");

  private ErrorEnvelope() {}

  public static String json(String code, String message) {
    return Json.createObjectBuilder()
        .add(
            "error",
            Json.createObjectBuilder()
                .add("code", code)
                .add("message", message == null ? "" : message))
        .build()
        .toString();
  }

  /** Answers {@code code}'s status with the envelope. */
  public static void send(ServerResponse res, ErrorCode code, String message) {
    write(res, code.status(), code.code(), message);
  }

  /** Answers an error that has only a status (Helidon's own refusals) with its generic code. */
  public static void send(ServerResponse res, Status status, String message) {
    write(res, status, ErrorCode.forStatus(status), message);
  }

  /**
   * Never cached, never sniffed. Set here because Helidon resets the headers before an error
   * handler runs, so headers set by a filter are gone by then.
   */
  private static void write(ServerResponse res, Status status, String code, String message) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, JSON);
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.header(NOSNIFF);
    res.send(json(code, message).getBytes(StandardCharsets.UTF_8));
  }

  public static void send(ServerResponse res, ApiError e) {
    send(res, e.errorCode(), e.getMessage());
  }

  /** Turns {@link ApiError} thrown by handlers into the envelope. */
  public static ErrorHandler<ApiError> handler() {
    return (req, res, e) -> send(res, e);
  }

  /**
   * An exception that makes Helidon answer with the envelope and close the connection; the way to
   * refuse a WebSocket upgrade (a {@code WsUpgradeException} would fall through to routing and
   * become a 404). Needs {@link #directHandlers()} on the listener.
   */
  public static RequestException refusal(ErrorCode code, String message) {
    return refusalBuilder(code, message).build();
  }

  /** {@link #refusal} with {@code Retry-After} (whole seconds, rounded up, at least 1). */
  public static RequestException refusal(ErrorCode code, String message, Duration retryAfter) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return refusalBuilder(code, message)
        .header(HeaderValues.create(HeaderNames.RETRY_AFTER, seconds))
        .build();
  }

  private static RequestException.Builder refusalBuilder(ErrorCode code, String message) {
    // Helidon 4.2 does not pass the message of an exception thrown during an upgrade to the direct
    // handler, but it does pass the headers: code and message travel in two internal headers that
    // the handler turns into the body and removes.
    return RequestException.builder()
        .type(DirectHandler.EventType.OTHER)
        .status(code.status())
        .message(code.code() + ": " + message)
        .safeMessage(true)
        .header(HeaderValues.create(CODE_HEADER, code.code()))
        .header(HeaderValues.create(MESSAGE_HEADER, message));
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
      return direct(status, headers, message);
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
      return direct(status, headers, message);
    }
  }

  private static DirectHandler.TransportResponse direct(
      Status status, ServerResponseHeaders headers, String message) {
    String code = ErrorCode.forStatus(status);
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
        .entity(json(code, text))
        .build();
  }
}
