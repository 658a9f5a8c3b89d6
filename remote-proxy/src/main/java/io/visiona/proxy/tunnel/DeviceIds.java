package io.visiona.proxy.tunnel;

import java.util.regex.Pattern;

/** The form of a device id accepted in paths and link headers. */
public final class DeviceIds {

  public static final int MAX_LENGTH = 128;
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:@-]{1," + MAX_LENGTH + "}");

  private DeviceIds() {}

  public static boolean valid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
