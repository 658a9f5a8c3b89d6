package io.visiona.proxy.http;

import io.helidon.http.Status;

/**
 * A request that cannot be served, with the stable code and the message the caller sees. Thrown by
 * handlers and turned into the JSON error envelope by {@link JsonErrors#handler()}.
 */
public final class ApiError extends RuntimeException {

  private final Status status;
  private final String code;

  public ApiError(Status status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(Status.BAD_REQUEST_400, "BAD_REQUEST", message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(Status.NOT_FOUND_404, "NOT_FOUND", message);
  }

  public static ApiError tooLarge(String message) {
    return new ApiError(Status.REQUEST_ENTITY_TOO_LARGE_413, "BODY_TOO_LARGE", message);
  }

  public Status status() {
    return status;
  }

  public String code() {
    return code;
  }
}
