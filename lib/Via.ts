/**
 * Names resolved by a name service (Elixir's `{:via, module, name}`): a
 * `Via` is accepted wherever a name is (`Process.send`, `GenServer.call`,
 * the `name` option of every start). A local `Registry` is a name service;
 * a cluster-wide registry plugs in the same way by implementing
 * `NameService`.
 *
 * @example
 * import { Effect, GenServer, Registry } from 'fp-ts-actors'
 *
 * const program = Effect.gen(function* () {
 *   const names = yield* Registry.startLink<string, undefined>({ keys: 'unique' })
 *   const name = { via: names, key: 'counter' }
 *   yield* GenServer.start({ init: () => Effect.succeed(GenServer.ok(0)) }, undefined, { name })
 *   return yield* GenServer.whereis(name) // some(pid)
 * })
 *
 * @since 0.2.0
 */
import type { Effect } from './Effect.js'
import type { Pid } from './Pid.js'
import { isViaName } from './internal/via.js'

/**
 * What a name service offers: a synchronous lookup (used by `send`), and a
 * claim run by a starting process for its own name.
 *
 * @category model
 * @since 0.2.0
 */
export interface NameService<K = unknown> {
  /** The process registered under `key`, if any. */
  whereis(key: K): Pid<unknown> | undefined
  /** Registers the calling process under `key`; `false` when another process holds it. */
  claim(key: K): Effect<never, boolean>
}

/**
 * A name: `key` in the name service `via`.
 *
 * @category model
 * @since 0.2.0
 */
export interface Via<K = unknown> {
  readonly via: NameService<K>
  readonly key: K
}

/**
 * `true` for a `Via` name.
 *
 * @example
 * import { Via } from 'fp-ts-actors'
 * Via.isVia({ via: { whereis: () => undefined, claim: () => null as never }, key: 'k' }) // true
 * Via.isVia('name') // false
 *
 * @category guards
 * @since 0.2.0
 */
export const isVia = (u: unknown): u is Via => isViaName(u)
