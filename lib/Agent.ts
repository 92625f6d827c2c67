/**
 * Agent: a process that holds a state, read and changed with functions that
 * run inside it. Built on `GenServer`, as Elixir's Agent is.
 *
 * ```ts
 * type Agent<S> = Pid & { _S?: () => S }   // a pid typed by its state (phantom)
 * type StateFn<S, A> = (state: S) => A | Effect<unknown, A>
 * ```
 *
 * A state function is a plain function of the state, or returns an `Effect`
 * when the agent has to wait or ask another process (told apart with
 * `Effect.isEffect`). It runs in the agent: a throw or a failure crashes the
 * agent, and what is linked to it. Synchronous requests (`get`, `update`,
 * `getAndUpdate`) wait at most `timeout` ms (default 5000) and fail with
 * `Exit.Exiting` carrying a `CallExit{ call: 'GenServer.call' }` (as Elixir's,
 * which go through `GenServer.call`) when the agent is gone, crashes, or does
 * not answer in time.
 *
 * @example
 * import { Effect, Agent } from 'fp-ts-actors'
 *
 * const program = Effect.gen(function* () {
 *   const counter = yield* Agent.startLink(() => 0)
 *   yield* Agent.update(counter, (n) => n + 1)
 *   yield* Agent.cast(counter, (n) => n * 10)
 *   return yield* Agent.get(counter, (n) => n) // 10
 * })
 *
 * @since 0.1.0
 */
import * as Effect from './Effect.js'
import * as Exit from './Exit.js'
import * as GenServer from './GenServer.js'
import type { Pid } from './Pid.js'
import type { Via } from './Via.js'
import type * as Start from './Start.js'
import { describe } from './internal/check.js'

declare const StateTypeId: unique symbol

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An agent: the pid of a process holding a state `S`. `S` is invariant: the
 * state functions given to `get`, `update` and `cast` must take and give
 * exactly an `S`.
 *
 * @category model
 * @since 0.1.0
 */
export type Agent<S> = Pid<unknown> & { readonly [StateTypeId]?: (state: S) => S }

/**
 * An agent, or the name it is registered under (then give `S` explicitly).
 *
 * @category model
 * @since 0.1.0
 */
export type Server<S> = Agent<S> | string | Via

/**
 * A function of the state, run inside the agent: a plain value, or an
 * `Effect` when it has to wait or ask another process.
 *
 * @category model
 * @since 0.1.0
 */
export type StateFn<S, A> = (state: S) => A | Effect.Effect<unknown, A>

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

type Request<S> =
  | { readonly _tag: 'Agent.Get'; readonly f: StateFn<S, unknown> }
  | { readonly _tag: 'Agent.Update'; readonly f: StateFn<S, S> }
  | { readonly _tag: 'Agent.GetAndUpdate'; readonly f: StateFn<S, readonly [unknown, S]> }

interface CastRequest<S> {
  readonly _tag: 'Agent.Cast'
  readonly f: StateFn<S, S>
}

/** Runs a state function's answer: an Effect as is, a plain value as a success. */
const lift = <A>(a: A | Effect.Effect<unknown, A>): Effect.Effect<unknown, A> =>
  Effect.isEffect(a) ? (a as Effect.Effect<unknown, A>) : Effect.succeed(a)

const isCast = (u: unknown): u is CastRequest<unknown> =>
  typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'Agent.Cast'

const behaviour = <S>(): GenServer.Behaviour<() => S | Effect.Effect<unknown, S>, S, Request<S>, unknown> => ({
  init: (fun) =>
    Effect.map(
      Effect.suspend(() => lift(fun())),
      GenServer.ok
    ),
  handleCall: (request, _from, state) => {
    switch (request._tag) {
      case 'Agent.Get':
        return Effect.map(
          Effect.suspend(() => lift(request.f(state))),
          (a) => GenServer.replyWith(a, state)
        )
      case 'Agent.Update':
        return Effect.map(
          Effect.suspend(() => lift(request.f(state))),
          (next) => GenServer.replyWith(undefined, next)
        )
      case 'Agent.GetAndUpdate':
        return Effect.map(
          Effect.suspend(() => lift(request.f(state))),
          ([a, next]) => GenServer.replyWith(a, next)
        )
    }
  },
  handleCast: (request, state) =>
    isCast(request)
      ? Effect.map(
          Effect.suspend(() => lift((request as CastRequest<S>).f(state))),
          GenServer.noReply
        )
      : Effect.succeed(GenServer.noReply(state))
})

const checkFn = (where: string, f: unknown): void => {
  if (typeof f !== 'function') throw new TypeError(`${where}: expected a function of the state, got ${describe(f)}`)
}

// -------------------------------------------------------------------------------------
// starting
// -------------------------------------------------------------------------------------

/**
 * Starts an agent, not linked to the caller; `init` runs in the agent and
 * gives the first state (a plain value or an Effect). Fails with
 * `InitFailed(reason)` when `init` fails or throws, or `AlreadyStarted` when
 * `options.name` is taken.
 *
 * @example
 * import { Agent } from 'fp-ts-actors'
 * const store = Agent.start(() => new Map<string, number>(), { name: 'store' })
 *
 * @category starting
 * @since 0.1.0
 */
export const start = <S>(
  init: () => S | Effect.Effect<unknown, S>,
  options?: Start.Options
): Effect.Effect<Start.StartError, Agent<S>> => {
  checkFn('Agent.start', init)
  return GenServer.start(behaviour<S>(), init, options) as Effect.Effect<Start.StartError, Agent<S>>
}

/**
 * Like `start`, and links the agent to the caller: a crash of the agent kills
 * a caller that does not trap exits, and the caller's exit stops the agent.
 *
 * @example
 * import { Agent } from 'fp-ts-actors'
 * const counter = Agent.startLink(() => 0)
 *
 * @category starting
 * @since 0.1.0
 */
export const startLink = <S>(
  init: () => S | Effect.Effect<unknown, S>,
  options?: Start.Options
): Effect.Effect<Start.StartError, Agent<S>> => {
  checkFn('Agent.startLink', init)
  return GenServer.startLink(behaviour<S>(), init, options) as Effect.Effect<Start.StartError, Agent<S>>
}

// -------------------------------------------------------------------------------------
// requests
// -------------------------------------------------------------------------------------

/**
 * Reads the agent: `f(state)`, computed in the agent, is returned.
 *
 * @example
 * import { Agent } from 'fp-ts-actors'
 * declare const counter: Agent.Agent<number>
 * const doubled = Agent.get(counter, (n) => n * 2) // Effect<Exit.Exiting, number>
 *
 * @category requests
 * @since 0.1.0
 */
export const get = <S, A>(
  agent: Server<S>,
  f: StateFn<S, A>,
  timeout: number = 5000
): Effect.Effect<Exit.Exiting, A> => {
  checkFn('Agent.get', f)
  return GenServer.call(agent, { _tag: 'Agent.Get', f } satisfies Request<S>, timeout) as Effect.Effect<Exit.Exiting, A>
}

/**
 * Replaces the state with `f(state)` and returns once it is done.
 *
 * @example
 * import { Agent } from 'fp-ts-actors'
 * declare const counter: Agent.Agent<number>
 * const inc = Agent.update(counter, (n) => n + 1)
 *
 * @category requests
 * @since 0.1.0
 */
export const update = <S>(
  agent: Server<S>,
  f: StateFn<S, S>,
  timeout: number = 5000
): Effect.Effect<Exit.Exiting, void> => {
  checkFn('Agent.update', f)
  return GenServer.call<void>(agent, { _tag: 'Agent.Update', f } satisfies Request<S>, timeout)
}

/**
 * Reads and replaces in one step: `f(state)` gives `[answer, next state]`.
 *
 * @example
 * import { Agent } from 'fp-ts-actors'
 * declare const counter: Agent.Agent<number>
 * const next = Agent.getAndUpdate(counter, (n) => [n, n + 1] as const) // the old value
 *
 * @category requests
 * @since 0.1.0
 */
export const getAndUpdate = <S, A>(
  agent: Server<S>,
  f: StateFn<S, readonly [A, S]>,
  timeout: number = 5000
): Effect.Effect<Exit.Exiting, A> => {
  checkFn('Agent.getAndUpdate', f)
  return GenServer.call(agent, { _tag: 'Agent.GetAndUpdate', f } satisfies Request<S>, timeout) as Effect.Effect<
    Exit.Exiting,
    A
  >
}

/**
 * Replaces the state with `f(state)` without waiting. Never fails, whatever
 * the target.
 *
 * @example
 * import { Agent } from 'fp-ts-actors'
 * declare const counter: Agent.Agent<number>
 * const reset = Agent.cast(counter, () => 0)
 *
 * @category requests
 * @since 0.1.0
 */
export const cast = <S>(agent: Server<S>, f: StateFn<S, S>): Effect.Effect<never, void> => {
  checkFn('Agent.cast', f)
  return GenServer.cast(agent, { _tag: 'Agent.Cast', f } satisfies CastRequest<S>)
}

/**
 * Stops the agent with `reason` (default `normal`) and waits until it has
 * exited (default timeout `Infinity`). With a reason other than `normal`, a
 * caller linked to the agent that does not trap exits dies with it, as in
 * Elixir. Fails like `GenServer.stop`.
 *
 * @example
 * import { Agent, Exit } from 'fp-ts-actors'
 * declare const counter: Agent.Agent<number>
 * const bye = Agent.stop(counter)
 * const shutdown = Agent.stop(counter, Exit.shutdown, 1000)
 *
 * @category requests
 * @since 0.1.0
 */
export const stop = <S>(
  agent: Server<S>,
  reason: Exit.Reason = Exit.normal,
  timeout: number = Infinity
): Effect.Effect<Exit.Exiting, void> => GenServer.stop(agent, reason, timeout)

// -------------------------------------------------------------------------------------
// child specs
// -------------------------------------------------------------------------------------

/**
 * The child spec that starts this agent under a supervisor (Elixir's
 * `Agent.child_spec/1`): id its name (or `'Agent'`).
 *
 * @example
 * import { Agent, Supervisor } from 'fp-ts-actors'
 * const tree = Supervisor.startLink([Agent.childSpec(() => 0, { name: 'count' })], { strategy: 'one_for_one' })
 *
 * @category starting
 * @since 0.2.0
 */
export const childSpec = <S>(
  init: () => S | Effect.Effect<unknown, S>,
  options?: Start.Options
): { readonly id: string; readonly start: Effect.Effect<Start.StartError, Agent<S>> } => ({
  id: typeof options?.name === 'string' ? options.name : 'Agent',
  start: startLink(init, options)
})
