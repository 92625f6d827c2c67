/**
 * The node layer of one runtime: what makes a kernel a node. It keeps the
 * connections to other nodes (each up with one incarnation), the relations
 * local processes have with remote ones (links, monitors both ways, node
 * monitors, spawn requests in flight), the outgoing envelopes batched per
 * node and flushed once per drain, and it turns what arrives into local
 * deliveries and signals with the kernel's own rules.
 *
 * A lost node is handled in one place (`lost`): every link to one of its
 * processes gets `noconnection`, every monitor one DOWN `noconnection`, every
 * node monitor a `nodedown`, every spawn request in flight an error; the
 * relations are dropped, so each fires exactly once.
 *
 * @internal
 */
import { PathReporter } from 'io-ts/lib/PathReporter.js'
import type { Decoder } from 'io-ts'
import * as Ex from '../../Exit.js'
import type { Reason } from '../../Exit.js'
import { toPid, toRef } from '../../Pid.js'
import type { Connection, Endpoint, Envelope, NodeId, Transport, Wire, WirePid, WireRef } from '../../Transport.js'
import { emptied } from '../emptied.js'
import { EXITED, type Fiber } from '../fiber.js'
import type { Clock } from '../../Scheduler.js'
import type { DeadLetter } from '../event.js'
import type { SpawnOpts } from '../host.js'
import type { Op } from '../op.js'
import { PidImpl, RefImpl, RemotePid, RemoteRef } from '../pid.js'
import { exitSignal, linkSignal } from '../signals.js'
import { decode, encode, type Identities } from './codec.js'
import { Interner } from './interner.js'
import { setEndpointClock } from './clock.js'

/** What the node layer uses of its kernel (an interface: the kernel imports this module). @internal */
export interface KernelView {
  readonly clock: Clock
  readonly procs: ReadonlyMap<number, Fiber>
  readonly names: ReadonlyMap<string, Fiber>
  readonly isDraining: boolean
  makeRef(): RefImpl
  /** Runs `deliver`, then the ready processes now (one bounded batch), unless a drain is running. */
  deliverNow(deliver: () => void): void
  spawn(parent: Fiber | undefined, program: Op, opts: SpawnOpts): readonly [PidImpl, RefImpl | undefined]
  send(from: Fiber | undefined, dest: unknown, message: unknown): unknown
  deliverByName(name: string, message: unknown): void
  deliverDown(watcher: Fiber, ref: RefImpl, target: PidImpl | string, reason: Reason): void
  emitLink(tag: 'Link' | 'Unlink', from: PidImpl, to: PidImpl): void
  deadLetter(letter: DeadLetter): void
  readonly observerThrew: (error: unknown) => void
}

/** The exit reason of a lost connection (Erlang's `noconnection`). @internal */
export const NOCONNECTION: Reason = Ex.custom('noconnection')

/** A program other nodes may spawn here by name. @internal */
export interface ProgramImpl {
  readonly args: Decoder<unknown, unknown>
  readonly run: (args: unknown) => Op
}

/** A node up or down, as `nodes$` tells it. @internal */
export type NodeEventImpl =
  | { readonly _tag: 'nodeup'; readonly node: string; readonly creation: number }
  | { readonly _tag: 'nodedown'; readonly node: string; readonly why: string }

/** `{ name, node }`: a name registered on a node. @internal */
export interface RemoteName {
  readonly name: string
  readonly node: string
}

/** @internal */
export const isRemoteName = (u: unknown): u is RemoteName =>
  typeof u === 'object' &&
  u !== null &&
  typeof (u as RemoteName).name === 'string' &&
  typeof (u as RemoteName).node === 'string' &&
  !('via' in u)

/** A monitor a local process holds on a remote process (or a name there). */
interface Watch {
  readonly node: string
  /** The pid (or the name) watched; `undefined` while a `spawnMonitor` request is in flight. */
  target: RemotePid | string | undefined
}

/** A local process's relations with processes of other nodes (made on first use). */
class RemoteRel {
  readonly links = new Set<RemotePid>()
  /** Monitors it holds: its ref -> what it watches. */
  readonly monitors = new Map<RefImpl, Watch>()
  /** Monitors on it: the watcher's ref -> the watcher. */
  readonly watchers = new Map<RemoteRef, RemotePid>()
  /** Node monitors it holds: node -> how many (they stack). */
  readonly nodes = new Map<string, number>()
  get empty(): boolean {
    return this.links.size + this.monitors.size + this.watchers.size + this.nodes.size === 0
  }
}

/** A spawn request in flight to another node. */
interface SpawnRequest {
  readonly from: Fiber
  readonly node: string
  readonly link: boolean
  readonly monitor: RefImpl | undefined
}

/** What the requester of a remote spawn gets through its reply alias. @internal */
export type SpawnReply =
  | { readonly _tag: 'Node.Spawned'; readonly ref: RefImpl; readonly pid: PidImpl }
  | { readonly _tag: 'Node.SpawnFailed'; readonly ref: RefImpl; readonly node: string; readonly error: string }

/** One other node as this one knows it. */
interface Peer {
  readonly name: string
  status: 'connecting' | 'up'
  creation: number
  /** Envelopes not yet handed to the transport. */
  queue: Array<Envelope>
  /** Local processes with relations to processes of this node. */
  readonly fibers: Set<Fiber>
  /** Spawn requests in flight, by their ref. */
  readonly spawns: Map<RefImpl, SpawnRequest>
}

/** Options a node layer is made with. @internal */
export interface LayerOptions {
  readonly name: string
  readonly transport: Transport
  readonly programs: ReadonlyMap<string, ProgramImpl>
  readonly creation: number
  /**
   * Run the ready processes inside the transport's callback that delivered
   * mail (a host runtime), instead of on the scheduler's next turn: a reply
   * goes out in the same callback. Off on the test runtime, whose seeded
   * scheduler alone decides when processes run.
   */
  readonly runOnDelivery?: boolean
}

const wirePid = (p: PidImpl, self: NodeId): WirePid =>
  p instanceof RemotePid
    ? { node: p.node, creation: p.creation, id: p.id }
    : { node: self.name, creation: self.creation, id: p.id }

/** @internal */
export class NodeLayer implements Identities {
  readonly self: NodeId
  readonly conn: Connection
  private readonly peers = new Map<string, Peer>()
  private readonly rels = new Map<Fiber, RemoteRel>()
  /** Local pids and refs that went out on the wire, so they come back as the same objects. */
  private readonly localPids = new Interner<PidImpl>()
  private readonly localRefs = new Interner<RefImpl>()
  /** Pids of other nodes: node -> creation -> id -> pid. */
  private readonly remotePids = new Map<string, Map<number, Interner<RemotePid>>>()
  private readonly remoteRefs = new Interner<RemoteRef>()
  /** Peers with envelopes waiting for the end of the drain. */
  private dirty = new Set<Peer>()
  /** Inside a transport callback: envelopes are flushed at its end. */
  private handling = 0
  private closed = false
  /** Listeners of node up/down (`nodes$`). */
  readonly listeners = new Set<(e: NodeEventImpl) => void>()

  constructor(
    readonly kernel: KernelView,
    readonly options: LayerOptions
  ) {
    this.self = { name: options.name, creation: options.creation }
    const endpoint: Endpoint = {
      self: this.self,
      receive: (from, batch) => this.delivered(() => this.receive(from, batch)),
      up: (node) => this.delivered(() => this.up(node)),
      down: (node, why) => this.delivered(() => this.lost(node, why))
    }
    setEndpointClock(endpoint, kernel.clock)
    this.conn = options.transport.attach(endpoint)
  }

  // -------------------------------------------------------------------------------------
  // identities
  // -------------------------------------------------------------------------------------

  /** The local pid last kept (a process sending many messages keeps the same one). */
  private lastKept: PidImpl | undefined = undefined

  readonly pidOut = (p: PidImpl): WirePid => {
    if (!(p instanceof RemotePid) && p !== this.lastKept) {
      this.localPids.keep(p.id, p)
      this.lastKept = p
    }
    return wirePid(p, this.self)
  }

  readonly refOut = (r: RefImpl): WireRef => {
    if (r instanceof RemoteRef) return { node: r.node, creation: r.creation, id: r.id }
    this.localRefs.keep(r.id, r)
    return { node: this.self.name, creation: this.self.creation, id: r.id }
  }

  readonly pidIn = (w: WirePid): PidImpl => {
    if (w.node === this.self.name && w.creation === this.self.creation) {
      const live = this.kernel.procs.get(w.id)
      if (live !== undefined) return live.pid
      return this.localPids.get(w.id, () => {
        const p = new PidImpl(w.id, undefined)
        p._exit = { reason: Ex.noproc, cause: { _tag: 'Returned' } }
        return p
      })
    }
    let byCreation = this.remotePids.get(w.node)
    if (byCreation === undefined) this.remotePids.set(w.node, (byCreation = new Map()))
    let table = byCreation.get(w.creation)
    if (table === undefined) byCreation.set(w.creation, (table = new Interner<RemotePid>()))
    const known = table.find(w.id)
    if (known !== undefined) return known
    const p = new RemotePid(w.id, w.node, w.creation)
    table.keep(w.id, p)
    return p
  }

  readonly refIn = (w: WireRef): RefImpl => {
    if (w.node === this.self.name && w.creation === this.self.creation)
      return this.localRefs.get(w.id, () => new RefImpl(w.id))
    return this.remoteRefs.get(
      `${w.node}\u0000${w.creation}\u0000${w.id}`,
      () => new RemoteRef(w.id, w.node, w.creation)
    )
  }

  private encode(u: unknown, root: string): Wire {
    return encode(u, this, root)
  }

  private reason(r: Reason): Wire {
    return encode(r, this, 'reason', true)
  }

  private revive(w: Wire): unknown {
    return decode(w, this)
  }

  // -------------------------------------------------------------------------------------
  // connections
  // -------------------------------------------------------------------------------------

  /** Names of the nodes up now. */
  list(): ReadonlyArray<string> {
    const out: Array<string> = []
    for (const p of this.peers.values()) if (p.status === 'up') out.push(p.name)
    return out
  }

  isUp(node: string): boolean {
    return this.peers.get(node)?.status === 'up'
  }

  private newPeer(node: string): Peer {
    const p: Peer = { name: node, status: 'connecting', creation: 0, queue: [], fibers: new Set(), spawns: new Map() }
    this.peers.set(node, p)
    return p
  }

  /** The peer for `node`, connecting to it on first use. */
  private peer(node: string): Peer {
    let p = this.peers.get(node)
    if (p === undefined) {
      p = this.newPeer(node)
      if (this.closed) {
        const q = p
        this.later(() => this.lost(q.name, 'this node is closed'))
      } else {
        this.conn.connect(node).then(
          (ok) => {
            if (!ok) this.handle(() => this.lost(node, 'unreachable'))
          },
          (e: unknown) => this.handle(() => this.lost(node, `connect failed: ${String(e)}`))
        )
      }
    }
    return p
  }

  /** Connects to `node`: `k(true)` once it is up, `k(false)` if it cannot be reached (at once if known). */
  connect(node: string, k: (up: boolean) => void): void {
    if (node === this.self.name || this.isUp(node)) return k(true)
    const off = this.subscribe((e) => {
      if (e.node !== node) return
      off()
      k(e._tag === 'nodeup')
    })
    this.peer(node)
  }

  subscribe(k: (e: NodeEventImpl) => void): () => void {
    this.listeners.add(k)
    return () => this.listeners.delete(k)
  }

  private emit(e: NodeEventImpl): void {
    for (const k of [...this.listeners]) {
      try {
        k(e)
      } catch (err) {
        this.kernel.observerThrew(err)
      }
    }
  }

  private later(k: () => void): void {
    this.kernel.clock.setTimer(0, () => this.handle(k))
  }

  private up(node: NodeId): void {
    const p = this.peers.get(node.name)
    if (p !== undefined && p.status === 'up') {
      if (p.creation === node.creation) return
      // a new incarnation: the old one is lost first
      this.lost(node.name, 'restarted')
    }
    const q = this.peers.get(node.name) ?? this.newPeer(node.name)
    q.status = 'up'
    q.creation = node.creation
    if (q.queue.length > 0) this.dirty.add(q)
    this.emit({ _tag: 'nodeup', node: node.name, creation: node.creation })
  }

  /** `node` is lost: everything that watches it hears `noconnection`, once. */
  private lost(node: string, why: string): void {
    const p = this.peers.get(node)
    if (p === undefined) return
    this.peers.delete(node)
    this.dirty.delete(p)
    // what was never handed to the transport is lost with it: messages become local dead letters
    for (const e of p.queue) if (e._tag === 'send' || e._tag === 'sendName') this.undeliverable(e)
    const k = this.kernel
    for (const f of p.fibers) {
      const r = this.rels.get(f)
      if (r === undefined) continue
      for (const l of [...r.links]) {
        if (l.node !== node) continue
        r.links.delete(l)
        k.emitLink('Unlink', f.pid, l)
        linkSignal(f, l, NOCONNECTION)
      }
      for (const [ref, w] of [...r.monitors]) {
        if (w.node !== node) continue
        r.monitors.delete(ref)
        if (w.target === undefined) continue // a spawnMonitor that never got its pid: its request fails below
        k.deliverDown(f, ref, w.target, NOCONNECTION)
      }
      for (const [ref, from] of [...r.watchers]) if (from.node === node) r.watchers.delete(ref)
      const n = r.nodes.get(node)
      if (n !== undefined) {
        r.nodes.delete(node)
        for (let i = 0; i < n; i++) if (f.alive) f.deliver({ _tag: 'nodedown', node })
      }
      if (r.empty) this.rels.delete(f)
    }
    for (const [ref, s] of p.spawns) {
      if (s.monitor !== undefined) this.rels.get(s.from)?.monitors.delete(s.monitor)
      this.replySpawn(ref, {
        _tag: 'Node.SpawnFailed',
        ref,
        node,
        error: `noconnection: node ${node} is not reachable (${why})`
      })
    }
    this.emit({ _tag: 'nodedown', node, why })
  }

  private undeliverable(e: Envelope): void {
    if (e._tag === 'send') {
      this.kernel.deadLetter({ to: toPid(this.pidIn(e.to)), message: this.revive(e.message), reason: 'noproc' })
    } else if (e._tag === 'sendName') {
      this.kernel.deadLetter({ to: e.name, message: this.revive(e.message), reason: 'noproc' })
    }
  }

  /**
   * Leaves the network: the other nodes see this one down (their watchers
   * get `noconnection`, as for a crash: a clean stop looks the same), and
   * this one sees them down. Done before the runtime's processes are shut
   * down, so their exits do not cross as `shutdown`.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    this.flush()
    const closing = this.conn.close()
    this.handle(() => {
      for (const node of [...this.peers.keys()]) this.lost(node, 'this node left')
    })
    return closing
  }

  /** Cuts the connection to `node` now (Erlang's `disconnect_node`): both sides see it down. */
  disconnect(node: string): boolean {
    const p = this.peers.get(node)
    if (p === undefined || p.status !== 'up') return false
    const conn = this.conn as Connection & { readonly disconnect?: (node: string) => void }
    this.flush()
    if (conn.disconnect !== undefined) conn.disconnect(node)
    this.handle(() => this.lost(node, 'disconnected'))
    return true
  }

  // -------------------------------------------------------------------------------------
  // batching
  // -------------------------------------------------------------------------------------

  private relOf(f: Fiber, p: Peer): RemoteRel {
    p.fibers.add(f)
    let r = this.rels.get(f)
    if (r === undefined) this.rels.set(f, (r = new RemoteRel()))
    return r
  }

  private enqueue(p: Peer, e: Envelope): void {
    p.queue.push(e)
    if (p.status !== 'up') return
    this.dirty.add(p)
    if (!this.kernel.isDraining && this.handling === 0) this.handOver()
  }

  /** Runs `k`; at the outermost, hands over what it sent. Whether it handed anything over. */
  private handle(k: () => void): boolean {
    this.handling++
    try {
      k()
    } finally {
      this.handling--
    }
    return this.handling === 0 && this.handOver()
  }

  /**
   * What a transport delivered, then (on a host runtime) the processes it
   * made ready, then the replies out. What the delivery itself answers
   * (a spawn's pid, a monitor's DOWN for a process already gone) goes on the
   * wire before those processes run: a spawned process that computes for a
   * while must not hold its own spawn's reply.
   */
  private delivered(k: () => void): void {
    if (this.options.runOnDelivery === true && this.handling === 0) {
      this.kernel.deliverNow(() => {
        if (this.handle(k)) this.conn.flush?.()
      })
    } else this.handle(k)
  }

  /** Hands every waiting batch to the transport: one `send` per node. */
  private handOver(): boolean {
    if (this.dirty.size === 0) return false
    for (const p of this.dirty) {
      if (p.status !== 'up' || p.queue.length === 0) continue
      const batch = p.queue
      p.queue = []
      this.conn.send(p.name, batch)
    }
    this.dirty = emptied(this.dirty)
    return true
  }

  /** The end of a run of the scheduler (or of this node): the batches go to the transport, and onto the wire. */
  flush(): void {
    if (this.handOver()) this.conn.flush?.()
  }

  // -------------------------------------------------------------------------------------
  // outgoing: what local processes do to remote ones
  // -------------------------------------------------------------------------------------

  private remote(pid: RemotePid): Peer | undefined {
    if (pid.node === this.self.name) return undefined
    return this.peer(pid.node)
  }

  send(pid: RemotePid, message: unknown): void {
    const m = this.encode(message, 'message')
    const p = this.remote(pid)
    if (p === undefined) return this.kernel.deadLetter({ to: toPid(pid), message, reason: 'noproc' })
    this.enqueue(p, { _tag: 'send', to: wirePid(pid, this.self), message: m })
  }

  sendName(from: Fiber | undefined, dest: RemoteName, message: unknown): void {
    const m = this.encode(message, 'message')
    if (dest.node === this.self.name) {
      this.kernel.deliverByName(dest.name, message)
      return
    }
    this.enqueue(this.peer(dest.node), {
      _tag: 'sendName',
      from: from === undefined ? null : this.pidOut(from.pid),
      name: dest.name,
      message: m
    })
  }

  sendAlias(ref: RemoteRef, message: unknown): void {
    const m = this.encode(message, 'message')
    if (ref.node === this.self.name) return this.kernel.deadLetter({ to: toRef(ref), message, reason: 'noproc' })
    this.enqueue(this.peer(ref.node), { _tag: 'sendAlias', to: this.refOut(ref), message: m })
  }

  link(from: Fiber, pid: RemotePid): void {
    const p = this.remote(pid)
    if (p === undefined) {
      // a pid of this node's earlier incarnation: dead, as a remote dead pid (rule 7)
      this.later(() => linkSignal(from, pid, Ex.noproc))
      return
    }
    const r = this.relOf(from, p)
    if (r.links.has(pid)) return
    r.links.add(pid)
    this.kernel.emitLink('Link', from.pid, pid)
    this.enqueue(p, { _tag: 'link', from: this.pidOut(from.pid), to: wirePid(pid, this.self) })
  }

  unlink(from: Fiber, pid: RemotePid): void {
    const r = this.rels.get(from)
    if (r === undefined || !r.links.delete(pid)) return
    this.kernel.emitLink('Unlink', from.pid, pid)
    const p = this.peers.get(pid.node)
    if (p !== undefined) this.enqueue(p, { _tag: 'unlink', from: this.pidOut(from.pid), to: wirePid(pid, this.self) })
  }

  monitor(from: Fiber, target: RemotePid | RemoteName, ref: RefImpl): void {
    const node = target instanceof RemotePid ? target.node : target.node
    if (node === this.self.name) {
      this.later(() =>
        this.kernel.deliverDown(from, ref, target instanceof RemotePid ? target : target.name, Ex.noproc)
      )
      return
    }
    const p = this.peer(node)
    this.relOf(from, p).monitors.set(ref, { node, target: target instanceof RemotePid ? target : target.name })
    this.enqueue(p, {
      _tag: 'monitor',
      from: this.pidOut(from.pid),
      to: target instanceof RemotePid ? wirePid(target, this.self) : { name: target.name },
      ref: this.refOut(ref)
    })
  }

  demonitor(from: Fiber, ref: RefImpl): boolean {
    const r = this.rels.get(from)
    const w = r?.monitors.get(ref)
    if (r === undefined || w === undefined) return false
    r.monitors.delete(ref)
    const p = this.peers.get(w.node)
    if (p !== undefined && w.target !== undefined)
      this.enqueue(p, {
        _tag: 'demonitor',
        from: this.pidOut(from.pid),
        to: this.watched(w.target),
        ref: this.refOut(ref)
      })
    return true
  }

  /** What a monitor watches, as the wire names it: a pid, or a name on the watched node. */
  private watched(target: RemotePid | string): WirePid | { readonly name: string } {
    return target instanceof RemotePid ? wirePid(target, this.self) : { name: target }
  }

  exit2(from: Fiber | undefined, pid: RemotePid, reason: Reason): void {
    const p = this.remote(pid)
    if (p === undefined) return
    this.enqueue(p, {
      _tag: 'exit2',
      from: from === undefined ? null : this.pidOut(from.pid),
      to: wirePid(pid, this.self),
      reason: this.reason(reason)
    })
  }

  monitorNode(from: Fiber, node: string): void {
    if (node === this.self.name) return
    const p = this.peer(node)
    const r = this.relOf(from, p)
    r.nodes.set(node, (r.nodes.get(node) ?? 0) + 1)
  }

  demonitorNode(from: Fiber, node: string): boolean {
    const r = this.rels.get(from)
    const n = r?.nodes.get(node)
    if (r === undefined || n === undefined) return false
    if (n > 1) r.nodes.set(node, n - 1)
    else r.nodes.delete(node)
    return true
  }

  /** Whether a remote pid is alive, as far as this node knows without asking: its node (that incarnation) is up. */
  isAlive(pid: RemotePid): boolean {
    const p = this.peers.get(pid.node)
    return p !== undefined && p.status === 'up' && p.creation === pid.creation
  }

  /** A local process ended: its remote links get exit signals, its remote watchers DOWNs. */
  exited(f: Fiber, reason: Reason): void {
    const r = this.rels.get(f)
    if (r === undefined) return
    this.rels.delete(f)
    const me = this.pidOut(f.pid)
    let w: Wire | undefined
    const why = (): Wire => (w ??= this.reason(reason))
    for (const l of r.links) {
      const p = this.peers.get(l.node)
      if (p !== undefined) this.enqueue(p, { _tag: 'exit', from: me, to: wirePid(l, this.self), reason: why() })
    }
    for (const [ref, from] of r.watchers) {
      const p = this.peers.get(from.node)
      if (p !== undefined)
        this.enqueue(p, { _tag: 'down', from: me, to: wirePid(from, this.self), ref: this.refOut(ref), reason: why() })
    }
    for (const [ref, m] of r.monitors) {
      const p = this.peers.get(m.node)
      if (p !== undefined && m.target !== undefined)
        this.enqueue(p, { _tag: 'demonitor', from: me, to: this.watched(m.target), ref: this.refOut(ref) })
    }
    for (const p of this.peers.values()) p.fibers.delete(f)
  }

  // -------------------------------------------------------------------------------------
  // spawning on other nodes
  // -------------------------------------------------------------------------------------

  /**
   * Asks `node` to spawn its program `program` with `args`; the answer comes
   * to `alias` as a `SpawnReply`. With `monitor`, the monitor is set (and
   * reports `noconnection` if the node is lost) before the pid is known.
   */
  spawn(
    from: Fiber,
    node: string,
    program: string,
    args: unknown,
    alias: RefImpl,
    link: boolean,
    withMonitor: boolean
  ): RefImpl | undefined {
    const a = this.encode(args, 'args')
    if (node === this.self.name) {
      const r = this.spawnHere(program, a, from, link, withMonitor)
      if (r._tag === 'error') this.replySpawn(alias, { _tag: 'Node.SpawnFailed', ref: alias, node, error: r.error })
      else this.replySpawn(alias, { _tag: 'Node.Spawned', ref: alias, pid: r.pid })
      return r._tag === 'ok' ? r.ref : undefined
    }
    const monitor = withMonitor ? this.kernel.makeRef() : undefined
    const p = this.peer(node)
    p.spawns.set(alias, { from, node, link, monitor })
    if (monitor !== undefined) this.relOf(from, p).monitors.set(monitor, { node, target: undefined })
    this.enqueue(p, {
      _tag: 'spawn',
      ref: this.refOut(alias),
      from: this.pidOut(from.pid),
      program,
      args: a,
      link,
      monitor: monitor === undefined ? null : this.refOut(monitor)
    })
    return monitor
  }

  private replySpawn(alias: RefImpl, reply: SpawnReply): void {
    this.kernel.send(undefined, alias, reply)
  }

  /** Spawns a registered program for a request (from this node or another). */
  private spawnHere(
    name: string,
    args: Wire,
    from: RemotePid | Fiber,
    link: boolean,
    monitor: RemoteRef | boolean | undefined
  ):
    | { readonly _tag: 'ok'; readonly pid: PidImpl; readonly ref: RefImpl | undefined }
    | { readonly _tag: 'error'; readonly error: string } {
    const program = this.options.programs.get(name)
    if (program === undefined) {
      const known = [...this.options.programs.keys()].map((n) => JSON.stringify(n)).join(', ')
      return {
        _tag: 'error',
        error: `node ${this.self.name} has no program ${JSON.stringify(name)} (it has: ${known === '' ? 'none' : known})`
      }
    }
    let value: unknown
    try {
      const v = program.args.decode(this.revive(args))
      if (v._tag === 'Left')
        return {
          _tag: 'error',
          error: `node ${this.self.name} rejected the arguments of ${JSON.stringify(name)}: ${PathReporter.report(v).join('; ')}`
        }
      value = v.right
    } catch (e) {
      return { _tag: 'error', error: `the arguments codec of ${JSON.stringify(name)} threw: ${String(e)}` }
    }
    let op: Op
    try {
      op = program.run(value)
    } catch (e) {
      return { _tag: 'error', error: `program ${JSON.stringify(name)} threw while making its Effect: ${String(e)}` }
    }
    if (!(from instanceof RemotePid)) {
      // on this node: an ordinary spawn
      const [pid, ref] = this.kernel.spawn(from, op, { link, monitor: monitor === true })
      return { _tag: 'ok', pid, ref }
    }
    const [pid] = this.kernel.spawn(undefined, op, {})
    const f = this.kernel.procs.get(pid.id)
    if (f !== undefined) {
      // set up before it runs: its exit reaches the requester after the answer (one FIFO)
      const p = this.peer(from.node)
      if (link) this.relOf(f, p).links.add(from)
      if (monitor instanceof RemoteRef) this.relOf(f, p).watchers.set(monitor, from)
    }
    return { _tag: 'ok', pid, ref: undefined }
  }

  // -------------------------------------------------------------------------------------
  // incoming
  // -------------------------------------------------------------------------------------

  private receive(from: NodeId, batch: ReadonlyArray<Envelope>): void {
    const p = this.peers.get(from.name)
    // nothing from an incarnation that is not the one up now (a stale one, or one already lost)
    if (p === undefined || p.status !== 'up' || p.creation !== from.creation) return
    for (const e of batch) {
      try {
        this.envelope(p, e)
      } catch (err) {
        this.kernel.observerThrew(err)
      }
    }
  }

  /** The local process a wire pid names, if it is of this incarnation and alive. */
  private target(w: WirePid): Fiber | undefined {
    if (w.node !== this.self.name || w.creation !== this.self.creation) return undefined
    const f = this.kernel.procs.get(w.id)
    return f !== undefined && f.status !== EXITED ? f : undefined
  }

  private remotePid(w: WirePid): RemotePid {
    return this.pidIn(w) as RemotePid
  }

  private envelope(p: Peer, e: Envelope): void {
    const k = this.kernel
    switch (e._tag) {
      case 'send': {
        const t = this.target(e.to)
        const message = this.revive(e.message)
        if (t === undefined) k.deadLetter({ to: toPid(this.pidIn(e.to)), message, reason: 'noproc' })
        else k.send(undefined, t.pid, message)
        return
      }
      case 'sendName':
        k.deliverByName(e.name, this.revive(e.message))
        return
      case 'sendAlias':
        k.send(undefined, this.refIn(e.to), this.revive(e.message))
        return
      case 'link': {
        const t = this.target(e.to)
        const from = this.remotePid(e.from)
        if (t === undefined || !t.alive) {
          this.enqueue(p, { _tag: 'exit', from: e.to, to: e.from, reason: this.reason(Ex.noproc) })
          return
        }
        this.relOf(t, p).links.add(from)
        return
      }
      case 'unlink': {
        const t = this.target(e.to)
        if (t !== undefined) this.rels.get(t)?.links.delete(this.remotePid(e.from))
        return
      }
      case 'exit': {
        const t = this.target(e.to)
        const from = this.remotePid(e.from)
        const r = t === undefined ? undefined : this.rels.get(t)
        if (t === undefined || r === undefined || !r.links.delete(from)) return
        linkSignal(t, from, this.revive(e.reason) as Reason)
        return
      }
      case 'exit2': {
        const t = this.target(e.to)
        if (t === undefined) return
        const from = e.from === null ? t.pid : this.remotePid(e.from)
        exitSignal(t, from, this.revive(e.reason) as Reason, false)
        return
      }
      case 'monitor': {
        const from = this.remotePid(e.from)
        const ref = this.refIn(e.ref) as RemoteRef
        const t = 'name' in e.to ? k.names.get(e.to.name) : this.target(e.to)
        if (t === undefined || !t.alive) {
          this.enqueue(p, {
            _tag: 'down',
            from: 'name' in e.to ? { node: this.self.name, creation: this.self.creation, id: 0 } : e.to,
            to: e.from,
            ref: e.ref,
            reason: this.reason(Ex.noproc)
          })
          return
        }
        this.relOf(t, p).watchers.set(ref, from)
        return
      }
      case 'demonitor': {
        // by name: the process that has the name now (as Erlang, a monitor by name watches the process it found)
        const t = 'name' in e.to ? k.names.get(e.to.name) : this.target(e.to)
        if (t !== undefined) this.rels.get(t)?.watchers.delete(this.refIn(e.ref) as RemoteRef)
        return
      }
      case 'down': {
        const t = this.target(e.to)
        const ref = this.refIn(e.ref)
        const r = t === undefined ? undefined : this.rels.get(t)
        const w = r?.monitors.get(ref)
        if (t === undefined || r === undefined || w === undefined) return
        r.monitors.delete(ref)
        k.deliverDown(t, ref, w.target ?? this.remotePid(e.from), this.revive(e.reason) as Reason)
        return
      }
      case 'spawn': {
        const r = this.spawnHere(
          e.program,
          e.args,
          this.remotePid(e.from),
          e.link,
          e.monitor === null ? undefined : (this.refIn(e.monitor) as RemoteRef)
        )
        this.enqueue(p, {
          _tag: 'spawned',
          ref: e.ref,
          to: e.from,
          result: r._tag === 'ok' ? { _tag: 'ok', pid: this.pidOut(r.pid) } : { _tag: 'error', error: r.error }
        })
        return
      }
      case 'spawned': {
        const alias = this.refIn(e.ref)
        const s = p.spawns.get(alias)
        if (s === undefined) return
        p.spawns.delete(alias)
        if (e.result._tag === 'error') {
          if (s.monitor !== undefined) this.rels.get(s.from)?.monitors.delete(s.monitor)
          this.replySpawn(alias, { _tag: 'Node.SpawnFailed', ref: alias, node: p.name, error: e.result.error })
          return
        }
        const pid = this.remotePid(e.result.pid)
        if (s.monitor !== undefined) {
          const w = this.rels.get(s.from)?.monitors.get(s.monitor)
          if (w !== undefined) w.target = pid
        }
        if (s.link) {
          if (s.from.alive) {
            this.relOf(s.from, p).links.add(pid)
            k.emitLink('Link', s.from.pid, pid)
          } else
            this.enqueue(p, {
              _tag: 'exit',
              from: this.pidOut(s.from.pid),
              to: e.result.pid,
              reason: this.reason(Ex.noproc)
            })
        }
        this.replySpawn(alias, { _tag: 'Node.Spawned', ref: alias, pid })
        return
      }
      default: {
        const unknown: never = e
        throw new TypeError(`node ${this.self.name}: unknown envelope ${JSON.stringify(unknown)}`)
      }
    }
  }
}
