/**
 * What the port transport says over one `MessagePort`-like channel, and the
 * outbox that batches it: everything one side posts during one scheduler
 * drain (one synchronous run of the event loop) goes out as one
 * `postMessage`, flushed on a microtask.
 *
 * Uses no Node API: the same code runs over `worker_threads` ports, Web
 * Workers, a Web Worker's global scope and `MessageChannel` ports.
 */
import type { Envelope, NodeId } from '../../Transport.js'

/**
 * A message event as ports deliver them (`MessageEvent` in browsers and
 * Node). Both fields optional so that the DOM's and Node's `addEventListener`
 * signatures, typed with plain `Event` listeners, fit `PortLike`.
 */
export interface MessageEventLike {
  readonly type?: string
  readonly data?: unknown
}

/**
 * What the transport needs of a channel: a `MessagePort`, a Web `Worker`, a
 * Web Worker's `self`, or Node's `parentPort`.
 */
export interface PortLike {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void
  removeEventListener(type: 'message', listener: (event: MessageEventLike) => void): void
  /** A `MessagePort` delivers nothing to `addEventListener` before `start()` (a `Worker` has none). */
  start?(): void
}

/**
 * One thing said on a port. Peer to hub: `h` hello (I am this node), `t`
 * envelopes to a node, `b` bye (I stop). Hub to peer: `u` a node is up, `w`
 * welcome (the list of nodes up is complete), `x` refused, `f` envelopes
 * from a node, `d` a node is down, `s` stop.
 */
export type Op =
  | readonly ['h', NodeId]
  | readonly ['t', string, Array<Envelope>]
  | readonly ['b', string]
  | readonly ['u', NodeId]
  | readonly ['w']
  | readonly ['x', string]
  | readonly ['f', NodeId, Array<Envelope>]
  | readonly ['d', string, string]
  | readonly ['s']

/** The key a posted message carries, so a port shared with other traffic ignores what is not ours. */
export const KEY = 'fp-ts-actors'

/** The ops of a posted message, or `undefined` when it is someone else's message. */
export const opsOf = (data: unknown): ReadonlyArray<Op> | undefined => {
  if (typeof data !== 'object' || data === null) return undefined
  const ops = (data as { readonly [KEY]?: unknown })[KEY]
  return Array.isArray(ops) ? (ops as ReadonlyArray<Op>) : undefined
}

/** Counts of what a side posted and received (for batching checks and benchmarks). */
export interface PortStats {
  /** `postMessage` calls. */
  readonly posts: number
  /** Envelopes sent in them. */
  readonly sent: number
  /** Posted messages received. */
  readonly received: number
  /** Envelopes received in them. */
  readonly delivered: number
}

/** Mutable counters behind `PortStats`. */
export class Counters implements PortStats {
  posts = 0
  sent = 0
  received = 0
  delivered = 0
  snapshot(): PortStats {
    return { posts: this.posts, sent: this.sent, received: this.received, delivered: this.delivered }
  }
}

/**
 * The ops bound for one port, posted together on the next microtask.
 * Envelopes for (or from) the same node since the last control op join one
 * op, so per pair of nodes order is kept and a drain makes one post.
 */
export class Outbox {
  private ops: Array<Op> = []
  private readonly mail = new Map<string, Array<Envelope>>()
  private scheduled = false
  constructor(
    private readonly port: PortLike,
    private readonly counters: Counters,
    /** Posting failed (the port is closed, or a value would not clone). */
    private readonly failed: (error: unknown) => void
  ) {}

  /** A control op: mail queued before it stays before it. */
  control(op: Op): void {
    this.mail.clear()
    this.ops.push(op)
    this.schedule()
  }

  /** Envelopes to (`t`) or from (`f`) a node, joined with the ones queued for it since the last control op. */
  envelopes(tag: 't', node: string, batch: ReadonlyArray<Envelope>): void
  envelopes(tag: 'f', node: NodeId, batch: ReadonlyArray<Envelope>): void
  envelopes(tag: 't' | 'f', node: string | NodeId, batch: ReadonlyArray<Envelope>): void {
    if (batch.length === 0) return
    const key = typeof node === 'string' ? node : `${node.name}\u0000${node.creation}`
    let queued = this.mail.get(key)
    if (queued === undefined) {
      queued = []
      this.mail.set(key, queued)
      this.ops.push(tag === 't' ? ['t', node as string, queued] : ['f', node as NodeId, queued])
    }
    for (let i = 0; i < batch.length; i++) queued.push(batch[i]!)
    this.counters.sent += batch.length
    this.schedule()
  }

  /** Post what is queued now (also what `close` does last). */
  flush = (): void => {
    this.scheduled = false
    if (this.ops.length === 0) return
    const ops = this.ops
    this.ops = []
    this.mail.clear()
    this.counters.posts++
    try {
      this.port.postMessage({ [KEY]: ops })
    } catch (error) {
      this.failed(error)
    }
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    queueMicrotask(this.flush)
  }
}

/** Listen to our ops on `port`; returns how to stop listening. */
export const listen = (port: PortLike, counters: Counters, onOps: (ops: ReadonlyArray<Op>) => void): (() => void) => {
  const listener = (event: MessageEventLike): void => {
    const ops = opsOf(event.data)
    if (ops === undefined) return
    counters.received++
    onOps(ops)
  }
  port.addEventListener('message', listener)
  port.start?.()
  return () => port.removeEventListener('message', listener)
}

/** A message for reports from anything thrown. */
export const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))
