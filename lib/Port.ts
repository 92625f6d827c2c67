/**
 * Nodes over `MessagePort`s: the transport between a thread that holds
 * workers (the hub: Node's main thread, a page) and the nodes running in
 * those workers. It uses no Node API, so the same code joins Web Workers in
 * a browser and `worker_threads` under Node (`fp-ts-actors/node` wraps it
 * as `Transport.workers()`, which also starts the threads).
 *
 * - The hub's side: `Port.hub()` is the transport of the hub thread's node
 *   (`Runtime.make({ node: { name, transport } })`); `hub.adopt(worker)`
 *   takes in the node running behind a `Worker` (or any `MessagePort`).
 * - The worker's side: `Port.peer(self)` is the transport of the worker's
 *   node, reaching every other node through the hub.
 *
 * Envelopes are batched: everything one thread sends to one port during
 * one run of its scheduler is one `postMessage` (structured clone of plain
 * data); what a node answers to arriving mail itself (a spawn's pid) goes
 * out just before that run. Workers reach each other through the hub, which relays: one
 * ordered channel per worker, so mail from a lost node always arrives before
 * its `noconnection`. A worker that exits, throws or is terminated is a lost
 * node for everyone (`member.lost(why)`, called by `Transport.workers()` on
 * the thread's `exit`; in a page, call it when you terminate the worker).
 *
 * @example
 * import { Port } from 'fp-ts-actors'
 * // In a page: the hub, and a Web Worker whose module calls `Port.peer(self)`.
 * const hub = Port.hub()
 * declare const worker: Port.PortLike // new Worker(new URL('./node.js', import.meta.url), { type: 'module' })
 * const member = hub.adopt(worker)
 * member.joined.then((node) => console.log(`${node.name} is up`))
 *
 * @since 0.3.0
 */
import { hub as makeHub, type HubOptions, type HubTransport, type Member } from './internal/node/port-hub.js'
import { peer as makePeer, type PeerOptions, type PeerTransport } from './internal/node/port-peer.js'
import type { MessageEventLike, PortLike, PortStats } from './internal/node/port.js'

export type { HubOptions, HubTransport, Member, MessageEventLike, PeerOptions, PeerTransport, PortLike, PortStats }

/**
 * The transport of the hub thread's node: it adopts the ports of workers and
 * relays between every node it holds. An adopted port that can be polled
 * (`PortLike.receiveNow`) is polled for `options.busyWaitMicros` (default
 * 50) after each message the hub handled, before the thread sleeps.
 *
 * @example
 * import { Port } from 'fp-ts-actors'
 * const hub = Port.hub()
 * hub.kind // 'ports'
 * hub.nodes() // [] until a node attaches or a worker joins
 * Port.hub({ busyWaitMicros: 0 }) // never busy-wait
 *
 * @category constructors
 * @since 0.3.0
 */
export const hub = (options: HubOptions = {}): HubTransport => makeHub(options)

/**
 * The transport of a node behind a port (in a worker): `port` is the worker's
 * `self` in a browser, `parentPort` under Node, or a `MessagePort` handed to
 * it. On the hub's `stop` it leaves, or runs `options.onStop`.
 *
 * @example
 * import { Port } from 'fp-ts-actors'
 * // Two ends of a channel stand in for a page and its worker.
 * const { port1, port2 } = new MessageChannel()
 * const hub = Port.hub()
 * const member = hub.adopt(port1)
 * const transport = Port.peer(port2) // in a worker: Port.peer(self)
 * transport.kind // 'port'
 * port1.close()
 * member.lost('closed')
 *
 * @category constructors
 * @since 0.3.0
 */
export const peer = (port: PortLike, options: PeerOptions = {}): PeerTransport => makePeer(port, options)
