/**
 * What a `start`/`startLink` of Task, Agent, GenServer, Supervisor and
 * DynamicSupervisor answers when it does not give a running process, and the
 * options they share.
 *
 * ```ts
 * type StartError =
 *   | InitFailed      // Elixir {:error, reason}: init stopped or crashed with `reason`
 *   | Ignore          // Elixir :ignore: init chose not to start
 *   | AlreadyStarted  // Elixir {:error, {:already_started, pid}}: the name is taken
 * interface Options { name?: string } // register the new process under `name`
 * ```
 *
 * A start that fails fails its Effect with one of these values; a start that
 * succeeds succeeds with the new pid.
 *
 * @example
 * import { Effect, GenServer, Start } from 'fp-ts-actors'
 * const started = Effect.either(GenServer.start({ init: () => Effect.succeed(GenServer.ignore) }, undefined))
 * // succeeds with left(Start.ignore), i.e. left({ _tag: 'Ignore' })
 *
 * @since 0.1.0
 */
import type { Reason } from './Exit.js'
import type { Pid } from './Pid.js'
import type { Via } from './Via.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The init of the new process stopped (or crashed) with `reason`. The process
 * exits with that reason, so a linked caller that does not trap exits dies
 * with it too (as in Elixir).
 *
 * @category model
 * @since 0.1.0
 */
export interface InitFailed {
  readonly _tag: 'InitFailed'
  readonly reason: Reason
}

/**
 * The init of the new process chose not to start (Elixir's `:ignore`); the
 * process exited with `normal`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Ignore {
  readonly _tag: 'Ignore'
}

/**
 * The name asked for in `Options.name` is registered to `pid` already.
 *
 * @category model
 * @since 0.1.0
 */
export interface AlreadyStarted {
  readonly _tag: 'AlreadyStarted'
  readonly pid: Pid<unknown>
}

/**
 * Why a start did not give a running process.
 *
 * @category model
 * @since 0.1.0
 */
export type StartError = InitFailed | Ignore | AlreadyStarted

/**
 * Options shared by every `start`/`startLink`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Options {
  /** Register the new process under this name (freed when it exits), or under a `{ via, key }` name. */
  readonly name?: string | Via
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `InitFailed` with `reason`.
 *
 * @example
 * import { Exit, Start } from 'fp-ts-actors'
 * Start.initFailed(Exit.custom('bad')) // { _tag: 'InitFailed', reason: { _tag: 'Custom', reason: 'bad' } }
 *
 * @category constructors
 * @since 0.1.0
 */
export const initFailed = (reason: Reason): StartError => ({ _tag: 'InitFailed', reason })

/**
 * The `Ignore` start error.
 *
 * @example
 * import { Start } from 'fp-ts-actors'
 * Start.ignore // { _tag: 'Ignore' }
 *
 * @category constructors
 * @since 0.1.0
 */
export const ignore: StartError = { _tag: 'Ignore' }

/**
 * `AlreadyStarted` naming the process that holds the name.
 *
 * @example
 * import { Start } from 'fp-ts-actors'
 * declare const holder: import('fp-ts-actors').Pid.Pid
 * Start.alreadyStarted(holder)._tag // 'AlreadyStarted'
 *
 * @category constructors
 * @since 0.1.0
 */
export const alreadyStarted = (pid: Pid<unknown>): StartError => ({ _tag: 'AlreadyStarted', pid })

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * `true` for a start error (any of the three).
 *
 * @example
 * import { Start } from 'fp-ts-actors'
 * Start.isError(Start.ignore) // true
 * Start.isError('boom') // false
 *
 * @category guards
 * @since 0.1.0
 */
export const isError = (u: unknown): u is StartError => {
  if (typeof u !== 'object' || u === null) return false
  const tag = (u as { _tag?: unknown })._tag
  return (tag === 'InitFailed' && 'reason' in u) || tag === 'Ignore' || (tag === 'AlreadyStarted' && 'pid' in u)
}
