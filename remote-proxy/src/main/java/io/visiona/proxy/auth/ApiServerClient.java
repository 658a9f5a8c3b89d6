package io.visiona.proxy.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Signed JSON calls to the api-server's internal API (direction proxy→api): the agent verify call
 * and the presence reports go through here. Each call is bounded by the timeout, each answer by a
 * size.
 */
public final class ApiServerClient {

  /** Status and body of an answer. */
  public record Answer(int status, byte[] body) {}

  private final HttpClient client;
  private final URI base;
  private final OutboundSigner signer;
  private final Duration timeout;

  public ApiServerClient(HttpClient client, URI base, OutboundSigner signer, Duration timeout) {
    this.client = client;
    this.base = base;
    this.signer = signer;
    this.timeout = timeout;
  }

  /** The production client: the JDK's, with the connect timeout bounded like the calls. */
  public static ApiServerClient create(URI base, OutboundSigner signer, Duration timeout) {
    return new ApiServerClient(
        HttpClient.newBuilder().connectTimeout(timeout).build(), base, signer, timeout);
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * Signed {@code POST base+path} with a JSON body.
   *
   * @throws IOException when there is no answer within the timeout, the answer is over {@code
   *     maxAnswerBytes}, or no signing key is configured
   */
  public Answer postJson(String path, byte[] json, int maxAnswerBytes)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response;
    try {
      response =
          client.send(
              signer
                  .request("POST", base.resolve(path), json)
                  .header("Content-Type", "application/json")
                  .timeout(timeout)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (IllegalStateException e) {
      throw new IOException(e.getMessage(), e);
    }
    try (InputStream in = response.body()) {
      byte[] body = in.readNBytes(maxAnswerBytes + 1);
      if (body.length > maxAnswerBytes) {
        throw new IOException(path + " answer larger than " + maxAnswerBytes + " bytes");
      }
      return new Answer(response.statusCode(), body);
    }
  }
}
