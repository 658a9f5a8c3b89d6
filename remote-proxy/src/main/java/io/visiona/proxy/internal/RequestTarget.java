package io.visiona.proxy.internal;

import io.helidon.http.HttpPrologue;

/** The request target as sent: raw path, plus {@code ?} and the raw query when there is one. */
public final class RequestTarget {

  private RequestTarget() {}

  public static String of(HttpPrologue prologue) {
    String query = prologue.query().rawValue();
    String path = prologue.uriPath().rawPath();
    return query == null || query.isEmpty() ? path : path + "?" + query;
  }
}
