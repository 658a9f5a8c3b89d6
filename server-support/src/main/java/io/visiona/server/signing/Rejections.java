package io.visiona.server.signing;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.logging.LogThrottle;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * How a refused request is reported: a log line with the reason for operators, a call to the
 * metrics hook, and a JSON error envelope for the caller.
 *
 * <p>The caller learns only the status and a generic message, never which check failed: the reason
 * would help an attacker probe keys and clocks, and the server logs already tell operators.
 */
final class Rejections {

  private static final Logger LOG = Logger.getLogger(Rejections.class.getName());

  /** A flood of bad requests writes at most this many lines a minute per listener. */
  private final LogThrottle throttle = new LogThrottle(60, Duration.ofMinutes(1));

  private final Direction direction;
  private final Consumer<RejectReason> onReject;

  Rejections(Direction direction, Consumer<RejectReason> onReject) {
    this.direction = direction;
    this.onReject = onReject;
  }

  void record(HttpPrologue prologue, RejectReason reason, String detail) {
    onReject.accept(reason);
    OptionalLong admitted = throttle.admit();
    if (admitted.isEmpty()) {
      return; // counted in the metrics; the log gets a bounded number of lines
    }
    // Path only: a query string might carry identifiers that do not belong in logs.
    LOG.warning(
        () ->
            "signed request refused ("
                + direction.label()
                + "): "
                + reason
                + ", "
                + detail
                + ", "
                + prologue.method().text()
                + " "
                + prologue.uriPath().rawPath()
                + LogThrottle.heldBack(admitted.getAsLong()));
  }

  static ErrorCode code(RejectReason reason) {
    return switch (reason.httpStatus()) {
      case 413 -> ErrorCode.BODY_TOO_LARGE;
      case 503 -> ErrorCode.OVERLOADED;
      default -> ErrorCode.UNAUTHORIZED;
    };
  }

  static String message(RejectReason reason) {
    return switch (reason.httpStatus()) {
      case 413 -> "request body too large";
      case 503 -> "too many signed requests; retry shortly";
      default -> "missing or invalid request signature";
    };
  }

  /**
   * @param close end the connection after the answer (the rest of a body is left unread)
   */
  static void send(ServerResponse res, RejectReason reason, boolean close) {
    if (close) {
      res.header(HeaderNames.CONNECTION, "close");
    }
    if (reason == RejectReason.REPLAY_CACHE_FULL) {
      res.header(HeaderNames.RETRY_AFTER, "1");
    }
    ErrorEnvelope.send(res, code(reason), message(reason));
  }
}
