/**
 * A node on the far side of one port (a worker thread, a Web Worker): it
 * reaches every other node through the hub at the other end of the port,
 * which relays. Everything it hears comes over that one port, in order, so
 * mail from a node always arrives before the hub's word that the node is
 * down.
 */
import type { Connection, Endpoint, NodeId, Transport } from '../../Transport.js'
import { Counters, describe, listen, Outbox, toPort, type Op, type PortLike, type PortStats } from './port.js'
import { describe as describeValue } from '../check.js'
import { busyWaitOf, Poller } from './poller.js'

/** Options of `peer`. */
export interface PeerOptions {
  /**
   * The hub asks this node to stop (its parent stopped it, or the hub's own
   * node left). Default: leave (`close` the connection).
   */
  readonly onStop?: () => void
  /**
   * Where the port has `receiveNow` (Node's ports): how long to poll it for
   * the next message after handling one, before the thread sleeps, in
   * microseconds. Default 50 (`0`: never).
   */
  readonly busyWaitMicros?: number
}

/** The transport of a node behind one port. */
export interface PeerTransport extends Transport {
  /** Resolves once the hub has taken this node in (every node up announced); rejects if it refused. */
  readonly joined: Promise<void>
  /** What this side posted and received. */
  readonly stats: () => PortStats
}

/** Apply the hub's ops to a node's endpoint (a peer's, or a local node of the hub). */
export const applyOps = (endpoint: Endpoint, up: Map<string, NodeId>, ops: ReadonlyArray<Op>): void => {
  for (const op of ops) {
    switch (op[0]) {
      case 'f':
        if (up.has(op[1].name)) endpoint.receive(op[1], op[2])
        break
      case 'u':
        up.set(op[1].name, op[1])
        endpoint.up(op[1])
        break
      case 'd':
        if (up.delete(op[1])) endpoint.down(op[1], op[2])
        break
    }
  }
}

/** A transport over `port` to a hub (`hub().adopt(port)` on the other side). */
export const peer = (port: PortLike, options: PeerOptions = {}): PeerTransport => {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Port.peer: options must be an object, got ${describeValue(options)}`)
  }
  const poller = new Poller(busyWaitOf('Port.peer', options.busyWaitMicros))
  const counters = new Counters()
  let resolveJoined: () => void = () => undefined
  let rejectJoined: (error: Error) => void = () => undefined
  const joined = new Promise<void>((resolve, reject) => {
    resolveJoined = resolve
    rejectJoined = reject
  })
  // A caller that never awaits `joined` must not see an unhandled rejection.
  joined.catch(() => undefined)
  let attached = false

  const attach = (endpoint: Endpoint): Connection => {
    if (attached) throw new Error('this port transport already has a node: one port carries one node')
    attached = true
    const up = new Map<string, NodeId>()
    let welcomed = false
    let closed = false
    const outbox = new Outbox(toPort(port), counters, (error) => {
      console.error(`fp-ts-actors: node ${endpoint.self.name} could not post to its hub: ${describe(error)}`)
    })
    const onOps = (ops: ReadonlyArray<Op>): void => {
      if (closed) return
      for (const op of ops) if (op[0] === 'f') counters.delivered += op[2].length
      applyOps(endpoint, up, ops)
      for (const op of ops) {
        if (op[0] === 'w') {
          welcomed = true
          resolveJoined()
        } else if (op[0] === 'x') {
          leave()
          rejectJoined(new Error(`the hub refused node ${endpoint.self.name}: ${op[1]}`))
        } else if (op[0] === 's') {
          if (options.onStop === undefined) void close()
          else options.onStop()
        }
      }
    }
    const unlisten = listen(port, counters, onOps, poller)
    const leave = (): void => {
      if (closed) return
      closed = true
      unlisten()
    }
    const close = async (): Promise<void> => {
      if (closed) return
      outbox.control(['b', 'stopped'])
      outbox.flush()
      leave()
      rejectJoined(new Error(`node ${endpoint.self.name} closed before the hub took it in`))
    }
    outbox.control(['h', endpoint.self])

    return {
      connect: async (node) => {
        if (!welcomed && !closed) await joined.catch(() => undefined)
        return !closed && up.has(node)
      },
      send: (node, batch) => {
        if (closed || !up.has(node)) return
        outbox.envelopes('t', node, batch)
      },
      flush: () => outbox.flush(),
      close
    }
  }
  return { kind: 'port', attach, joined, stats: () => counters.snapshot() }
}
