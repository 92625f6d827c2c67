/**
 * The NATS transport: nodes on several machines meet on a `nats-server`.
 *
 * One NATS connection per node; NATS keeps the order of one connection's
 * publishes to one subscriber, which gives FIFO per pair of nodes. Every node
 * listens on its own subject; a batch for a node is one publish (envelopes
 * sent in one run of the node's scheduler are coalesced per destination and
 * published at its end; sends outside a run, on a microtask). No queue
 * groups on the message path.
 *
 * Failure detection, in layers:
 * 1. this node's own NATS connection drops: every other node is down for it
 *    at once; when the connection is back, the node takes a new session and
 *    says `hello`, and the others see the old session down, the new one up;
 * 2. heartbeats every `heartbeatMs`; a node silent for `suspectAfter`
 *    periods is suspect;
 * 3. a suspect is probed (a request on its probe subject): "no responders"
 *    means its connection is gone (a killed process), so it is down; an
 *    answer clears it; no answer (a stalled process) keeps it suspect until
 *    `silenceMs` of silence, then it is down;
 * 4. a clean `close` says `bye`: the others see the node down at once.
 *
 * A stall of this node's own event loop is not taken for the others'
 * silence: a late timer tick restarts the silence clocks, and the probe's
 * answer is read with the heartbeats waiting behind it.
 *
 * After each batch of messages it sends or receives, a node keeps its event
 * loop turning for `busyWaitMicros` before it sleeps (`busy-wait.ts`), as
 * BEAM's schedulers busy-wait.
 *
 * @since 0.3.0
 */
import { connect as natsConnect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node'
import type { Connection, Endpoint, Envelope, NodeId, Transport } from '../Transport.js'
import { emptied } from '../internal/emptied.js'
import { busyWaitOf } from '../internal/node/poller.js'
import { busyWait } from './busy-wait.js'
import { dataHead, decodeFrame, encodeData, encodeFrame, subjects, type Frame, type Peer } from './wire.js'

/**
 * Options of `nats(...)`.
 *
 * @category model
 * @since 0.3.0
 */
export interface NatsOptions {
  /** The server(s) to connect to, `'nats://127.0.0.1:4222'` or a list (a NATS cluster). */
  readonly servers: string | ReadonlyArray<string>
  /** The subject prefix: clusters sharing one server use different prefixes. Default `'fpta'`. */
  readonly prefix?: string
  /** Heartbeat period in ms. Default 200. */
  readonly heartbeatMs?: number
  /** A node silent for this many periods is suspect and probed. Default 3. */
  readonly suspectAfter?: number
  /** How long a probe waits for its answer, in ms. Default 1000. */
  readonly probeTimeoutMs?: number
  /** How long `connect` waits for a node that exists but is slow to answer, in ms. Default 5000. */
  readonly connectTimeoutMs?: number
  /**
   * A node whose connection is still there but that has said nothing for this
   * long (a stalled process, a partitioned server) is down. Default 10000.
   */
  readonly silenceMs?: number
  /** Ms between attempts to reconnect to the server. Default 250. */
  readonly reconnectMs?: number
  /**
   * After each batch of messages this node sends or receives (not after
   * heartbeats), its event loop keeps turning (polling I/O, never blocking
   * it) for this many microseconds before it sleeps, as BEAM's schedulers
   * busy-wait (`+sbwt`). A node that sleeps the moment it has written leaves
   * its CPU idle, and the wake-ups of the exchange cost more: on a 2-core
   * virtual machine this cut a sequential cross-node round trip by a sixth
   * (308 to 257 us). It costs up to this much CPU per batch, and backs off
   * on a loaded machine. Default 50 (as `Transport.workers`); `0` turns it
   * off.
   */
  readonly busyWaitMicros?: number
  /** More options for the NATS client (credentials, TLS, ...). */
  readonly client?: Partial<NodeConnectionOptions>
  /** Where problems that no caller can receive go (a bad frame, an endpoint that threw). Default `console.warn`. */
  readonly onError?: (error: Error) => void
}

interface Remote extends Peer {
  /** When we last heard from it (any frame). */
  lastSeen: number
  probing: boolean
}

const now = (): number => performance.now()

/** A microtask without `queueMicrotask`'s per-call async context (Node). */
const resolved = Promise.resolve()

const positive = (what: string, value: number | undefined, fallback: number): number => {
  const v = value ?? fallback
  if (!(Number.isFinite(v) && v > 0)) throw new TypeError(`Transport.nats: ${what} must be a positive number, got ${v}`)
  return v
}

const isNoResponders = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (('isNoResponders' in error && typeof error.isNoResponders === 'function' && error.isNoResponders() === true) ||
    ('cause' in error && isNoResponders(error.cause)))

/**
 * A transport over NATS: every node attached with the same `servers` and
 * `prefix` sees the others.
 *
 * @example
 * import { nats } from 'fp-ts-actors/nats'
 * const transport = nats({ servers: 'nats://127.0.0.1:4222' })
 * transport.kind // 'nats'
 *
 * @category constructors
 * @since 0.3.0
 */
export const nats = (options: NatsOptions): Transport => {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers]
  if (servers.length === 0) throw new TypeError('Transport.nats: servers is empty')
  const prefix = options.prefix ?? 'fpta'
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix))
    throw new TypeError(`Transport.nats: prefix ${JSON.stringify(prefix)} is not a NATS subject of plain tokens`)
  const settings: Settings = {
    servers,
    subjects: subjects(prefix),
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs, 200),
    suspectAfter: positive('suspectAfter', options.suspectAfter, 3),
    probeTimeoutMs: positive('probeTimeoutMs', options.probeTimeoutMs, 1000),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 5000),
    silenceMs: positive('silenceMs', options.silenceMs, 10_000),
    reconnectMs: positive('reconnectMs', options.reconnectMs, 250),
    busyWaitMicros: busyWaitOf('Transport.nats', options.busyWaitMicros),
    client: options.client ?? {},
    onError: options.onError ?? ((error) => console.warn(`fp-ts-actors/nats: ${error.message}`))
  }
  const transport: Transport = {
    kind: 'nats',
    attach: (endpoint) => {
      const connection = attachNode(settings, endpoint)
      const node = attached.get(connection)
      if (node !== undefined) nodesOf.get(transport)?.add(node)
      return connection
    }
  }
  nodesOf.set(transport, new Set())
  return transport
}

interface Settings {
  readonly servers: ReadonlyArray<string>
  readonly subjects: ReturnType<typeof subjects>
  readonly heartbeatMs: number
  readonly suspectAfter: number
  readonly probeTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly silenceMs: number
  readonly reconnectMs: number
  readonly busyWaitMicros: number
  readonly client: Partial<NodeConnectionOptions>
  readonly onError: (error: Error) => void
}

/**
 * The attached node, with its NATS connection once open (for `Global` and
 * tests). Set by `attach`, read through `natsConnectionOf`.
 */
const attached = new WeakMap<Connection, NatsNode>()

/** The NATS side of an attached node: its client and its liveness. @internal */
export interface NatsNode {
  readonly ready: Promise<NatsConnection>
  /** `true` while this node's own NATS connection is up. */
  readonly connected: () => boolean
  /** `true` while the event loop is kept turning after traffic (`busyWaitMicros`). */
  readonly spinning: () => boolean
  readonly self: NodeId
}

const nodesOf = new WeakMap<Transport, Set<NatsNode>>()

/** The nodes attached to a transport made by `nats(...)` (for tests and benches: wait until they are connected). @internal */
export const natsNodesOf = (transport: Transport): ReadonlyArray<NatsNode> => [...(nodesOf.get(transport) ?? [])]

/** The NATS node behind a connection made by `nats(...)`, if it is one. @internal */
export const natsNodeOf = (connection: Connection): NatsNode | undefined => attached.get(connection)

const attachNode = (s: Settings, endpoint: Endpoint): Connection => {
  const self = endpoint.self
  const subj = s.subjects
  let session = Math.floor(Math.random() * 0x7fffffff)
  const me = (): Peer => ({ name: self.name, creation: self.creation, session })
  let nc: NatsConnection | undefined
  let connected = false
  let closed = false
  let timer: ReturnType<typeof setInterval> | undefined
  let lastTick = now()
  /** The nodes up for this node, by name. */
  const remotes = new Map<string, Remote>()
  /** The last session of a node declared lost by silence, so its late frames get a `gone`. */
  const lost = new Map<string, number>()
  /** Batches waiting for this tick's flush, per destination. */
  let outbox = new Map<string, Array<Envelope>>()
  let flushScheduled = false
  /** Connects waiting for a node to come up. */
  const waiting = new Map<string, Array<(up: boolean) => void>>()
  /** The event loop kept turning after traffic. */
  const spin = busyWait(s.busyWaitMicros)

  const report = (what: string, error: unknown): void => {
    try {
      s.onError(new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`))
    } catch {
      // an onError that throws is ignored
    }
  }

  const publish = (subject: string, bytes: Uint8Array): void => {
    if (nc === undefined || !connected) return
    try {
      nc.publish(subject, bytes)
    } catch (error) {
      report(`publish to ${subject}`, error)
    }
  }

  const tell = (frame: Frame, subject: string): void => publish(subject, encodeFrame(frame))

  const nodeUp = (peer: Peer): void => {
    lost.delete(peer.name)
    remotes.set(peer.name, { ...peer, lastSeen: now(), probing: false })
    try {
      endpoint.up({ name: peer.name, creation: peer.creation })
    } catch (error) {
      report(`endpoint.up(${peer.name})`, error)
    }
    const wakers = waiting.get(peer.name)
    waiting.delete(peer.name)
    wakers?.forEach((wake) => wake(true))
  }

  const nodeDown = (name: string, why: string, remember: boolean): void => {
    const remote = remotes.get(name)
    if (remote === undefined) return
    remotes.delete(name)
    outbox.delete(name)
    if (remember) lost.set(name, remote.session)
    try {
      endpoint.down(name, why)
    } catch (error) {
      report(`endpoint.down(${name})`, error)
    }
  }

  const allDown = (why: string): void => {
    for (const name of [...remotes.keys()]) nodeDown(name, why, false)
    for (const [name, wakers] of [...waiting]) {
      waiting.delete(name)
      wakers.forEach((wake) => wake(false))
    }
  }

  /** This node was declared lost by another, or its connection came back: a new session, and hello. */
  const renew = (why: string): void => {
    allDown(why)
    session = (session + 1) % 0x7fffffff
    tell({ _tag: 'hello', from: me() }, subj.all)
  }

  /** A frame from `peer` says it is alive: up it (anew if its session changed), or tell it it is gone. */
  const heard = (peer: Peer): Remote | undefined => {
    const remote = remotes.get(peer.name)
    if (remote !== undefined && remote.session === peer.session && remote.creation === peer.creation) {
      remote.lastSeen = now()
      return remote
    }
    if (lost.get(peer.name) === peer.session) {
      tell({ _tag: 'gone', from: me(), to: peer.session }, subj.node(peer.name))
      return undefined
    }
    if (remote !== undefined)
      nodeDown(peer.name, peer.creation === remote.creation ? 'reconnected' : 'restarted', false)
    nodeUp(peer)
    return remotes.get(peer.name)
  }

  const onFrame = (frame: Frame): void => {
    if (frame.from.name === self.name) {
      if (frame.from.session !== session || frame.from.creation !== self.creation)
        report('another node on this bus has the same name', self.name)
      return
    }
    switch (frame._tag) {
      case 'hello':
        if (heard(frame.from) !== undefined) tell({ _tag: 'hi', from: me() }, subj.node(frame.from.name))
        return
      case 'beat':
      case 'hi':
        heard(frame.from)
        return
      case 'bye': {
        const remote = remotes.get(frame.from.name)
        if (remote !== undefined && remote.session === frame.from.session) nodeDown(frame.from.name, 'stopped', false)
        return
      }
      case 'gone':
        if (frame.to === session) renew(`lost for ${frame.from.name}`)
        return
      case 'data': {
        if (frame.to !== session) return
        const remote = heard(frame.from)
        if (remote === undefined) return
        try {
          endpoint.receive({ name: remote.name, creation: remote.creation }, frame.batch)
        } catch (error) {
          report(`endpoint.receive from ${remote.name}`, error)
        }
        return
      }
    }
  }

  const onBytes = (bytes: Uint8Array): void => {
    if (closed) return
    const frame = decodeFrame(bytes)
    if (typeof frame === 'string') report('a frame was dropped', frame)
    else {
      // messages came: busy-wait after them (not after heartbeats and greetings, which nothing answers at once)
      if (frame._tag === 'data') spin.poke()
      onFrame(frame)
    }
    // what the endpoint answered while handling it goes out now (in the same write as the client's next flush)
    flush()
  }

  const probe = (remote: Remote): void => {
    if (nc === undefined || remote.probing) return
    remote.probing = true
    const current = (): boolean => remotes.get(remote.name) === remote
    nc.request(subj.probe(remote.name), encodeFrame({ _tag: 'hi', from: me() }), { timeout: s.probeTimeoutMs }).then(
      (reply) => {
        remote.probing = false
        const frame = decodeFrame(reply.data)
        if (!current() || typeof frame === 'string') return
        // an answer from another session means the one we knew is gone
        if (frame.from.session !== remote.session) nodeDown(remote.name, 'reconnected', false)
        else remote.lastSeen = now()
      },
      (error: unknown) => {
        remote.probing = false
        if (current() && connected && isNoResponders(error)) nodeDown(remote.name, 'no connection', true)
      }
    )
  }

  /** Every quarter period: a beat every fourth tick, and the others' silences checked. */
  let ticks = 0
  const tick = (): void => {
    if (!connected) return
    const t = now()
    const late = t - lastTick > s.heartbeatMs
    lastTick = t
    if (ticks++ % 4 === 0) tell({ _tag: 'beat', from: me() }, subj.all)
    for (const remote of [...remotes.values()]) {
      // our own loop stalled: the others' beats are waiting unread, restart their clocks
      if (late) remote.lastSeen = t
      const silent = t - remote.lastSeen
      if (silent > s.silenceMs) nodeDown(remote.name, 'silent', true)
      else if (silent > s.suspectAfter * s.heartbeatMs) probe(remote)
    }
  }

  /** `dataHead(me())`, remade when the session changes. */
  let head = ''
  let headSession = -1

  /** Publishes the batches waiting (a no-op when none is: the outbox fills only with a flush scheduled). */
  const flush = (): void => {
    if (!flushScheduled) return
    flushScheduled = false
    if (headSession !== session) {
      head = dataHead(me())
      headSession = session
    }
    for (const [name, batch] of outbox) {
      const remote = remotes.get(name)
      if (remote !== undefined) publishBatch(name, remote.session, batch)
    }
    outbox = emptied(outbox)
  }

  const publishBatch = (name: string, to: number, batch: ReadonlyArray<Envelope>): void => {
    let bytes: Uint8Array
    try {
      bytes = encodeData(head, to, batch)
    } catch (error) {
      report(`a batch for ${name} could not be encoded, dropped`, error)
      return
    }
    const max = nc?.info?.max_payload ?? Number.POSITIVE_INFINITY
    if (bytes.length <= max) {
      publish(subj.node(name), bytes)
      spin.pokeAfterWrite()
      return
    }
    if (batch.length === 1) return report(`an envelope for ${name} is larger than the server's max_payload`, max)
    const half = batch.length >> 1
    publishBatch(name, to, batch.slice(0, half))
    publishBatch(name, to, batch.slice(half))
  }

  const start = async (): Promise<NatsConnection> => {
    const conn = await natsConnect({
      maxReconnectAttempts: -1,
      reconnectTimeWait: s.reconnectMs,
      reconnectJitter: Math.min(100, s.reconnectMs),
      ...s.client,
      servers: [...s.servers],
      name: `fp-ts-actors ${self.name}`,
      noEcho: true
    })
    nc = conn
    if (closed) {
      await conn.close()
      return conn
    }
    connected = true
    conn.subscribe(subj.all, { callback: (_, msg) => onBytes(msg.data) })
    conn.subscribe(subj.node(self.name), { callback: (_, msg) => onBytes(msg.data) })
    conn.subscribe(subj.probe(self.name), {
      callback: (_, msg) => {
        if (closed) return
        const frame = decodeFrame(msg.data)
        // a probe is also a hello from the prober (how `connect` reaches a node it has not heard from)
        if (typeof frame !== 'string' && frame.from.name !== self.name) heard(frame.from)
        msg.respond(encodeFrame({ _tag: 'hi', from: me() }))
      }
    })
    // the server knows these subscriptions before this node counts as ready (a probe to it finds a responder)
    await conn.flush()
    if (closed) return conn
    void watchStatus(conn)
    lastTick = now()
    timer = setInterval(tick, s.heartbeatMs / 4)
    timer.unref?.()
    tell({ _tag: 'hello', from: me() }, subj.all)
    return conn
  }

  const watchStatus = async (conn: NatsConnection): Promise<void> => {
    for await (const status of conn.status()) {
      if (closed) return
      if (status.type === 'disconnect' || status.type === 'staleConnection') {
        if (connected) {
          connected = false
          allDown('disconnected')
        }
      } else if (status.type === 'reconnect') {
        connected = true
        lastTick = now()
        renew('reconnected')
      }
    }
  }

  const ready = start()
  ready.catch((error: unknown) => report(`cannot connect to ${s.servers.join(', ')}`, error))

  const connection: Connection = {
    connect: async (node) => {
      if (node === self.name) return true
      try {
        await ready
      } catch {
        return false
      }
      if (remotes.has(node)) return true
      if (nc === undefined || !connected || closed) return false
      const up = new Promise<boolean>((resolve) => {
        const list = waiting.get(node) ?? []
        list.push(resolve)
        waiting.set(node, list)
      })
      // the probe is a hello to that node; its reply says who answers ("no responders" at once: nobody)
      nc.request(subj.probe(node), encodeFrame({ _tag: 'hi', from: me() }), { timeout: s.connectTimeoutMs }).then(
        (reply) => {
          const frame = decodeFrame(reply.data)
          if (typeof frame !== 'string' && !remotes.has(node)) heard(frame.from)
          settle(node, remotes.has(node))
        },
        () => settle(node, remotes.has(node))
      )
      return up
    },
    send: (node, batch) => {
      if (!connected || batch.length === 0) return
      if (!remotes.has(node)) return
      const queued = outbox.get(node)
      if (queued === undefined) outbox.set(node, [...batch])
      else for (const envelope of batch) queued.push(envelope)
      if (!flushScheduled) {
        flushScheduled = true
        void resolved.then(flush)
      }
    },
    // the end of the node's scheduler run: this run's batches are published now, not on a later microtask
    flush,
    close: async () => {
      if (closed) return
      flush()
      const conn = nc
      if (conn !== undefined && connected) {
        tell({ _tag: 'bye', from: me() }, subj.all)
      }
      closed = true
      spin.stop()
      if (timer !== undefined) clearInterval(timer)
      allDown('closed')
      connected = false
      try {
        const c = conn ?? (await ready)
        await c.flush().catch(() => undefined)
        await c.close()
      } catch {
        // never connected: nothing to close
      }
    }
  }

  const settle = (node: string, up: boolean): void => {
    const wakers = waiting.get(node)
    waiting.delete(node)
    wakers?.forEach((wake) => wake(up))
  }

  attached.set(connection, { ready, connected: () => connected && !closed, spinning: spin.spinning, self })
  return connection
}
