/**
 * How nodes reach each other: the contract between the node layer (which
 * keeps Erlang's distribution semantics: links, monitors, `noconnection`,
 * stale incarnations) and a transport (which only moves batches of envelopes
 * between named nodes and says when a node comes up or goes down).
 *
 * A transport promises, per ordered pair of nodes:
 * - **at most once**: an envelope is delivered once or not at all;
 * - **FIFO**: batches and the envelopes in them arrive in the order sent;
 * - **lost before down**: everything delivered from a node arrives before
 *   the `down` for it (rule 5 of distribution: no message after
 *   `noconnection`), and after `down` nothing more from that incarnation.
 *
 * Everything else (who links whom, DOWN messages, dead letters, decoding
 * messages with mailbox codecs) is the node layer's business, not the
 * transport's. Transports in this package: `memory()` (one
 * thread, virtual clock, fault injection), the worker transport of
 * `fp-ts-actors/node` (worker threads; the same code speaks to Web Workers),
 * and `fp-ts-actors/nats` (several machines).
 *
 * @example
 * import type { Transport } from 'fp-ts-actors'
 * // A transport that reaches no one: every node is unreachable.
 * const nowhere: Transport.Transport = {
 *   kind: 'nowhere',
 *   attach: (endpoint) => ({
 *     connect: async () => false,
 *     send: () => undefined,
 *     close: async () => undefined
 *   })
 * }
 *
 * @since 0.3.0
 */

import { MemoryNetwork } from './internal/node/memory.js'

// -------------------------------------------------------------------------------------
// identities and data on the wire
// -------------------------------------------------------------------------------------

/**
 * A node as the wire knows it: its name (unique in a cluster) and its
 * incarnation (Erlang's `creation`: a restarted node has a new one, so pids of
 * the old incarnation never reach a process of the new one).
 *
 * @category model
 * @since 0.3.0
 */
export interface NodeId {
  readonly name: string
  readonly creation: number
}

/**
 * Data that crosses between nodes: a JSON-safe tree. Messages, exit reasons
 * and spawn arguments are turned into `Wire` by the node layer (pids and refs
 * included, tagged) and back on arrival; a value that cannot be (a function,
 * a cycle, a class instance) fails at the sender.
 *
 * @category model
 * @since 0.3.0
 */
export type Wire = null | boolean | number | string | ReadonlyArray<Wire> | { readonly [key: string]: Wire }

/**
 * A process identity on the wire.
 *
 * @category model
 * @since 0.3.0
 */
export interface WirePid {
  readonly node: string
  readonly creation: number
  readonly id: number
}

/**
 * A reference on the wire (monitor refs, spawn request refs, aliases).
 *
 * @category model
 * @since 0.3.0
 */
export interface WireRef {
  readonly node: string
  readonly creation: number
  readonly id: number
}

/**
 * One thing one node tells another, as in Erlang's distribution protocol.
 * `to` is always a pid of the receiving node, or a name registered there.
 *
 * - `send`: a message to a pid; `sendName`: to a name registered on that node;
 *   `sendAlias`: to a reply alias (a `GenServer.call`'s reply, say);
 * - `link` / `unlink`: set up or remove a link between `from` and `to`;
 * - `exit`: an exit signal because a linked process ended (`from` died);
 * - `exit2`: `Process.exit(to, reason)` called by `from`;
 * - `monitor` / `demonitor`: `from` watches / stops watching `to` (a pid or
 *   a name on that node) under `ref`;
 * - `down`: the watched process `from` ended; `to` gets a DOWN for `ref`;
 * - `spawn` / `spawned`: a request to start the program registered as
 *   `program` with `args`, and its answer (a pid, or why not).
 *
 * @category model
 * @since 0.3.0
 */
export type Envelope =
  | { readonly _tag: 'send'; readonly to: WirePid; readonly message: Wire }
  | { readonly _tag: 'sendName'; readonly from: WirePid | null; readonly name: string; readonly message: Wire }
  | { readonly _tag: 'sendAlias'; readonly to: WireRef; readonly message: Wire }
  | { readonly _tag: 'link'; readonly from: WirePid; readonly to: WirePid }
  | { readonly _tag: 'unlink'; readonly from: WirePid; readonly to: WirePid }
  | { readonly _tag: 'exit'; readonly from: WirePid; readonly to: WirePid; readonly reason: Wire }
  | { readonly _tag: 'exit2'; readonly from: WirePid | null; readonly to: WirePid; readonly reason: Wire }
  | {
      readonly _tag: 'monitor'
      readonly from: WirePid
      readonly to: WirePid | { readonly name: string }
      readonly ref: WireRef
    }
  | {
      readonly _tag: 'demonitor'
      readonly from: WirePid
      readonly to: WirePid | { readonly name: string }
      readonly ref: WireRef
    }
  | {
      readonly _tag: 'down'
      readonly from: WirePid
      readonly to: WirePid
      readonly ref: WireRef
      readonly reason: Wire
    }
  | {
      readonly _tag: 'spawn'
      readonly ref: WireRef
      readonly from: WirePid
      readonly program: string
      readonly args: Wire
      readonly link: boolean
      readonly monitor: WireRef | null
    }
  | {
      readonly _tag: 'spawned'
      readonly ref: WireRef
      readonly to: WirePid
      readonly result:
        { readonly _tag: 'ok'; readonly pid: WirePid } | { readonly _tag: 'error'; readonly error: string }
    }

// -------------------------------------------------------------------------------------
// the contract
// -------------------------------------------------------------------------------------

/**
 * The node layer's side of a transport: what the transport calls.
 *
 * @category model
 * @since 0.3.0
 */
export interface Endpoint {
  /** The node this endpoint belongs to. */
  readonly self: NodeId
  /** A batch from `from`, in the order it was sent. */
  readonly receive: (from: NodeId, batch: ReadonlyArray<Envelope>) => void
  /** `node` is reachable (again). A new `creation` means a new incarnation. */
  readonly up: (node: NodeId) => void
  /**
   * `node` is lost (crashed, stopped, cut off, or this node lost its own
   * connection). Called once per loss, after the last batch from it.
   */
  readonly down: (node: string, why: string) => void
}

/**
 * A live attachment of one node to a transport.
 *
 * @category model
 * @since 0.3.0
 */
export interface Connection {
  /** Reach `node`; resolves `true` once `Endpoint.up` has been called for it, `false` if unreachable. */
  readonly connect: (node: string) => Promise<boolean>
  /** Send a batch to `node` (at most once, FIFO). To a node not up, it is dropped. */
  readonly send: (node: string, batch: ReadonlyArray<Envelope>) => void
  /**
   * Optional: put what `send` was given on the wire now. The node layer calls
   * it at the end of each run of its scheduler, after that run's `send`s, so
   * a transport that coalesces sends (say, on a microtask) need not wait to
   * post them. Sends made outside such a run are still the transport's to
   * coalesce.
   */
  readonly flush?: () => void
  /** Leave: the other nodes see this node `down` promptly. */
  readonly close: () => Promise<void>
}

/**
 * A way for nodes to reach each other.
 *
 * @example
 * import { Transport } from 'fp-ts-actors'
 * declare const transport: Transport.Transport
 * transport.kind // 'memory', 'workers', 'nats', ...
 *
 * @category model
 * @since 0.3.0
 */
export interface Transport {
  /** A short name for reports (`'memory'`, `'workers'`, `'nats'`). */
  readonly kind: string
  /** Attach a node. The transport calls `endpoint` from its own callbacks, never re-entrantly from `send`. */
  readonly attach: (endpoint: Endpoint) => Connection
}

// -------------------------------------------------------------------------------------
// the memory transport
// -------------------------------------------------------------------------------------

/**
 * `memory()`'s network: a `Transport` plus faults on demand. Each fault cuts
 * connections at once (what is in flight on them is lost, both sides see the
 * other `down` and their watchers `noconnection`); a later use connects
 * again unless the pair is still partitioned.
 *
 * @category model
 * @since 0.3.0
 */
export interface Memory extends Transport {
  readonly kind: 'memory'
  /** Names of the nodes attached now. */
  nodes(): ReadonlyArray<string>
  /** The node crashes: it leaves the network, every node it was connected to sees it down (and it sees them down). */
  kill(node: string): void
  /** Cuts `a` from `b` until `heal`: their connection drops and connecting fails. */
  partition(a: string, b: string): void
  /** Lifts the partition between `a` and `b`, or every partition. Nodes reconnect on their next use. */
  heal(a?: string, b?: string): void
  /** From now on batches between `a` and `b` (both ways) take `ms` to arrive (still FIFO). */
  delay(a: string, b: string, ms: number): void
}

/**
 * An in-memory network for nodes in one thread: make it first, then give it
 * to each runtime that is a node on it. Deliveries run on the receiving
 * node's clock: on `TestRuntime`s they happen in virtual time, under the
 * seeded scheduler, so distributed runs replay exactly.
 *
 * @example
 * import { Runtime, Transport } from 'fp-ts-actors'
 * const net = Transport.memory()
 * const a = Runtime.make({ node: { name: 'a', transport: net } })
 * const b = Runtime.make({ node: { name: 'b', transport: net } })
 * net.partition('a', 'b') // later: net.heal()
 *
 * @category constructors
 * @since 0.3.0
 */
export const memory = (): Memory => new MemoryNetwork<Envelope>()
