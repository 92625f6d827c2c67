/**
 * The hub: the node that holds the ports (the main thread, the page) and
 * relays between every node attached to it. Worker-to-worker mail takes two
 * hops (worker, hub, worker) instead of a `MessageChannel` per pair: with
 * one ordered channel per worker, "everything a lost node sent arrives
 * before its `down`" holds by construction, since the hub learns of a
 * worker's end only after the last message the worker posted (whoever holds
 * the port hands over what is still queued on it before calling `lost`:
 * `Transport.workers()` drains the thread's channel at its `exit`, which
 * Node may report first), forwards that mail, and only then says `down` on
 * the same channels.
 *
 * Nodes attached directly (`attach`, the hub thread's own runtimes) get the
 * same ordered ops, applied on a microtask (mail from a port: at the end of
 * the port's event), never re-entrantly from `send`.
 */
import type { Connection, Endpoint, Envelope, NodeId, Transport } from '../../Transport.js'
import { emptied } from '../emptied.js'
import { applyOps } from './port-peer.js'
import { Counters, describe, listen, Outbox, toPort, type Op, type PortLike, type PortStats } from './port.js'
import { describe as describeValue } from '../check.js'
import { busyWaitOf, Poller } from './poller.js'

/** A node behind a port, as the hub holds it. */
export interface Member {
  /** The node, once it said hello; rejects if the port was lost (or the name refused) before. */
  readonly joined: Promise<NodeId>
  /** Resolves with why, once the node is down (stopped, lost, refused). */
  readonly down: Promise<string>
  /**
   * The port is gone (its worker exited, was terminated, failed): the node is
   * down after everything received from it so far. Idempotent.
   */
  readonly lost: (why: string) => void
  /** Ask the node to stop cleanly; it says bye, then it is down with `stopped`. */
  readonly stop: () => void
}

/** Options of `hub`. */
export interface HubOptions {
  /**
   * Where an adopted port has `receiveNow` (Node's ports): how long to poll
   * it for the next message after handling one, before the thread sleeps,
   * in microseconds. Default 50 (`0`: never).
   */
  readonly busyWaitMicros?: number
}

/** The hub's transport: attach the hub thread's nodes, adopt ports of others. */
export interface HubTransport extends Transport {
  /** Take in the node behind `port` (a worker): it says hello with its name, then it is up for everyone. */
  readonly adopt: (port: PortLike) => Member
  /** Nodes up now, by name. */
  readonly nodes: () => ReadonlyArray<NodeId>
  /** What the hub posted to ports and received from them. */
  readonly stats: () => PortStats
}

interface Entry {
  id: NodeId | undefined
  readonly outbox: Outbox
  /** Stop listening (ports) and settle `down`. */
  readonly end: (why: string) => void
  readonly local: boolean
}

/** A hub transport. */
export const hub = (options: HubOptions = {}): HubTransport => {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Port.hub: options must be an object, got ${describeValue(options)}`)
  }
  // every adopted port that can be polled is polled together
  const poller = new Poller(busyWaitOf('Port.hub', options.busyWaitMicros))
  const counters = new Counters()
  const members = new Map<string, Entry>()
  const pending = new Set<Promise<unknown>>()
  let locals = 0

  const join = (entry: Entry, id: NodeId): boolean => {
    if (members.has(id.name)) return false
    entry.id = id
    for (const other of members.values()) {
      entry.outbox.control(['u', other.id!])
      other.outbox.control(['u', id])
    }
    members.set(id.name, entry)
    entry.outbox.control(['w'])
    return true
  }

  const leave = (entry: Entry, why: string): void => {
    const id = entry.id
    if (id === undefined || members.get(id.name) !== entry) return
    members.delete(id.name)
    for (const other of members.values()) other.outbox.control(['d', id.name, why])
    entry.end(why)
  }

  /** Relays a batch; returns the entry it went to. */
  const route = (from: Entry, to: string, batch: ReadonlyArray<Envelope>): Entry | undefined => {
    const target = members.get(to)
    if (target === undefined || target === from || from.id === undefined) return undefined
    target.outbox.envelopes('f', from.id, batch)
    return target
  }

  const attach = (endpoint: Endpoint): Connection => {
    const up = new Map<string, NodeId>()
    const entry: Entry = {
      id: undefined,
      // a local node's ops are applied to its endpoint (on the outbox's microtask)
      outbox: new Outbox(
        (ops) => applyOps(endpoint, up, ops),
        new Counters(),
        () => undefined
      ),
      end: () => undefined,
      local: true
    }
    if (!join(entry, endpoint.self)) {
      throw new Error(`a node named ${endpoint.self.name} is already up on this hub`)
    }
    locals++
    let closed = false
    /** Ports this node's sends went to since its last flush. */
    let touched = new Set<Entry>()
    return {
      connect: async (node) => {
        while (!members.has(node) && pending.size > 0) await Promise.allSettled([...pending])
        // `up` was queued on this node's outbox before: wait for it to be applied.
        await new Promise<void>((resolve) => queueMicrotask(resolve))
        return !closed && up.has(node)
      },
      send: (node, batch) => {
        if (closed) return
        const target = route(entry, node, batch)
        if (target !== undefined && !target.local) touched.add(target)
      },
      // posted now to worker ports; a node of this thread still gets its mail on a microtask (never re-entrantly)
      flush: () => {
        for (const target of touched) target.outbox.flush()
        touched = emptied(touched)
      },
      close: async () => {
        if (closed) return
        closed = true
        leave(entry, 'stopped')
        // The last node of the hub's thread leaving ends the cluster: every node behind a port is asked to stop.
        if (--locals === 0) for (const other of members.values()) if (!other.local) other.outbox.control(['s'])
      }
    }
  }

  const adopt = (port: PortLike): Member => {
    let resolveJoined: (id: NodeId) => void = () => undefined
    let rejectJoined: (error: Error) => void = () => undefined
    const joined = new Promise<NodeId>((resolve, reject) => {
      resolveJoined = resolve
      rejectJoined = reject
    })
    joined.catch(() => undefined)
    let resolveDown: (why: string) => void = () => undefined
    const down = new Promise<string>((resolve) => (resolveDown = resolve))
    pending.add(joined)
    const settle = (): void => void pending.delete(joined)
    joined.then(settle, settle)

    let gone = false
    const entry: Entry = {
      id: undefined,
      outbox: new Outbox(toPort(port), counters, (error) => lost(`could not post to it: ${describe(error)}`)),
      end: (why) => {
        if (gone) return
        gone = true
        unlisten()
        resolveDown(why)
      },
      local: false
    }
    const onOps = (ops: ReadonlyArray<Op>): void => {
      if (gone) return
      // mail for nodes of this thread is applied at the end of this event, not a microtask later
      // (a port's event is never inside a send: not re-entrant), so their replies go out in it
      const locals: Array<Entry> = []
      for (const op of ops) {
        switch (op[0]) {
          case 'h':
            if (entry.id !== undefined) break
            if (join(entry, op[1])) resolveJoined(op[1])
            else {
              const why = `a node named ${op[1].name} is already up`
              entry.outbox.control(['x', why])
              rejectJoined(new Error(why))
              entry.end(why)
            }
            break
          case 't': {
            counters.delivered += op[2].length
            const target = route(entry, op[1], op[2])
            if (target !== undefined && target.local && !locals.includes(target)) locals.push(target)
            break
          }
          case 'b':
            leave(entry, op[1])
            break
        }
      }
      for (const target of locals) target.outbox.flush()
    }
    const unlisten = listen(port, counters, onOps, poller)
    const lost = (why: string): void => {
      if (gone) return
      if (entry.id === undefined) {
        rejectJoined(new Error(`the node was lost before it joined: ${why}`))
        entry.end(why)
      } else leave(entry, why)
    }
    const stop = (): void => {
      if (!gone) entry.outbox.control(['s'])
    }
    return { joined, down, lost, stop }
  }

  return {
    kind: 'ports',
    attach,
    adopt,
    nodes: () => [...members.values()].map((entry) => entry.id!),
    stats: () => counters.snapshot()
  }
}
