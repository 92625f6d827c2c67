/**
 * The clock of the node behind an endpoint, for a transport that simulates
 * time (`Transport.memory()` delivers on it, so nodes on a test runtime's
 * virtual clock see deliveries in virtual time). Kept beside the endpoint,
 * not in the transport contract: real transports have no use for it.
 *
 * @internal
 */
import type { Clock } from '../../Scheduler.js'

/** Endpoints are keyed as plain objects: this module stays below the transport contract. */
const clocks = new WeakMap<object, Clock>()

/** @internal */
export const setEndpointClock = (endpoint: object, clock: Clock): void => {
  clocks.set(endpoint, clock)
}

/** The clock of `endpoint`'s node, if the node layer made it. @internal */
export const endpointClock = (endpoint: object): Clock | undefined => clocks.get(endpoint)
