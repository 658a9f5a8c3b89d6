package io.visiona.demobox;

import java.util.List;

/** A request the box refuses: answered with {@code status} and the JSON error envelope. */
final class HttpError extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final List<String> headers;

  HttpError(int status, String code, String message) {
    this(status, code, message, List.of());
  }

  /** With extra response {@code headers}, e.g. {@code Allow: GET}. */
  HttpError(int status, String code, String message, List<String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.headers = List.copyOf(headers);
  }

  List<String> headers() {
    return headers;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
