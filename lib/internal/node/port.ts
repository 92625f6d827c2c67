/**
 * What the port transport says over one `MessagePort`-like channel, and the
 * outbox that batches it: everything one side posts during one run of its
 * node's scheduler goes out as one `postMessage`, at the end of that run
 * (`Connection.flush`); what the node layer answers to arriving mail itself
 * is flushed just before such a run; sends made outside a run go on a
 * microtask.
 *
 * Uses no Node API: the same code runs over `worker_threads` ports, Web
 * Workers, a Web Worker's global scope and `MessageChannel` ports. Where a
 * port can be polled (`PortLike.receiveNow`, Node's `receiveMessageOnPort`),
 * a thread that handled a message busy-waits a little for the next one
 * before it sleeps (`poller.ts`).
 */
import type { Envelope, NodeId } from '../../Transport.js'
import { emptied } from '../emptied.js'
import type { Poller } from './poller.js'
import { packEnvelopes, Reader } from './flat.js'

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
  /**
   * Optional: the next message already queued on this port, taken now, or
   * `undefined` when there is none (Node's `receiveMessageOnPort(port)`).
   * A port that has it is polled for a short while after each message the
   * transport handled (`busyWaitMicros`), before the thread sleeps.
   */
  receiveNow?(): { readonly message: unknown } | undefined
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

/** The first item of a posted message, so a port shared with other traffic ignores what is not ours. */
export const KEY = 'fp-ts-actors'

/**
 * Ops as posted: one flat array, `[KEY, ...op, ...op]`, each op its letter
 * then its fields, a node as `name, creation`, a batch as `flat.ts` writes it.
 * A structured clone costs per object: the post itself costs none.
 */
export const pack = (ops: ReadonlyArray<Op>): Array<unknown> => {
  const out: Array<unknown> = [KEY]
  for (const op of ops) {
    switch (op[0]) {
      case 'h':
      case 'u':
        out.push(op[0], op[1].name, op[1].creation)
        break
      case 'w':
      case 's':
        out.push(op[0])
        break
      case 'x':
      case 'b':
        out.push(op[0], op[1])
        break
      case 'd':
        out.push(op[0], op[1], op[2])
        break
      case 't':
        out.push('t', op[1])
        packEnvelopes(out, op[2])
        break
      case 'f':
        out.push('f', op[1].name, op[1].creation)
        packEnvelopes(out, op[2])
        break
    }
  }
  return out
}

/** The ops of a posted message, or `undefined` when it is someone else's message. */
export const opsOf = (data: unknown): ReadonlyArray<Op> | undefined => {
  if (!Array.isArray(data) || data[0] !== KEY) return undefined
  const r = new Reader(data, 1, 'port transport')
  const ops: Array<Op> = []
  while (!r.done) {
    const tag = r.item()
    switch (tag) {
      case 'h':
      case 'u': {
        const name = r.str()
        ops.push([tag, { name, creation: r.int() }])
        break
      }
      case 'w':
      case 's':
        ops.push([tag])
        break
      case 'x':
      case 'b':
        ops.push([tag, r.str()])
        break
      case 'd': {
        const name = r.str()
        ops.push(['d', name, r.str()])
        break
      }
      case 't': {
        const node = r.str()
        ops.push(['t', node, r.envelopes()])
        break
      }
      case 'f': {
        const name = r.str()
        const creation = r.int()
        ops.push(['f', { name, creation }, r.envelopes()])
        break
      }
      default:
        throw new TypeError(`port transport: malformed message at item ${r.at - 1}`)
    }
  }
  return ops
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

/** A microtask without `queueMicrotask`'s per-call async context (Node). */
const resolved = Promise.resolve()

/**
 * The ops bound for one port, posted together on the next microtask (or at
 * once by `flush`, at the end of the node's scheduler run).
 * Envelopes for (or from) the same node since the last control op join one
 * op, so per pair of nodes order is kept and a drain makes one post.
 */
export class Outbox {
  private ops: Array<Op> = []
  private mail = new Map<string, Array<Envelope>>()
  private scheduled = false
  constructor(
    /** Hands the ops over: `toPort(port)`, or straight to a node of this thread. */
    private readonly post: (ops: ReadonlyArray<Op>) => void,
    private readonly counters: Counters,
    /** Posting failed (the port is closed, or a value would not clone). */
    private readonly failed: (error: unknown) => void
  ) {}

  /** A control op: mail queued before it stays before it. */
  control(op: Op): void {
    this.mail = emptied(this.mail)
    this.ops.push(op)
    this.schedule()
  }

  /** Envelopes to (`t`) or from (`f`) a node, joined with the ones queued for it since the last control op. */
  envelopes(tag: 't', node: string, batch: ReadonlyArray<Envelope>): void
  envelopes(tag: 'f', node: NodeId, batch: ReadonlyArray<Envelope>): void
  envelopes(tag: 't' | 'f', node: string | NodeId, batch: ReadonlyArray<Envelope>): void {
    if (batch.length === 0) return
    // one incarnation of a node between two control ops (its `d` and `u` are control ops)
    const key = typeof node === 'string' ? node : node.name
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
    this.mail = emptied(this.mail)
    this.counters.posts++
    try {
      this.post(ops)
    } catch (error) {
      this.failed(error)
    }
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    void resolved.then(this.flush)
  }
}

/** Posts ops on `port`, packed. */
export const toPort =
  (port: PortLike) =>
  (ops: ReadonlyArray<Op>): void =>
    port.postMessage(pack(ops))

/**
 * Listen to our ops on `port`; returns how to stop listening. Where the port
 * has `receiveNow`, it joins `poller`: each message handled is followed by
 * polling the poller's ports for the next ones.
 */
export const listen = (
  port: PortLike,
  counters: Counters,
  onOps: (ops: ReadonlyArray<Op>) => void,
  poller?: Poller
): (() => void) => {
  const take = (data: unknown): void => {
    let ops: ReadonlyArray<Op> | undefined
    try {
      ops = opsOf(data)
    } catch (error) {
      // not something this package posts: dropped, said once per message
      console.error(`fp-ts-actors: ${describe(error)}`)
      return
    }
    if (ops === undefined) return
    counters.received++
    onOps(ops)
  }
  const receiveNow = port.receiveNow
  const unpoll =
    poller === undefined || receiveNow === undefined
      ? () => undefined
      : poller.add({ receiveNow: () => receiveNow.call(port), take })
  const listener = (event: MessageEventLike): void => {
    take(event.data)
    poller?.run()
  }
  port.addEventListener('message', listener)
  port.start?.()
  return () => {
    unpoll()
    port.removeEventListener('message', listener)
  }
}

/** A message for reports from anything thrown. */
export const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))
