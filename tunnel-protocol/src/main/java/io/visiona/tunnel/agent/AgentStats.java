package io.visiona.tunnel.agent;

/**
 * Counters of an {@link EdgeAgent} since it was started.
 *
 * @param connects tunnels established
 * @param connectFailures connection attempts that failed, credential rejections included
 * @param credentialRejections attempts the proxy answered with HTTP 401 or 403
 * @param goAways tunnels the proxy drained with GoAway
 * @param streamsServed streams accepted and handed to a splicer
 * @param streamsRejected streams reset because {@link AgentConfig#maxConcurrentStreams()} were busy
 * @param dialFailures served streams whose target could not be reached
 * @param activeStreams streams being spliced right now
 */
public record AgentStats(
    long connects,
    long connectFailures,
    long credentialRejections,
    long goAways,
    long streamsServed,
    long streamsRejected,
    long dialFailures,
    int activeStreams) {}
