/**
 * Cluster-wide names (Erlang's `:global`) for nodes on the NATS transport:
 * one owner per name in the whole cluster, kept in a NATS key-value bucket
 * (JetStream) and taken by compare-and-set, so of two nodes racing for a name
 * exactly one wins and every node agrees on the owner. Each node watches the
 * bucket into a local copy, so `whereis` (and a `send` by name) costs no
 * round trip.
 *
 * A name is freed when its process ends (by its own node), and when its
 * node is lost (by the survivors: a compare-and-set delete, so one of them
 * does it and a name taken again since is left alone). A node cut off from
 * NATS cannot register: it gets a `GlobalError` saying so, so two owners
 * never exist; and like Erlang's `:global` on a `nodedown`, the others free
 * its names while it is away.
 *
 * A `Global` is a name service (`Via`): `Global.via(g, 'db')` works wherever
 * a name does (`Process.send`, `GenServer.call`, the `name` option of every
 * start, supervisor children).
 *
 * @example
 * import { Effect, GenServer } from 'fp-ts-actors'
 * import { Global } from 'fp-ts-actors/nats'
 *
 * // in a process of a node whose transport is nats(...)
 * const program = Effect.gen(function* () {
 *   const global = yield* Global.start()
 *   const db = Global.via(global, 'db')
 *   yield* GenServer.start({ init: () => Effect.succeed(GenServer.ok(0)) }, undefined, { name: db })
 *   return Global.whereis(global, 'db') // the pid, on every node of the cluster
 * })
 *
 * @since 0.3.0
 */
import * as Effect from '../Effect.js'
import { Kernel } from '../internal/kernel.js'
import type { NodeLayer } from '../internal/node/layer.js'
import * as op from '../internal/op.js'
import { Op } from '../internal/op.js'
import type { Fiber } from '../internal/fiber.js'
import { PidImpl } from '../internal/pid.js'
import { fromPid, toPid, type Pid } from '../Pid.js'
import type { WirePid } from '../Transport.js'
import type { NameService, Via } from '../Via.js'
import { GlobalError, openNameTable, type Entry, type NameTable } from './names.js'
import { natsNodeOf } from './transport.js'

export { GlobalError } from './names.js'

/**
 * The cluster-wide names as one node sees them (a name service).
 *
 * @category model
 * @since 0.3.0
 */
export interface Global extends NameService<string> {
  /** The node this copy belongs to. */
  readonly node: string
  /** The names in this node's copy, with their owners. */
  readonly names: () => ReadonlyArray<readonly [string, Pid<unknown>]>
}

/**
 * Options of `Global.start`.
 *
 * @category model
 * @since 0.3.0
 */
export interface Options {
  /** The key-value bucket holding the names; every node of a cluster uses the same. Default `'fpta_global'`. */
  readonly bucket?: string
}

interface Impl extends Global {
  readonly table: NameTable
  readonly layer: NodeLayer
  /** `owner` is a process of this node (this incarnation or an earlier one) that is no more. */
  readonly deadHere: (owner: WirePid) => boolean
}

const impls = new WeakMap<Global, Impl>()

const implOf = (g: Global, where: string): Impl => {
  const impl = impls.get(g)
  if (impl === undefined) throw new TypeError(`${where}: expected a Global made by Global.start`)
  return impl
}

const checkName = (where: string, name: unknown): string => {
  if (typeof name !== 'string' || name.length === 0)
    throw new TypeError(
      `${where}: a global name is a non-empty string, got ${typeof name === 'string' ? '""' : typeof name}`
    )
  return name
}

const withFiber = <A>(f: (fiber: Fiber) => A): Effect.Effect<never, A> =>
  Effect.fromOp(new Op(op.PRIM, f as (fiber: Fiber) => unknown)) as Effect.Effect<never, A>

const fromPromise = <A>(p: () => Promise<A>): Effect.Effect<GlobalError, A> =>
  Effect.async<GlobalError, A>((resume) => {
    p().then(
      (a) => resume(Effect.succeed(a)),
      (e: unknown) =>
        resume(Effect.fail(e instanceof GlobalError ? e : new GlobalError(e instanceof Error ? e.message : String(e))))
    )
  })

const sameNode = (w: WirePid, node: { name: string; creation: number }): boolean =>
  w.node === node.name && w.creation === node.creation

/**
 * Starts this node's copy of the cluster-wide names: opens the bucket (made
 * on first use), loads it, watches it, and from then on frees the names of
 * processes of this node that end and of nodes that are lost. Run it in a
 * process of a node whose transport is `nats(...)`.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * import { Global } from 'fp-ts-actors/nats'
 * const names = Effect.map(Global.start({ bucket: 'my_cluster' }), (g) => g.names())
 *
 * @category starting
 * @since 0.3.0
 */
export const start = (options: Options = {}): Effect.Effect<GlobalError, Global> => {
  const bucket = options.bucket ?? 'fpta_global'
  if (!/^[-\w]+$/.test(bucket))
    throw new TypeError(`Global.start: bucket must be letters, digits, - and _, got ${JSON.stringify(bucket)}`)
  return Effect.flatMap(
    withFiber((f) => {
      const kernel = f.host instanceof Kernel ? f.host : undefined
      const layer = kernel?.node
      if (kernel === undefined || layer === undefined)
        throw new TypeError('Global.start: this runtime is not a node; make it one with Runtime.make({ node })')
      const nats = natsNodeOf(layer.conn)
      if (nats === undefined)
        throw new TypeError(`Global.start: node ${layer.self.name} does not use the nats(...) transport`)
      return { kernel, layer, nats }
    }),
    ({ kernel, layer, nats }) =>
      fromPromise(async () => {
        const table = await openNameTable(await nats.ready, bucket, nats.connected)
        return make(kernel, layer, table)
      })
  )
}

const make = (kernel: Kernel, layer: NodeLayer, table: NameTable): Global => {
  const self = layer.self
  const deadHere = (owner: WirePid): boolean =>
    owner.node === self.name && (owner.creation !== self.creation || !kernel.procs.has(owner.id))
  const resolve = (entry: Entry | undefined): PidImpl | undefined =>
    entry === undefined ? undefined : layer.pidIn(entry.owner)
  /** The incarnation each node was last seen up with. */
  const creations = new Map<string, number>()

  /** Frees `name` if its owner is dead for sure: a pid of this node that is gone, or a node that is lost. */
  const check = (name: string, entry: Entry): void => {
    const { owner } = entry
    const free = (): void => void table.release(name, entry).catch(() => undefined)
    if (owner.node === self.name) {
      if (deadHere(owner)) free()
      return
    }
    if (layer.isUp(owner.node)) {
      const up = creations.get(owner.node)
      if (up !== undefined && up !== owner.creation) free()
      return
    }
    layer.connect(owner.node, (up) => {
      const now = table.whereis(name)
      if (now?.revision !== entry.revision) return
      if (!up || (creations.get(owner.node) ?? owner.creation) !== owner.creation) free()
    })
  }

  const offNodes = layer.subscribe((e) => {
    if (e._tag === 'nodeup') {
      creations.set(e.node, e.creation)
      return
    }
    for (const [name, entry] of [...table.entries()]) if (entry.owner.node === e.node) check(name, entry)
  })
  for (const [name, entry] of [...table.entries()]) check(name, entry)
  const offTable = table.subscribe((name, entry) => {
    if (entry !== undefined && !layer.isUp(entry.owner.node) && entry.owner.node !== self.name) check(name, entry)
  })
  // a process of this node that ends frees its names
  const exits = kernel.exits.subscribe(({ pid }) => {
    const p = fromPid(pid)
    for (const [name, entry] of [...table.entries()])
      if (entry.owner.id === p.id && sameNode(entry.owner, self)) void table.release(name, entry).catch(() => undefined)
  })

  const impl: Impl = {
    node: self.name,
    table,
    layer,
    deadHere,
    whereis: (name) => {
      const pid = resolve(table.whereis(name))
      return pid === undefined ? undefined : toPid(pid)
    },
    claim: (name) =>
      Effect.flatMap(
        withFiber((f) => f.pid),
        (pid) => Effect.catchAll(claimFor(impl, name, pid), (e) => Effect.die(e))
      ),
    names: () => [...table.entries()].flatMap(([name, e]) => [[name, toPid(layer.pidIn(e.owner))] as const])
  }
  const stop = (): void => {
    offNodes()
    offTable()
    exits.unsubscribe()
    void table.close()
  }
  stops.set(impl, stop)
  impls.set(impl, impl)
  return impl
}

const stops = new WeakMap<Global, () => void>()

const claimFor = (impl: Impl, name: string, pid: PidImpl): Effect.Effect<GlobalError, boolean> => {
  const owner = impl.layer.pidOut(pid)
  if (owner.node !== impl.layer.self.name)
    return Effect.fail(new GlobalError(`Global.register: ${String(pid)} is not a process of this node`))
  return fromPromise(async () => {
    if (await impl.table.claim(name, owner)) return true
    // held by a process of this node that has ended (its release still on the way, as when a
    // supervisor restarts a child at once): free it and try once more
    const held = impl.table.whereis(name)
    if (held === undefined || !impl.deadHere(held.owner)) return false
    await impl.table.release(name, held)
    return impl.table.claim(name, owner)
  })
}

/**
 * Registers `pid` (a process of this node) under `name` in the whole
 * cluster: `true` if the name was free, `false` if another process holds
 * it. Fails with a `GlobalError` when this node is cut off from NATS.
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * import { Global } from 'fp-ts-actors/nats'
 * declare const global: Global.Global
 * const mine = Effect.flatMap(Process.self, (me) => Global.register(global, 'leader', me))
 *
 * @category registering
 * @since 0.3.0
 */
export const register = (g: Global, name: string, pid: Pid<unknown>): Effect.Effect<GlobalError, boolean> => {
  const impl = implOf(g, 'Global.register')
  checkName('Global.register', name)
  return claimFor(impl, name, fromPid(pid))
}

/**
 * Frees `name` (whoever holds it, as Erlang's `:global.unregister_name`):
 * `true` if it was held. Fails with a `GlobalError` when cut off.
 *
 * @example
 * import { Global } from 'fp-ts-actors/nats'
 * declare const global: Global.Global
 * const freed = Global.unregister(global, 'leader')
 *
 * @category registering
 * @since 0.3.0
 */
export const unregister = (g: Global, name: string): Effect.Effect<GlobalError, boolean> => {
  const impl = implOf(g, 'Global.unregister')
  checkName('Global.unregister', name)
  const entry = impl.table.whereis(name)
  return entry === undefined ? Effect.succeed(false) : fromPromise(() => impl.table.release(name, entry))
}

/**
 * The process holding `name` in this node's copy of the cluster's names.
 *
 * @example
 * import { Global } from 'fp-ts-actors/nats'
 * declare const global: Global.Global
 * const leader = Global.whereis(global, 'leader') // a Pid, or undefined
 *
 * @category reading
 * @since 0.3.0
 */
export const whereis = (g: Global, name: string): Pid<unknown> | undefined => implOf(g, 'Global.whereis').whereis(name)

/**
 * The name `{ via: g, key: name }`: a send to it reaches the owner wherever
 * it runs; a process started with it registers cluster-wide.
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * import { Global } from 'fp-ts-actors/nats'
 * declare const global: Global.Global
 * const hello = Process.send(Global.via(global, 'leader'), 'hello')
 *
 * @category reading
 * @since 0.3.0
 */
export const via = (g: Global, name: string): Via<string> => {
  implOf(g, 'Global.via')
  return { via: g, key: checkName('Global.via', name) }
}

/**
 * Stops this node's copy (its watch and its clean-up); the names stay.
 *
 * @example
 * import { Global } from 'fp-ts-actors/nats'
 * declare const global: Global.Global
 * Global.stop(global)
 *
 * @category starting
 * @since 0.3.0
 */
export const stop = (g: Global): void => {
  stops.get(g)?.()
  stops.delete(g)
}
