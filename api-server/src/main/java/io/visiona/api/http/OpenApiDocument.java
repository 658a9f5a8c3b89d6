package io.visiona.api.http;

import io.helidon.openapi.OpenApiFeature;
import java.util.Set;

/**
 * {@code GET /openapi}: the API's OpenAPI 3.1 document, hand-written in {@value #FILE} and served
 * by Helidon's OpenAPI feature (YAML by default, JSON for {@code Accept: application/json} or
 * {@code ?format=json}). Public, exact path, on the listener it is given only. Tests keep the
 * document equal to the live route table and validate answers against it.
 *
 * <p>Helidon also discovers its OpenAPI feature by itself (on every listener); this one keeps the
 * default name {@code openapi}, so it replaces the discovered one.
 */
public final class OpenApiDocument {

  public static final String PATH = "/openapi";
  static final String FILE = "META-INF/openapi.yaml";

  private OpenApiDocument() {}

  /** The feature serving the document on {@code socket} (and no other listener). */
  public static OpenApiFeature feature(String socket) {
    return OpenApiFeature.builder()
        .webContext(PATH)
        .staticFile(FILE)
        .permitAll(true)
        .sockets(Set.of(socket))
        .build();
  }
}
