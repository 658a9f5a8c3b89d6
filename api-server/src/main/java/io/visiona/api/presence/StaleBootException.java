package io.visiona.api.presence;

/** Events from a (replica, boot) that is not the replica's current boot (409 STALE_BOOT). */
public final class StaleBootException extends Exception {

  private static final long serialVersionUID = 1L;

  public StaleBootException(String replica, String boot) {
    super("boot " + boot + " is not the current boot of replica " + replica);
  }
}
