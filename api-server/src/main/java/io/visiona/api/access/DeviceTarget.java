package io.visiona.api.access;

import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a request under {@code /api/devices/{id}/agent} goes: the device, and the request target on
 * the box's local web API. Taken from the raw path, so the box gets the bytes the browser sent; dot
 * segments (plain or percent-encoded) are refused rather than resolved, so what the access check
 * saw and what the box gets cannot differ.
 *
 * @param deviceId the device named in the path
 * @param prefix the path prefix the box's API is served under ({@code X-Forwarded-Prefix})
 * @param boxTarget path and query as the box receives them, at least {@code /}
 */
public record DeviceTarget(String deviceId, String prefix, String boxTarget) {

  /** The routed paths of device access (Helidon path patterns). */
  public static final String ROOT_ROUTE = "/api/devices/{id}/agent";

  public static final String SUB_ROUTE = "/api/devices/{id}/agent/{+path}";

  private static final Pattern RAW =
      Pattern.compile("^/api/devices/([A-Za-z0-9._:@-]{1,128})/agent(/.*)?$");

  /** True for a (decoded or raw) path that device access serves. */
  public static boolean matches(String path) {
    return RAW.matcher(path).matches();
  }

  /** The device a decoded, normalized path is under ({@code /api/devices/{id}/agent...}). */
  public static Optional<String> routedDevice(String path) {
    Matcher m = RAW.matcher(path);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * The target of a request.
   *
   * @return empty when the path is not under {@code /api/devices/{id}/agent}
   * @throws ApiError 400 {@code INVALID_DEVICE_PATH} for dot segments
   */
  public static Optional<DeviceTarget> of(String rawPath, Optional<String> rawQuery) {
    Matcher m = RAW.matcher(rawPath);
    if (!m.matches()) {
      return Optional.empty();
    }
    String id = m.group(1);
    String rest = m.group(2) == null ? "/" : m.group(2);
    if (id.equals(".") || id.equals("..")) {
      return Optional.empty();
    }
    for (String segment : rest.split("/", -1)) {
      String s = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
      if (s.equals(".") || s.equals("..")) {
        throw new ApiError(ErrorCode.INVALID_DEVICE_PATH, "dot segments are not allowed");
      }
    }
    String target = rest + rawQuery.filter(q -> !q.isEmpty()).map(q -> "?" + q).orElse("");
    return Optional.of(new DeviceTarget(id, "/api/devices/" + id + "/agent", target));
  }
}
