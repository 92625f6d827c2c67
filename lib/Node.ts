/**
 * Nodes: runtimes that reach each other through a `Transport`, with
 * Erlang's distribution semantics. A runtime becomes a node by configuration;
 * its pids then carry the node's name and incarnation, and `send`, `link`,
 * `monitor` and `exit` work on processes of other nodes as on local ones.
 *
 * ```ts
 * const net = Transport.memory()
 * const a = Runtime.make({ node: { name: 'a', transport: net } })
 * const b = Runtime.make({ node: { name: 'b', transport: net, programs: { echo } } })
 * // in a process of a:
 * Node.spawn('b', 'echo', args)          // a pid on b (its program, its args codec)
 * Process.send({ name: 'log', node: 'b' }, line)
 * Node.monitor('b')                       // then { _tag: 'nodedown', node: 'b' }
 * ```
 *
 * A lost node (crashed, stopped, cut off) gives every link to one of its
 * processes an exit signal `noconnection`, every monitor one DOWN
 * `noconnection`, every node monitor a `nodedown`: once each, after every
 * message that node sent before. See docs/distribution.md for the rules.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Node, Process, Runtime, Transport } from 'fp-ts-actors'
 * const net = Transport.memory()
 * const echo = Node.program(t.type({ to: Process.pid }), ({ to }) => Process.send(to, 'hello from b'))
 * Runtime.make({ node: { name: 'b', transport: net, programs: { echo } } })
 * const a = Runtime.make({ node: { name: 'a', transport: net } })
 * await a.run(
 *   Effect.gen(function* () {
 *     yield* Node.spawn('b', 'echo', { to: yield* Process.self })
 *     return yield* Process.receive(t.string) // 'hello from b'
 *   })
 * )
 *
 * @since 0.3.0
 */
import * as t from 'io-ts'
import type { Decoder, Type } from 'io-ts'
import * as Effect from './Effect.js'
import type { Reason } from './Exit.js'
import * as Ex from './Exit.js'
import type { Fiber, Prim } from './internal/fiber.js'
import { Kernel } from './internal/kernel.js'
import { NOCONNECTION, type NodeLayer, type SpawnReply } from './internal/node/layer.js'
import * as op from './internal/op.js'
import { Op } from './internal/op.js'
import type { RefImpl } from './internal/pid.js'
import { RemotePid } from './internal/pid.js'
import { describe } from './internal/check.js'
import { toPid, toRef, type NodeName, type Pid, type Ref } from './Pid.js'
import * as Process from './Process.js'
import type { Transport } from './Transport.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A program other nodes may spawn on this one by name: the codec its
 * arguments must pass (they are decoded on this node) and the process to run.
 *
 * @category model
 * @since 0.3.0
 */
export interface Program<A = unknown> {
  readonly args: Decoder<unknown, A>
  readonly run: (args: A) => Effect.Effect<unknown, unknown>
}

/**
 * A program of any argument type, as `Config.programs` holds them.
 *
 * @category model
 * @since 0.3.0
 */
export interface AnyProgram {
  readonly args: Decoder<unknown, unknown>
  readonly run: (args: never) => Effect.Effect<unknown, unknown>
}

/**
 * What makes a runtime a node (`Runtime.make({ node })`, `TestRuntime.make({ seed, node })`).
 *
 * @category model
 * @since 0.3.0
 */
export interface Config {
  /** Unique among the nodes of the transport. */
  readonly name: string
  readonly transport: Transport
  /** The programs other nodes may spawn here, by name. */
  readonly programs?: { readonly [name: string]: AnyProgram }
  /**
   * The incarnation (Erlang's `creation`). Default: the memory transport
   * numbers a name's incarnations 1, 2, ...; otherwise a random one. A
   * restarted node must have a new one, so that pids of the old one stay dead.
   */
  readonly creation?: number
}

/**
 * A node came up or went down (`rt.nodes$`).
 *
 * @category model
 * @since 0.3.0
 */
export type NodeEvent =
  | { readonly _tag: 'nodeup'; readonly node: string; readonly creation: number }
  | { readonly _tag: 'nodedown'; readonly node: string; readonly why: string }

/**
 * The message `Node.monitor(node)` delivers when `node` is lost.
 *
 * @category model
 * @since 0.3.0
 */
export interface NodeDown {
  readonly _tag: 'nodedown'
  readonly node: string
}

/**
 * Why a spawn on another node failed: the node could not be reached
 * (`noconnection`), it has no such program (`noprogram`), or the program's
 * codec rejected the arguments (`badargs`). `message` says it in words.
 *
 * @category model
 * @since 0.3.0
 */
export interface SpawnError {
  readonly _tag: 'SpawnError'
  readonly node: string
  readonly program: string
  readonly reason: 'noconnection' | 'noprogram' | 'badargs'
  readonly message: string
}

// -------------------------------------------------------------------------------------
// reasons and codecs
// -------------------------------------------------------------------------------------

/**
 * The exit reason of a lost connection: what links and monitors of processes
 * on a lost node get (Erlang's `noconnection`).
 *
 * @example
 * import { Exit, Node } from 'fp-ts-actors'
 * Exit.format(Node.noconnection) // ':noconnection'
 *
 * @category reasons
 * @since 0.3.0
 */
export const noconnection: Reason<never, never> = NOCONNECTION as Reason<never, never>

/**
 * `true` for `noconnection`.
 *
 * @example
 * import { Exit, Node } from 'fp-ts-actors'
 * Node.isNoconnection(Node.noconnection) // true
 * Node.isNoconnection(Exit.killed) // false
 *
 * @category reasons
 * @since 0.3.0
 */
export const isNoconnection = (r: Reason<unknown, unknown>): boolean =>
  typeof r === 'object' && r !== null && r._tag === 'Custom' && r.reason === 'noconnection'

/**
 * The reason a `GenServer.call` exits with when the server's node is lost
 * (Erlang's `{nodedown, node}`), inside its `CallExit`.
 *
 * @example
 * import { Exit, Node } from 'fp-ts-actors'
 * Exit.format(Node.nodedown('b')) // '{"nodedown":"b"}'
 *
 * @category reasons
 * @since 0.3.0
 */
export const nodedown = (node: string): Reason<never, never> => Ex.custom({ nodedown: node }) as Reason<never, never>

/**
 * io-ts codec of the `nodedown` message, for a receive clause.
 *
 * @example
 * import { Effect, Node, Process } from 'fp-ts-actors'
 * const waitDown = Process.receive(Process.on(Node.NodeDown, (m) => Effect.succeed(m.node)))
 *
 * @category codecs
 * @since 0.3.0
 */
export const NodeDown: Type<NodeDown, NodeDown, unknown> = t.type({ _tag: t.literal('nodedown'), node: t.string })

/**
 * The node a pid lives on.
 *
 * @example
 * import { Node } from 'fp-ts-actors'
 * declare const pid: import('fp-ts-actors').Pid.Pid
 * Node.of(pid) // 'b' for a pid of node b; undefined for a pid of this runtime
 *
 * @category identity
 * @since 0.3.0
 */
export const of = (pid: Pid<unknown>): string | undefined => {
  const p = pid as unknown
  return p instanceof RemotePid ? p.node : undefined
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A program other nodes may spawn here by name (put it in `Config.programs`).
 * Its arguments cross as data and are decoded with `args` on this node.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Node, Process } from 'fp-ts-actors'
 * const greeter = Node.program(t.type({ to: Process.pid, name: t.string }), ({ to, name }) =>
 *   Process.send(to, `hello ${name}`)
 * )
 *
 * @category constructors
 * @since 0.3.0
 */
export const program = <A, E, B>(args: Decoder<unknown, A>, run: (args: A) => Effect.Effect<E, B>): Program<A> => {
  if (typeof (args as { decode?: unknown })?.decode !== 'function')
    throw new TypeError(`Node.program: args must be an io-ts codec, got ${describe(args)}`)
  if (typeof run !== 'function') throw new TypeError(`Node.program: run must be a function, got ${describe(run)}`)
  return { args, run }
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

const prim = <A>(f: Prim, a?: unknown, b?: unknown): Effect.Effect<never, A> => Effect.fromOp(new Op(op.PRIM, f, a, b))

const layerOf = (f: Fiber, where: string): NodeLayer => {
  const h = f.host
  const node = h instanceof Kernel ? h.node : undefined
  if (node === undefined)
    throw new Error(
      `${where}: this runtime is not a node; make it one with Runtime.make({ node: { name, transport } })`
    )
  return node
}

const checkNode = (where: string, node: unknown): string => {
  if (typeof node !== 'string' || node.length === 0)
    throw new TypeError(`${where}: a node is named by a non-empty string, got ${describe(node)}`)
  return node
}

/** A reply that comes through the one-shot alias `alias`. */
const replyOn = <A>(alias: Ref, is: (u: unknown) => u is A): Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(
    'Node.Reply',
    (u): u is A => is(u) && (u as { ref?: unknown }).ref === alias,
    (u, c) => (is(u) && (u as { ref?: unknown }).ref === alias ? t.success(u) : t.failure(u, c)),
    t.identity
  )

const isSpawnReply = (u: unknown): u is SpawnReply =>
  typeof u === 'object' &&
  u !== null &&
  ((u as SpawnReply)._tag === 'Node.Spawned' || (u as SpawnReply)._tag === 'Node.SpawnFailed')

const spawnError = (node: string, name: string, message: string): SpawnError => ({
  _tag: 'SpawnError',
  node,
  program: name,
  reason: message.startsWith('noconnection')
    ? 'noconnection'
    : message.includes('has no program')
      ? 'noprogram'
      : 'badargs',
  message
})

const request = (
  where: string,
  node: string,
  name: string,
  args: unknown,
  link: boolean,
  monitor: boolean
): Effect.Effect<SpawnError, readonly [Pid<unknown>, Ref | undefined]> => {
  checkNode(where, node)
  if (typeof name !== 'string' || name.length === 0)
    throw new TypeError(`${where}: a program is named by a non-empty string, got ${describe(name)}`)
  return Effect.flatMap(Process.alias({ oneShot: true }), (alias) =>
    Effect.flatMap(
      prim<RefImpl | undefined>(
        (f) => layerOf(f, where).spawn(f, node, name, args, alias as unknown as RefImpl, link, monitor),
        undefined
      ),
      (mref) =>
        Process.receive(
          Process.on(replyOn(alias, isSpawnReply), (r) =>
            r._tag === 'Node.Spawned'
              ? Effect.succeed([toPid(r.pid), mref === undefined ? undefined : toRef(mref)] as const)
              : Effect.fail(spawnError(node, name, r.error))
          )
        )
    )
  )
}

// -------------------------------------------------------------------------------------
// nodes
// -------------------------------------------------------------------------------------

/**
 * This node's name (`'nonode@nohost'` on a runtime that is not a node, as Erlang says).
 *
 * @example
 * import { Node } from 'fp-ts-actors'
 * const me = Node.self // Effect<never, string>
 *
 * @category nodes
 * @since 0.3.0
 */
export const self: Effect.Effect<never, string> = prim((f) => {
  const h = f.host
  return (h instanceof Kernel ? h.node?.self.name : undefined) ?? 'nonode@nohost'
})

/**
 * The nodes this one is connected to now.
 *
 * @example
 * import { Node } from 'fp-ts-actors'
 * const peers = Node.list // Effect<never, ReadonlyArray<string>>
 *
 * @category nodes
 * @since 0.3.0
 */
export const list: Effect.Effect<never, ReadonlyArray<string>> = prim((f) => {
  const h = f.host
  return h instanceof Kernel && h.node !== undefined ? h.node.list() : []
})

/**
 * Connects to `node` (a connection is also made on first use): `true` once
 * it is up, `false` if it cannot be reached.
 *
 * @example
 * import { Node } from 'fp-ts-actors'
 * const ok = Node.connect('b') // Effect<never, boolean>
 *
 * @category nodes
 * @since 0.3.0
 */
export const connect = (node: string): Effect.Effect<never, boolean> => {
  checkNode('Node.connect', node)
  const isAnswer = (u: unknown): u is { readonly _tag: 'Node.Connected'; readonly up: boolean } =>
    typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'Node.Connected'
  return Effect.flatMap(Process.alias({ oneShot: true }), (alias) =>
    Effect.flatMap(
      prim((f) => {
        const layer = layerOf(f, 'Node.connect')
        const k = f.host as Kernel
        layer.connect(node, (up) => k.send(undefined, alias, { _tag: 'Node.Connected', ref: alias, up }))
      }),
      () => Process.receive(Process.on(replyOn(alias, isAnswer), (m) => Effect.succeed(m.up)))
    )
  )
}

/**
 * Cuts the connection to `node` now (Erlang's `disconnect_node`): both sides
 * see the other down (`noconnection` to every watcher); the next use
 * connects again. `false` if it was not connected.
 *
 * @example
 * import { Node } from 'fp-ts-actors'
 * const cut = Node.disconnect('b')
 *
 * @category nodes
 * @since 0.3.0
 */
export const disconnect = (node: string): Effect.Effect<never, boolean> => {
  checkNode('Node.disconnect', node)
  return prim((f) => layerOf(f, 'Node.disconnect').disconnect(node))
}

/**
 * Watches `node`: when it is lost (or if it cannot be reached) the calling
 * process gets `{ _tag: 'nodedown', node }`. Monitors stack: two calls, two
 * messages. The node has left `Node.list` by then.
 *
 * @example
 * import { Effect, Node, Process } from 'fp-ts-actors'
 * const watch = Effect.flatMap(Node.monitor('b'), () => Process.receive(Node.NodeDown))
 *
 * @category nodes
 * @since 0.3.0
 */
export const monitor = (node: string): Effect.Effect<never, void> => {
  checkNode('Node.monitor', node)
  return prim((f) => layerOf(f, 'Node.monitor').monitorNode(f, node))
}

/**
 * Removes one node monitor of the calling process on `node`; `false` if it had none.
 *
 * @example
 * import { Node } from 'fp-ts-actors'
 * const stop = Node.demonitor('b')
 *
 * @category nodes
 * @since 0.3.0
 */
export const demonitor = (node: string): Effect.Effect<never, boolean> => {
  checkNode('Node.demonitor', node)
  return prim((f) => layerOf(f, 'Node.demonitor').demonitorNode(f, node))
}

// -------------------------------------------------------------------------------------
// spawning on a node
// -------------------------------------------------------------------------------------

/**
 * Spawns the program registered as `name` on `node` with `args` (decoded
 * there by the program's codec) and succeeds with its pid once `node`
 * answers. Fails with a `SpawnError` when the node cannot be reached, has no
 * such program, or rejects the arguments. Arguments that cannot cross (a
 * function, a cycle, a class instance) throw at once, naming the path.
 *
 * @example
 * import { Node } from 'fp-ts-actors'
 * const pid = Node.spawn('b', 'worker', { id: 1 }) // Effect<Node.SpawnError, Pid>
 *
 * @category spawning
 * @since 0.3.0
 */
export const spawn = (node: string, name: string, args: unknown): Effect.Effect<SpawnError, Pid<unknown>> =>
  Effect.map(request('Node.spawn', node, name, args, false, false), ([pid]) => pid)

/**
 * `spawn`, linked to the caller from the start (the link is made on `node`
 * before the program runs, so no exit is missed).
 *
 * @example
 * import { Node } from 'fp-ts-actors'
 * const pid = Node.spawnLink('b', 'worker', { id: 1 })
 *
 * @category spawning
 * @since 0.3.0
 */
export const spawnLink = (node: string, name: string, args: unknown): Effect.Effect<SpawnError, Pid<unknown>> =>
  Effect.map(request('Node.spawnLink', node, name, args, true, false), ([pid]) => pid)

/**
 * `spawn`, monitored by the caller from the start: the pid and the monitor ref.
 *
 * @example
 * import { Node } from 'fp-ts-actors'
 * const started = Node.spawnMonitor('b', 'worker', { id: 1 }) // Effect<SpawnError, readonly [Pid, Ref]>
 *
 * @category spawning
 * @since 0.3.0
 */
export const spawnMonitor = (
  node: string,
  name: string,
  args: unknown
): Effect.Effect<SpawnError, readonly [Pid<unknown>, Ref]> =>
  request('Node.spawnMonitor', node, name, args, false, true) as Effect.Effect<SpawnError, readonly [Pid<unknown>, Ref]>

/**
 * `{ name, node }`: the process registered as `name` on `node`, as a
 * destination for `Process.send` and `Process.monitor`.
 *
 * @example
 * import { Node, Process } from 'fp-ts-actors'
 * const hello = Process.send(Node.name('log', 'b'), 'hello')
 *
 * @category identity
 * @since 0.3.0
 */
export const name = (registered: string, node: string): NodeName => ({ name: registered, node })
