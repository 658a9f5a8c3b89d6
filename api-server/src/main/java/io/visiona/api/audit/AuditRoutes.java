package io.visiona.api.audit;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.api.http.ApiRoutes;
import io.visiona.api.http.JsonResponses;
import io.visiona.api.persistence.AuditLog;
import io.visiona.api.session.ActiveSession;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.List;

/**
 * {@code GET /api/audit?before=<id>&limit=<n>}: the caller's own audit entries, newest first, in
 * pages; {@code next} is the {@code before} of the following page.
 */
public final class AuditRoutes {

  static final int MAX_LIMIT = 100;

  private final AuditLog audit;

  public AuditRoutes(AuditLog audit) {
    this.audit = audit;
  }

  public void register(ApiRoutes api) {
    api.sessionRoute(Method.GET, "/api/audit", this::page);
  }

  private void page(ActiveSession session, ServerRequest req, ServerResponse res) {
    long before = number(req, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    int limit = (int) number(req, "limit", 50, 1, MAX_LIMIT);
    List<AuditLog.PagedEntry> entries = audit.page(session.user().id(), before, limit);
    JsonArrayBuilder list = Json.createArrayBuilder();
    for (AuditLog.PagedEntry e : entries) {
      JsonObjectBuilder b =
          Json.createObjectBuilder()
              .add("id", e.id())
              .add("at", e.occurredAt())
              .add("action", e.action());
      if (e.detail() != null) {
        b.add("detail", e.detail());
      }
      if (e.clientAddress() != null) {
        b.add("client_address", e.clientAddress());
      }
      list.add(b);
    }
    JsonObjectBuilder body = Json.createObjectBuilder().add("entries", list);
    if (entries.size() == limit) {
      body.add("next", entries.getLast().id());
    }
    JsonResponses.send(res, Status.OK_200, body.build());
  }

  private static long number(ServerRequest req, String name, long fallback, long min, long max) {
    var value = req.query().first(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value.get());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ApiError(
          ErrorCode.BAD_REQUEST, name + " must be a whole number from " + min + " to " + max);
    }
  }
}
