package io.visiona.proxy.auth;

/** An answer about a credential that is known without asking the api-server. */
public sealed interface CachedAnswer {

  /** The credential was accepted recently. */
  record Accepted(AgentIdentity identity) implements CachedAnswer {}

  /** The credential was refused recently. */
  record Refused() implements CachedAnswer {}
}
