package io.visiona.server.errors;

import io.helidon.http.Status;

/**
 * A request that cannot be served: an {@link ErrorCode} and a message for people (never a secret).
 * Thrown by handlers and filters; {@link ErrorEnvelope#handler()} answers it with the envelope.
 */
public final class ApiError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public ApiError(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(ErrorCode.BAD_REQUEST, message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(ErrorCode.NOT_FOUND, message);
  }

  public static ApiError tooLarge(String message) {
    return new ApiError(ErrorCode.BODY_TOO_LARGE, message);
  }

  public static ApiError unauthenticated() {
    return new ApiError(ErrorCode.UNAUTHENTICATED, "log in first: no valid session");
  }

  public ErrorCode errorCode() {
    return code;
  }

  public String code() {
    return code.code();
  }

  public Status status() {
    return code.status();
  }
}
