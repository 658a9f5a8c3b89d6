package io.visiona.tunnel.gopeer;

/**
 * The Go peer could not be built, started or did not behave as expected. Unchecked, so that a
 * missing Go toolchain fails tests instead of skipping them.
 */
public final class GoPeerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public GoPeerException(String message) {
    super(message);
  }

  public GoPeerException(String message, Throwable cause) {
    super(message, cause);
  }
}
