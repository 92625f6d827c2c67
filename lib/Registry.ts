/**
 * Registry: a local key-value store of processes (Elixir's `Registry`).
 * Keys are `unique` (one process per key: a name service) or `duplicate`
 * (many processes per key: pub/sub). A process registers itself; its
 * entries go away when it exits.
 *
 * ```ts
 * startLink({ keys: 'unique' | 'duplicate', name?, listeners? })  // Effect<Start.StartError, Registry<K, V>>
 * register(reg, key, value)   // the caller, under key
 * lookup(reg, key)            // [[pid, value], ...]
 * unregister(reg, key) / keys(reg, pid) / values(reg, key, pid) / count(reg)
 * dispatch(reg, key, (entries) => effect)   // pub/sub over duplicate keys
 * { via: reg, key }           // a name for send, GenServer.call, start options
 * ```
 *
 * As Elixir's, which keeps its table in ETS: the table is written only by
 * the registry process (registrations are calls to it, in order) and read
 * directly by any process, so `lookup` costs no message. The registry links
 * to each registered process (and traps exits): when one exits its entries
 * are removed; when the registry exits, so do the processes registered in
 * it. `listeners` get `Registry.Registered` / `Registry.Unregistered`
 * messages.
 *
 * A unique registry is a name service: `{ via: registry, key }` is accepted
 * wherever a name is (`Process.send`, `GenServer.call`, the `name` option of
 * every start), resolved through the small `Via.NameService` interface that a
 * cluster-wide registry can implement too.
 *
 * @example
 * import { Effect, Process, Registry } from 'fp-ts-actors'
 *
 * const program = Effect.gen(function* () {
 *   const topics = yield* Registry.startLink<string, string>({ keys: 'duplicate' })
 *   yield* Registry.register(topics, 'news', 'me')
 *   yield* Registry.dispatch(topics, 'news', (entries) =>
 *     Effect.traverseArray(([pid]: readonly [Process.Pid, string]) => Process.send(pid, 'hello subscribers'))(entries)
 *   )
 *   return yield* Registry.lookup(topics, 'news') // [[self, 'me']]
 * })
 *
 * @since 0.2.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import type { Option } from 'fp-ts/lib/Option.js'
import * as Effect from './Effect.js'
import * as Exit from './Exit.js'
import * as GenServer from './GenServer.js'
import type { Pid } from './Pid.js'
import * as Process from './Process.js'
import type * as Start from './Start.js'
import type { NameService, Via } from './Via.js'
import { describe, checkStartOptions } from './internal/check.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A running registry: its process, its kind of keys, and its table (read by
 * any process, written by the registry process only). It is a
 * `Via.NameService`, so `{ via: registry, key }` names a process.
 *
 * @category model
 * @since 0.2.0
 */
export interface Registry<K, V> extends NameService<K> {
  readonly pid: Pid<unknown>
  readonly keys: Keys
  readonly _V?: () => V
}

/**
 * `unique`: one process per key; `duplicate`: any number.
 *
 * @category model
 * @since 0.2.0
 */
export type Keys = 'unique' | 'duplicate'

/**
 * Options of `startLink`.
 *
 * @category model
 * @since 0.2.0
 */
export interface Options extends Start.Options {
  readonly keys: Keys
  /** Accepted as Elixir's (an integer >= 1); the table is one either way. */
  readonly partitions?: number
  /** Processes (pids or names) told of every registration and unregistration. */
  readonly listeners?: ReadonlyArray<Process.Pid<unknown> | string>
}

/**
 * `register` on a unique key another process holds (Elixir's `{:error, {:already_registered, pid}}`).
 *
 * @category model
 * @since 0.2.0
 */
export interface AlreadyRegistered {
  readonly _tag: 'AlreadyRegistered'
  readonly pid: Pid<unknown>
}

/**
 * An entry of the registry, as `select` sees it.
 *
 * @category model
 * @since 0.2.0
 */
export interface Entry<K, V> {
  readonly key: K
  readonly pid: Pid<unknown>
  readonly value: V
}

/**
 * What listeners get when a process registers.
 *
 * @category model
 * @since 0.2.0
 */
export interface Registered<K, V> {
  readonly _tag: 'Registry.Registered'
  readonly registry: Pid<unknown>
  readonly key: K
  readonly pid: Pid<unknown>
  readonly value: V
}

/**
 * What listeners get when a process unregisters (or exits).
 *
 * @category model
 * @since 0.2.0
 */
export interface Unregistered<K> {
  readonly _tag: 'Registry.Unregistered'
  readonly registry: Pid<unknown>
  readonly key: K
  readonly pid: Pid<unknown>
}

// -------------------------------------------------------------------------------------
// the table
// -------------------------------------------------------------------------------------

/** The entries, in registration order per key, and the keys of each process. */
class Table<K, V> {
  readonly byKey = new Map<K, Array<[Pid<unknown>, V]>>()
  readonly byPid = new Map<Pid<unknown>, Array<K>>()

  entries(key: K): ReadonlyArray<readonly [Pid<unknown>, V]> {
    return this.byKey.get(key) ?? []
  }
  add(key: K, pid: Pid<unknown>, value: V): void {
    const list = this.byKey.get(key)
    if (list === undefined) this.byKey.set(key, [[pid, value]])
    else list.push([pid, value])
    const keys = this.byPid.get(pid)
    if (keys === undefined) this.byPid.set(pid, [key])
    else keys.push(key)
  }
  /** Removes `pid`'s entries under `key` that `pred` keeps; how many. */
  remove(key: K, pid: Pid<unknown>, pred: (value: V) => boolean = () => true): number {
    const list = this.byKey.get(key)
    if (list === undefined) return 0
    const kept = list.filter(([p, v]) => p !== pid || !pred(v))
    const removed = list.length - kept.length
    if (removed === 0) return 0
    if (kept.length === 0) this.byKey.delete(key)
    else this.byKey.set(key, kept)
    const keys = this.byPid.get(pid) ?? []
    let n = removed
    const left = keys.filter((k) => !(k === key && n-- > 0))
    if (left.length === 0) this.byPid.delete(pid)
    else this.byPid.set(pid, left)
    return removed
  }
}

// -------------------------------------------------------------------------------------
// the registry process
// -------------------------------------------------------------------------------------

type Request =
  | { readonly _tag: 'Register'; readonly key: unknown; readonly value: unknown }
  | { readonly _tag: 'Unregister'; readonly key: unknown; readonly pred?: (value: unknown) => boolean }
  | { readonly _tag: 'Update'; readonly key: unknown; readonly f: (value: unknown) => unknown }

interface State {
  readonly self: Pid<unknown>
  readonly keys: Keys
  readonly table: Table<unknown, unknown>
  readonly listeners: ReadonlyArray<Process.Pid<unknown> | string>
}

const tell = (st: State, message: unknown): Effect.Effect<never, void> =>
  Effect.asUnit(
    Effect.traverseArray((l: Process.Pid<unknown> | string) =>
      Effect.catchAll(Process.send(l, message), () => Effect.unit)
    )(st.listeners)
  )

const removed = Effect.fn(function* (st: State, key: unknown, pid: Pid<unknown>, n: number) {
  for (let i = 0; i < n; i++) {
    yield* tell(st, { _tag: 'Registry.Unregistered', registry: st.self, key, pid } satisfies Unregistered<unknown>)
  }
  // the last key of a process gone: no more link to it
  if (n > 0 && !st.table.byPid.has(pid)) yield* Process.unlink(pid)
})

const doRegister = Effect.fn(function* (st: State, pid: Pid<unknown>, key: unknown, value: unknown) {
  if (st.keys === 'unique') {
    const holder = st.table.entries(key)[0]
    if (holder !== undefined) {
      const taken: AlreadyRegistered = { _tag: 'AlreadyRegistered', pid: holder[0] }
      return GenServer.replyWith(E.left(taken), st)
    }
  }
  yield* Effect.catchAll(Process.link(pid), () => Effect.unit)
  if (!(yield* Process.isAlive(pid))) return GenServer.replyWith(E.right(undefined), st)
  st.table.add(key, pid, value)
  yield* tell(st, { _tag: 'Registry.Registered', registry: st.self, key, pid, value } satisfies Registered<
    unknown,
    unknown
  >)
  return GenServer.replyWith(E.right(undefined), st)
})

const doUnregister = Effect.fn(function* (
  st: State,
  pid: Pid<unknown>,
  key: unknown,
  pred: ((value: unknown) => boolean) | undefined
) {
  const n = st.table.remove(key, pid, pred)
  yield* removed(st, key, pid, n)
  return GenServer.replyWith(E.right(undefined), st)
})

const update = (st: State, pid: Pid<unknown>, key: unknown, f: (value: unknown) => unknown) =>
  Effect.sync(() => {
    const list = st.table.byKey.get(key)
    const entry = list?.find(([p]) => p === pid)
    if (entry === undefined) return GenServer.replyWith(E.right(O.none), st)
    const old = entry[1]
    entry[1] = f(old)
    return GenServer.replyWith(E.right(O.some([entry[1], old] as const)), st)
  })

/** An owner exited: its entries go. */
const ownerExited = Effect.fn(function* (st: State, pid: Pid<unknown>) {
  const keys = [...(st.table.byPid.get(pid) ?? [])]
  for (const key of new Set(keys)) yield* removed(st, key, pid, st.table.remove(key, pid))
  return GenServer.noReply(st)
})

const behaviour = (table: Table<unknown, unknown>): GenServer.Behaviour<Options, State, Request> => ({
  init: (options) =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const self = yield* Process.self
      return GenServer.ok({ self, keys: options.keys, table, listeners: options.listeners ?? [] })
    }),
  handleCall: (request, from, st) => {
    switch (request._tag) {
      case 'Register':
        return doRegister(st, from.pid, request.key, request.value)
      case 'Unregister':
        return doUnregister(st, from.pid, request.key, request.pred)
      case 'Update':
        return update(st, from.pid, request.key, request.f)
    }
  },
  handleInfo: (message, st) =>
    Exit.ExitSignal.is(message) ? ownerExited(st, message.from) : Effect.succeed(GenServer.noReply(st))
})

const tables = new WeakMap<object, Table<unknown, unknown>>()

const tableOf = <K, V>(reg: Registry<K, V>, where: string): Table<K, V> => {
  const t = typeof reg === 'object' && reg !== null ? tables.get(reg) : undefined
  if (t === undefined)
    throw new TypeError(`${where}: expected a Registry made by Registry.startLink, got ${describe(reg)}`)
  return t as Table<K, V>
}

const call = <A>(reg: Registry<unknown, unknown>, request: Request) =>
  Effect.flatMap(GenServer.call<Either<never, A>>(reg.pid, request, Infinity), (r) => Effect.fromEither(r))

// -------------------------------------------------------------------------------------
// starting
// -------------------------------------------------------------------------------------

/**
 * Starts a registry linked to the caller.
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * const names = Registry.startLink<string, undefined>({ keys: 'unique', name: 'names' })
 *
 * @category starting
 * @since 0.2.0
 */
export const startLink = <K, V>(options: Options): Effect.Effect<Start.StartError, Registry<K, V>> => {
  const where = 'Registry.startLink'
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`)
  if (options.keys !== 'unique' && options.keys !== 'duplicate')
    throw new TypeError(`${where}: keys must be 'unique' or 'duplicate', got ${describe(options.keys)}`)
  if (options.partitions !== undefined && !(Number.isInteger(options.partitions) && options.partitions >= 1))
    throw new TypeError(`${where}: partitions must be an integer >= 1, got ${describe(options.partitions)}`)
  if (options.listeners !== undefined && !Array.isArray(options.listeners))
    throw new TypeError(`${where}: listeners must be an array of pids or names, got ${describe(options.listeners)}`)
  checkStartOptions(where, options)
  const table = new Table<unknown, unknown>()
  return Effect.map(
    GenServer.startLink(behaviour(table), options, options.name === undefined ? undefined : { name: options.name }),
    (pid) => {
      const reg: Registry<K, V> = {
        pid,
        keys: options.keys,
        whereis: (key) => (options.keys === 'unique' ? table.entries(key)[0]?.[0] : undefined),
        claim: (key) =>
          Effect.map(Effect.either(register(reg as Registry<K, undefined>, key, undefined as never)), E.isRight)
      }
      tables.set(reg, table)
      return reg
    }
  )
}

// -------------------------------------------------------------------------------------
// registering
// -------------------------------------------------------------------------------------

/**
 * Registers the caller under `key` with `value`; gives the registry's pid
 * (the caller is now linked to it). In a unique registry a key another
 * process holds fails with `AlreadyRegistered`; in a duplicate one a process
 * may register the same key more than once.
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const joined = Registry.register(reg, 'room:1', 42)
 *
 * @category registering
 * @since 0.2.0
 */
export const register = <K, V>(
  reg: Registry<K, V>,
  key: K,
  value: V
): Effect.Effect<Exit.Exiting | AlreadyRegistered, Pid<unknown>> => {
  tableOf(reg, 'Registry.register')
  return Effect.as(
    call<void>(reg as Registry<unknown, unknown>, { _tag: 'Register', key, value }) as Effect.Effect<
      Exit.Exiting | AlreadyRegistered,
      void
    >,
    reg.pid
  )
}

/**
 * Removes the caller's entries under `key` (none: nothing happens).
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const left = Registry.unregister(reg, 'room:1')
 *
 * @category registering
 * @since 0.2.0
 */
export const unregister = <K, V>(reg: Registry<K, V>, key: K): Effect.Effect<Exit.Exiting, void> => {
  tableOf(reg, 'Registry.unregister')
  return call<void>(reg as Registry<unknown, unknown>, { _tag: 'Unregister', key })
}

/**
 * Removes the caller's entries under `key` whose value `pred` keeps
 * (Elixir's `unregister_match/4`, with a predicate for the match spec).
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const dropped = Registry.unregisterMatch(reg, 'room:1', (n) => n > 10)
 *
 * @category registering
 * @since 0.2.0
 */
export const unregisterMatch = <K, V>(
  reg: Registry<K, V>,
  key: K,
  pred: (value: V) => boolean
): Effect.Effect<Exit.Exiting, void> => {
  tableOf(reg, 'Registry.unregisterMatch')
  return call<void>(reg as Registry<unknown, unknown>, {
    _tag: 'Unregister',
    key,
    pred: pred as (value: unknown) => boolean
  })
}

/**
 * Replaces the caller's value under a unique `key` with `f(old)`: `some([new, old])`,
 * or `none` when the caller does not hold the key.
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const bumped = Registry.updateValue(reg, 'counter', (n) => n + 1)
 *
 * @category registering
 * @since 0.2.0
 */
export const updateValue = <K, V>(
  reg: Registry<K, V>,
  key: K,
  f: (value: V) => V
): Effect.Effect<Exit.Exiting, Option<readonly [V, V]>> => {
  tableOf(reg, 'Registry.updateValue')
  if (reg.keys !== 'unique') throw new TypeError('Registry.updateValue: only for a registry with unique keys')
  return call<Option<readonly [V, V]>>(reg as Registry<unknown, unknown>, {
    _tag: 'Update',
    key,
    f: f as (value: unknown) => unknown
  })
}

// -------------------------------------------------------------------------------------
// reading
// -------------------------------------------------------------------------------------

/**
 * The processes registered under `key`, with their values, in registration order.
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const subscribers = Registry.lookup(reg, 'room:1') // Effect<never, ReadonlyArray<[Pid, number]>>
 *
 * @category reading
 * @since 0.2.0
 */
export const lookup = <K, V>(
  reg: Registry<K, V>,
  key: K
): Effect.Effect<never, ReadonlyArray<readonly [Pid<unknown>, V]>> => {
  const table = tableOf(reg, 'Registry.lookup')
  return Effect.sync(() => table.entries(key).slice())
}

/**
 * The entries under `key` whose value `pred` keeps (Elixir's `match/4`).
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const big = Registry.match(reg, 'room:1', (n) => n > 10)
 *
 * @category reading
 * @since 0.2.0
 */
export const match = <K, V>(
  reg: Registry<K, V>,
  key: K,
  pred: (value: V) => boolean
): Effect.Effect<never, ReadonlyArray<readonly [Pid<unknown>, V]>> => {
  const table = tableOf(reg, 'Registry.match')
  return Effect.sync(() => table.entries(key).filter(([, v]) => pred(v)))
}

/**
 * How many entries under `key` `pred` keeps (Elixir's `count_match/4`).
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const n = Registry.countMatch(reg, 'room:1', () => true)
 *
 * @category reading
 * @since 0.2.0
 */
export const countMatch = <K, V>(
  reg: Registry<K, V>,
  key: K,
  pred: (value: V) => boolean
): Effect.Effect<never, number> => Effect.map(match(reg, key, pred), (l) => l.length)

/**
 * Every entry `pred` keeps (Elixir's `select/2`, with a predicate for the match spec).
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const all = Registry.select(reg, () => true)
 *
 * @category reading
 * @since 0.2.0
 */
export const select = <K, V>(
  reg: Registry<K, V>,
  pred: (entry: Entry<K, V>) => boolean
): Effect.Effect<never, ReadonlyArray<Entry<K, V>>> => {
  const table = tableOf(reg, 'Registry.select')
  if (typeof pred !== 'function') throw new TypeError(`Registry.select: expected a predicate, got ${describe(pred)}`)
  return Effect.sync(() => {
    const out: Array<Entry<K, V>> = []
    for (const [key, list] of table.byKey) {
      for (const [pid, value] of list) {
        const e = { key, pid, value }
        if (pred(e)) out.push(e)
      }
    }
    return out
  })
}

/**
 * How many entries `pred` keeps (Elixir's `count_select/2`).
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const n = Registry.countSelect(reg, (e) => e.value > 10)
 *
 * @category reading
 * @since 0.2.0
 */
export const countSelect = <K, V>(
  reg: Registry<K, V>,
  pred: (entry: Entry<K, V>) => boolean
): Effect.Effect<never, number> => Effect.map(select(reg, pred), (l) => l.length)

/**
 * The keys `pid` is registered under, in registration order.
 *
 * @example
 * import { Effect, Process, Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const mine = Effect.flatMap(Process.self, (me) => Registry.keys(reg, me))
 *
 * @category reading
 * @since 0.2.0
 */
export const keys = <K, V>(reg: Registry<K, V>, pid: Pid<unknown>): Effect.Effect<never, ReadonlyArray<K>> => {
  const table = tableOf(reg, 'Registry.keys')
  return Effect.sync(() => (table.byPid.get(pid) ?? []).slice())
}

/**
 * The values `pid` registered under `key`.
 *
 * @example
 * import { Effect, Process, Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const mine = Effect.flatMap(Process.self, (me) => Registry.values(reg, 'room:1', me))
 *
 * @category reading
 * @since 0.2.0
 */
export const values = <K, V>(
  reg: Registry<K, V>,
  key: K,
  pid: Pid<unknown>
): Effect.Effect<never, ReadonlyArray<V>> => {
  const table = tableOf(reg, 'Registry.values')
  return Effect.sync(() => table.entries(key).flatMap(([p, v]) => (p === pid ? [v] : [])))
}

/**
 * How many entries the registry holds.
 *
 * @example
 * import { Registry } from 'fp-ts-actors'
 * declare const reg: Registry.Registry<string, number>
 * const n = Registry.count(reg)
 *
 * @category reading
 * @since 0.2.0
 */
export const count = <K, V>(reg: Registry<K, V>): Effect.Effect<never, number> => {
  const table = tableOf(reg, 'Registry.count')
  return Effect.sync(() => {
    let n = 0
    for (const list of table.byKey.values()) n += list.length
    return n
  })
}

/**
 * Runs `f(entries)` in the caller with the entries under `key`, if there are
 * any (Elixir's `dispatch/3`): publish to the subscribers of a topic.
 *
 * @example
 * import { Effect, Process, Registry } from 'fp-ts-actors'
 * declare const topics: Registry.Registry<string, undefined>
 * const published = Registry.dispatch(topics, 'news', (entries) =>
 *   Effect.traverseArray(([pid]: readonly [Process.Pid, undefined]) => Process.send(pid, 'extra!'))(entries)
 * )
 *
 * @category reading
 * @since 0.2.0
 */
export const dispatch = <K, V, E, X>(
  reg: Registry<K, V>,
  key: K,
  f: (entries: ReadonlyArray<readonly [Pid<unknown>, V]>) => Effect.Effect<E, X>
): Effect.Effect<E, void> =>
  Effect.flatMap(lookup(reg, key), (entries) => (entries.length === 0 ? Effect.unit : Effect.asUnit(f(entries))))

/**
 * The name `{ via, key }` of the process registered under a unique `key`; a
 * process started with it registers with `value` (default `undefined`).
 *
 * @example
 * import { Process, Registry } from 'fp-ts-actors'
 * declare const names: Registry.Registry<string, undefined>
 * const hello = Process.send(Registry.via(names, 'worker:1'), 'hello')
 *
 * @category reading
 * @since 0.2.0
 */
export const via = <K, V>(reg: Registry<K, V>, key: NoInfer<K>, value?: V): Via<K> => {
  tableOf(reg, 'Registry.via')
  if (reg.keys !== 'unique') throw new TypeError('Registry.via: only a registry with unique keys names processes')
  if (value === undefined) return { via: reg, key }
  const service: NameService<K> = {
    whereis: (k) => reg.whereis(k),
    claim: (k) => Effect.map(Effect.either(register(reg, k, value)), E.isRight)
  }
  return { via: service, key }
}

// -------------------------------------------------------------------------------------
// child specs
// -------------------------------------------------------------------------------------

/**
 * The child spec that starts a registry under a supervisor (Elixir's
 * `Registry.child_spec/1`): id its name (or `'Registry'`), type
 * `supervisor`. `onStart` gets the new registry (its handle is not the pid).
 *
 * @example
 * import { Effect, Registry, Supervisor } from 'fp-ts-actors'
 * const tree = Supervisor.startLink([Registry.childSpec({ keys: 'unique', name: 'names' })], {
 *   strategy: 'one_for_one'
 * })
 *
 * @category starting
 * @since 0.2.0
 */
export const childSpec = <K, V>(
  options: Options,
  onStart: (registry: Registry<K, V>) => Effect.Effect<never, void> = () => Effect.unit
): {
  readonly id: string
  readonly start: Effect.Effect<Start.StartError, Pid<unknown>>
  readonly type: 'supervisor'
} => ({
  id: typeof options?.name === 'string' ? options.name : 'Registry',
  start: Effect.flatMap(startLink<K, V>(options), (reg) => Effect.as(onStart(reg), reg.pid)),
  type: 'supervisor'
})
