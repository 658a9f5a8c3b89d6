package io.visiona.api.device;

/** A paired box, owned by one person. */
public record Device(
    String id,
    long ownerId,
    String name,
    String model,
    String serial,
    String agentVersion,
    long createdAt) {}
