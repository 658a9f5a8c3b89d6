package io.visiona.server.signing;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The two headers a signed request carries: {@code Visiona-Signature} and {@code Content-Digest}.
 */
public record SignedHeaders(String signature, String contentDigest) {

  /** Adds both headers, e.g. {@code headers.forEach(builder::header)}. */
  public void forEach(BiConsumer<String, String> header) {
    header.accept(SignatureHeader.NAME, signature);
    header.accept(ContentDigest.HEADER, contentDigest);
  }

  public Map<String, String> asMap() {
    return Map.of(SignatureHeader.NAME, signature, ContentDigest.HEADER, contentDigest);
  }
}
