package io.visiona.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks real answers against the served OpenAPI document (its JSON form): the status is documented
 * for the operation, a JSON body validates against the documented schema (networknt
 * json-schema-validator, draft 2020-12, {@code $ref}s resolved inside the document), and an error
 * envelope's code is one the response lists in {@code x-error-codes}.
 */
public final class OpenApiContract {

  private static final String DOCUMENT = "https://visiona.invalid/openapi.json";

  private final JsonNode document;
  private final SchemaRegistry schemas;

  public OpenApiContract(String json) {
    this.document = JsonMapper.shared().readTree(json);
    this.schemas =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, b -> b.schemas(Map.of(DOCUMENT, json)));
  }

  public JsonNode document() {
    return document;
  }

  /** The response object documented for this answer, {@code $ref} followed. */
  public ResponseDoc response(String method, String pathTemplate, int status) {
    String operation =
        "/paths/" + escape(pathTemplate) + "/" + method.toLowerCase(Locale.ROOT) + "/responses";
    JsonNode responses = document.at(operation);
    assertThat(responses.isMissingNode()).as("documented: %s %s", method, pathTemplate).isFalse();
    String key = Integer.toString(status);
    String pointer = operation + "/" + (responses.has(key) ? key : "default");
    assertThat(document.at(pointer).isMissingNode())
        .as("%s %s documents status %d", method, pathTemplate, status)
        .isFalse();
    while (document.at(pointer).has("$ref")) {
      pointer = document.at(pointer).get("$ref").asString().substring(1);
    }
    return new ResponseDoc(pointer, document.at(pointer));
  }

  /**
   * Asserts that {@code res} is an answer the document allows for {@code method} on the route
   * {@code pathTemplate} (as written in the document).
   */
  public void check(String method, String pathTemplate, HttpResponse<String> res) {
    String what = method + " " + pathTemplate + " -> " + res.statusCode() + " " + res.body();
    ResponseDoc doc = response(method, pathTemplate, res.statusCode());
    Optional<String> jsonSchema = doc.jsonSchemaPointer();
    if (res.body().isEmpty()) {
      assertThat(jsonSchema).as("%s: an empty body where JSON is documented", what).isEmpty();
      return;
    }
    assertThat(jsonSchema).as("%s: a body where none is documented", what).isPresent();
    assertThat(res.headers().firstValue("content-type"))
        .as(what)
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    Schema schema = schemas.getSchema(SchemaLocation.of(DOCUMENT + "#" + jsonSchema.get()));
    List<Error> errors = schema.validate(res.body(), InputFormat.JSON);
    assertThat(errors).as("%s against %s", what, jsonSchema.get()).isEmpty();
    JsonNode body = JsonMapper.shared().readTree(res.body());
    if (body.path("error").isObject()) {
      assertThat(doc.errorCodes())
          .as("%s: code listed in x-error-codes of %s", what, doc.pointer())
          .contains(body.path("error").path("code").asString());
    }
  }

  /** A documented response: where it is and what it says. */
  public record ResponseDoc(String pointer, JsonNode node) {

    public List<String> errorCodes() {
      List<String> codes = new ArrayList<>();
      node.path("x-error-codes").forEach(c -> codes.add(c.asString()));
      return codes;
    }

    Optional<String> jsonSchemaPointer() {
      return node.path("content").has("application/json")
          ? Optional.of(pointer + "/content/application~1json/schema")
          : Optional.empty();
    }
  }

  /** A JSON pointer token (RFC 6901). */
  public static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
