package io.visiona.tunnel.agent;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link AgentStats}. */
final class Counters {
  final LongAdder connects = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder credentialRejections = new LongAdder();
  final LongAdder goAways = new LongAdder();
  final LongAdder streamsServed = new LongAdder();
  final LongAdder streamsRejected = new LongAdder();
  final LongAdder dialFailures = new LongAdder();

  AgentStats snapshot(int activeStreams) {
    return new AgentStats(
        connects.sum(),
        connectFailures.sum(),
        credentialRejections.sum(),
        goAways.sum(),
        streamsServed.sum(),
        streamsRejected.sum(),
        dialFailures.sum(),
        activeStreams);
  }
}
