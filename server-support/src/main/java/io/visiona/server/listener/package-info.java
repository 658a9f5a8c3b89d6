/**
 * What every listener of both servers gets: {@code TCP_NODELAY}, a connection limit, a bound on the
 * request head (slowloris), readiness that notices a listener that stopped, and quiet logs for
 * abandoned connections.
 */
package io.visiona.server.listener;
