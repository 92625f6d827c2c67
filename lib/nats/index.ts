/**
 * `fp-ts-actors/nats`: nodes on several machines, meeting on a `nats-server`.
 *
 * `nats({ servers })` is a `Transport` for the node layer; `Global` keeps
 * cluster-wide names in a NATS key-value bucket. Needs the optional peer
 * dependencies `@nats-io/transport-node`, `@nats-io/jetstream` and
 * `@nats-io/kv`.
 *
 * @example
 * import { nats } from 'fp-ts-actors/nats'
 * const transport = nats({ servers: 'nats://127.0.0.1:4222', heartbeatMs: 200 })
 * transport.kind // 'nats'
 *
 * @since 0.3.0
 */
export { nats, type NatsOptions } from './transport.js'
export * as Global from './Global.js'
export { GlobalError } from './names.js'
