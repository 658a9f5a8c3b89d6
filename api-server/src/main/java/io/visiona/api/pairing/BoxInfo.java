package io.visiona.api.pairing;

import java.util.regex.Pattern;

/**
 * What a box says about itself when it starts pairing; shown to the person who approves, so it is
 * limited to short printable text.
 */
public record BoxInfo(String name, String model, String serial, String agentVersion) {

  private static final Pattern PRINTABLE = Pattern.compile("[\\p{L}\\p{N} ._:/()#+,'-]*");

  public BoxInfo {
    name = check("name", name, 128, true);
    model = check("model", model, 128, false);
    serial = check("serial", serial, 128, false);
    agentVersion = check("agent_version", agentVersion, 64, false);
  }

  private static String check(String field, String value, int max, boolean required) {
    if (value == null || value.isBlank()) {
      if (required) {
        throw new PairingException(PairingException.Kind.INVALID, field + " is required");
      }
      return null;
    }
    String v = value.strip();
    if (v.length() > max || !PRINTABLE.matcher(v).matches()) {
      throw new PairingException(
          PairingException.Kind.INVALID,
          field + " must be at most " + max + " letters, digits, spaces or ._:/()#+,'-");
    }
    return v;
  }
}
