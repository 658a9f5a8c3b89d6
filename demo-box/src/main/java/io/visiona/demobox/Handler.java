package io.visiona.demobox;

import java.io.IOException;

/** Serves one route. */
interface Handler {

  /**
   * Answers the request, or throws {@link HttpError} before anything was written.
   *
   * @return whether the connection may serve another request
   */
  boolean serve(Exchange exchange) throws IOException, HttpError, InterruptedException;
}
