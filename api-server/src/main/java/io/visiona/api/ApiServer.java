package io.visiona.api;

import io.helidon.webserver.WebServer;
import io.visiona.api.http.BodyLimitFilter;
import io.visiona.api.http.OpenApiDocument;
import io.visiona.server.Lifecycle;
import io.visiona.server.Observability;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.listener.ListenerProbe;
import java.util.List;

/** Builds the api-server's web server: the SPA listener and the private internal one. */
public final class ApiServer {

  static final String INTERNAL_SOCKET = "internal";

  private ApiServer() {}

  public static WebServer create(ApiSettings settings, Lifecycle lifecycle, ApiApplication app) {
    ListenerProbe listeners = new ListenerProbe();
    WebServer server =
        settings
            .httpListener()
            .applyTo(WebServer.builder(), app.upgraders())
            .host(settings.host())
            .port(settings.port())
            // BodyLimitFilter answers over-limit bodies it can see; this bounds what it drains.
            .maxPayloadSize(settings.maxPayloadSize() * BodyLimitFilter.HARD_LIMIT_FACTOR)
            .shutdownHook(false)
            .directHandlers(ErrorEnvelope.directHandlers())
            .routing(app::routing)
            .putSocket(
                INTERNAL_SOCKET,
                l ->
                    settings
                        .internalListener()
                        .applyTo(l)
                        .host(settings.internalHost())
                        .port(settings.internalPort()))
            .routing(INTERNAL_SOCKET, app::internalRouting)
            .addFeatures(
                Observability.features(
                    List.of(WebServer.DEFAULT_SOCKET_NAME, INTERNAL_SOCKET),
                    List.of(INTERNAL_SOCKET),
                    List.of(
                        lifecycle.readiness(),
                        listeners.readiness(),
                        app.devices().relay().readiness())))
            .addFeature(OpenApiDocument.feature(WebServer.DEFAULT_SOCKET_NAME))
            .build();
    listeners
        .watch(server, WebServer.DEFAULT_SOCKET_NAME, settings.host())
        .watch(server, INTERNAL_SOCKET, settings.internalHost());
    return server;
  }
}
