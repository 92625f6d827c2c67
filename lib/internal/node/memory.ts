/**
 * `Transport.memory()`: nodes in one thread, on one "network" object, with
 * faults on demand. Deliveries run on the receiving node's clock (a test
 * runtime's virtual clock, so they happen in virtual time and replay
 * exactly), FIFO per direction, at most once; a fault drops what is in
 * flight on the connections it cuts and tells both sides `down`.
 *
 * @internal
 */
import { hostClock, type Clock } from '../../Scheduler.js'

// The transport contract's shapes, as far as this module uses them (the
// contract module makes `memory()` from this one, so it cannot import it).
interface NodeId {
  readonly name: string
  readonly creation: number
}
interface Endpoint<Envelope> {
  readonly self: NodeId
  readonly receive: (from: NodeId, batch: ReadonlyArray<Envelope>) => void
  readonly up: (node: NodeId) => void
  readonly down: (node: string, why: string) => void
}
interface Connection<Envelope> {
  readonly connect: (node: string) => Promise<boolean>
  readonly send: (node: string, batch: ReadonlyArray<Envelope>) => void
  readonly close: () => Promise<void>
}
import { endpointClock } from './clock.js'

/** A node attached to the network. */
interface Member<Envelope> {
  readonly endpoint: Endpoint<Envelope>
  readonly clock: Clock
  /** Connections of this node: peer name -> the channel towards it. */
  readonly out: Map<string, Channel<Envelope>>
}

/** One direction of one connection: batches in flight, in order. */
interface Channel<Envelope> {
  readonly to: Member<Envelope>
  readonly from: NodeId
  readonly queue: Array<{ readonly due: number; readonly batch: ReadonlyArray<Envelope> }>
  pumping: boolean
  closed: boolean
}

const pair = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`)

/** Runs `k` on `clock` after `ms`: a microtask for "now" on the host clock (no timer per batch). */
const at = (clock: Clock, ms: number, k: () => void): void => {
  if (ms <= 0 && clock === hostClock) queueMicrotask(k)
  else clock.setTimer(ms, k)
}

/** @internal */
export class MemoryNetwork<Envelope> {
  readonly kind = 'memory'
  private readonly members = new Map<string, Member<Envelope>>()
  private readonly creations = new Map<string, number>()
  private readonly cuts = new Set<string>()
  private readonly delays = new Map<string, number>()

  /** The creation the next node named `name` gets (1, 2, ...: deterministic). */
  nextCreation(name: string): number {
    return (this.creations.get(name) ?? 0) + 1
  }

  /** Names of the nodes attached now. */
  nodes(): ReadonlyArray<string> {
    return [...this.members.keys()]
  }

  attach(endpoint: Endpoint<Envelope>): Connection<Envelope> {
    const { name, creation } = endpoint.self
    if (this.members.has(name))
      throw new Error(`Transport.memory: a node named ${JSON.stringify(name)} is already attached to this network`)
    this.creations.set(name, Math.max(creation, this.creations.get(name) ?? 0))
    const me: Member<Envelope> = { endpoint, clock: endpointClock(endpoint) ?? hostClock, out: new Map() }
    this.members.set(name, me)
    const live = (): boolean => this.members.get(name) === me
    return {
      connect: (node) =>
        new Promise<boolean>((resolve) => {
          at(me.clock, 0, () => {
            if (!live()) return resolve(false)
            if (me.out.has(node)) return resolve(true)
            const other = this.members.get(node)
            if (other === undefined || node === name || this.cuts.has(pair(name, node))) {
              me.endpoint.down(node, other === undefined ? 'no such node' : 'partitioned')
              return resolve(false)
            }
            this.join(me, other)
            resolve(true)
          })
        }),
      send: (node, batch) => {
        const c = me.out.get(node)
        if (c === undefined || c.closed || !live()) return
        const delay = this.delays.get(`${name}\u0000${node}`) ?? 0
        c.queue.push({ due: c.to.clock.now() + delay, batch })
        this.pump(c)
      },
      close: async () => {
        if (!live()) return
        this.members.delete(name)
        for (const peer of [...me.out.keys()]) this.cut(me, peer, 'closed', false)
      },
      ...{ disconnect: (node: string) => this.cut(me, node, 'disconnected', false) }
    }
  }

  /** Connects two members: each side's `up`, each on its own clock. */
  private join(a: Member<Envelope>, b: Member<Envelope>): void {
    const ab: Channel<Envelope> = { to: b, from: a.endpoint.self, queue: [], pumping: false, closed: false }
    const ba: Channel<Envelope> = { to: a, from: b.endpoint.self, queue: [], pumping: false, closed: false }
    a.out.set(b.endpoint.self.name, ab)
    b.out.set(a.endpoint.self.name, ba)
    // `b` hears `up` before anything `a` sends it (both on b's clock, in order)
    at(b.clock, 0, () => {
      if (!ba.closed) b.endpoint.up(a.endpoint.self)
    })
    a.endpoint.up(b.endpoint.self)
  }

  /** Delivers the batches of `c` as they fall due, in order. */
  private pump(c: Channel<Envelope>): void {
    if (c.pumping) return
    const head = c.queue[0]
    if (head === undefined) return
    c.pumping = true
    at(c.to.clock, head.due - c.to.clock.now(), () => {
      c.pumping = false
      if (c.closed) return
      const now = c.to.clock.now()
      while (c.queue.length > 0 && (c.queue[0] as { due: number }).due <= now) {
        const { batch } = c.queue.shift() as { batch: ReadonlyArray<Envelope> }
        c.to.endpoint.receive(c.from, batch)
        if (c.closed) return
      }
      this.pump(c)
    })
  }

  /** Cuts the connection between `a` and `peer`: what is in flight is lost; both sides see `down`. */
  private cut(a: Member<Envelope>, peer: string, why: string, tellSelf = true): void {
    const c = a.out.get(peer)
    if (c === undefined) return
    a.out.delete(peer)
    c.closed = true
    const b = c.to
    const back = b.out.get(a.endpoint.self.name)
    if (back !== undefined) {
      b.out.delete(a.endpoint.self.name)
      back.closed = true
    }
    const aName = a.endpoint.self.name
    at(b.clock, 0, () => b.endpoint.down(aName, why))
    if (tellSelf) at(a.clock, 0, () => a.endpoint.down(peer, why))
  }

  kill(node: string): void {
    const m = this.members.get(node)
    if (m === undefined) return
    this.members.delete(node)
    for (const peer of [...m.out.keys()]) this.cut(m, peer, 'killed')
  }

  partition(a: string, b: string): void {
    this.cuts.add(pair(a, b))
    const m = this.members.get(a)
    if (m !== undefined) this.cut(m, b, 'partitioned')
  }

  heal(a?: string, b?: string): void {
    if (a === undefined || b === undefined) this.cuts.clear()
    else this.cuts.delete(pair(a, b))
  }

  delay(a: string, b: string, ms: number): void {
    if (typeof ms !== 'number' || !(ms >= 0) || ms === Infinity)
      throw new TypeError(`Transport.memory: delay must be a finite number of ms >= 0, got ${String(ms)}`)
    this.delays.set(`${a}\u0000${b}`, ms)
    this.delays.set(`${b}\u0000${a}`, ms)
  }
}
