package io.visiona.proxy.forward;

import io.visiona.server.errors.ErrorCode;

/** The exchange with the device failed; {@link #code()} is stable and reported to callers. */
final class ForwardFailure extends Exception {

  static final ErrorCode WRITE_FAILED = ErrorCode.REQUEST_WRITE_FAILED;
  static final ErrorCode READ_FAILED = ErrorCode.RESPONSE_READ_FAILED;
  static final ErrorCode INVALID = ErrorCode.RESPONSE_INVALID;
  static final ErrorCode TOO_LARGE = ErrorCode.RESPONSE_TOO_LARGE;
  static final ErrorCode TIMEOUT = ErrorCode.UPSTREAM_TIMEOUT;
  static final ErrorCode BUSY = ErrorCode.FORWARD_BUSY;

  private final ErrorCode code;

  ForwardFailure(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  ErrorCode code() {
    return code;
  }
}
