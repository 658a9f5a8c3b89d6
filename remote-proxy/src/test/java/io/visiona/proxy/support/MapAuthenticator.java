package io.visiona.proxy.support;

import io.visiona.proxy.auth.AgentAuthenticator;
import io.visiona.proxy.auth.AgentIdentity;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Test authenticator: a fixed map of credential to identity; counts calls. */
public final class MapAuthenticator implements AgentAuthenticator {

  private final Map<String, AgentIdentity> identities = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();

  public MapAuthenticator add(String credential, String deviceId) {
    identities.put(credential, new AgentIdentity(deviceId, "owner-of-" + deviceId));
    return this;
  }

  @Override
  public Optional<AgentIdentity> authenticate(String credential) {
    calls.incrementAndGet();
    return Optional.ofNullable(identities.get(credential));
  }

  public int calls() {
    return calls.get();
  }
}
