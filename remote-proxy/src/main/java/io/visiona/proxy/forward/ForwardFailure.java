package io.visiona.proxy.forward;

import io.helidon.http.Status;

/** The exchange with the device failed; {@link #code()} is stable and reported to callers. */
final class ForwardFailure extends Exception {

  static final String WRITE_FAILED = "REQUEST_WRITE_FAILED";
  static final String READ_FAILED = "RESPONSE_READ_FAILED";
  static final String INVALID = "RESPONSE_INVALID";
  static final String TOO_LARGE = "RESPONSE_TOO_LARGE";
  static final String TIMEOUT = "UPSTREAM_TIMEOUT";
  static final String BUSY = "FORWARD_BUSY";

  private final String code;

  ForwardFailure(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  String code() {
    return code;
  }

  Status status() {
    return switch (code) {
      case TIMEOUT -> Status.GATEWAY_TIMEOUT_504;
      case BUSY -> Status.SERVICE_UNAVAILABLE_503;
      default -> Status.BAD_GATEWAY_502;
    };
  }
}
