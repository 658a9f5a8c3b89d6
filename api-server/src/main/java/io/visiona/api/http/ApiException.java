package io.visiona.api.http;

import io.helidon.http.Status;

/**
 * A request that ends in a JSON error: {@code {"error":{"code":..., "message":...}}}. The code is
 * stable (clients may branch on it); the message is for people and never contains secrets.
 */
public final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Status status;
  private final String code;

  public ApiException(Status status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public Status status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiException unauthenticated() {
    return new ApiException(
        Status.UNAUTHORIZED_401, "UNAUTHENTICATED", "log in first: no valid session");
  }
}
