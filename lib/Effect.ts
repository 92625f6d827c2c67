/**
 * The `Effect` data type: a program that may fail with a typed error `E` or
 * succeed with an `A`.
 *
 * ```ts
 * interface Effect<E, A> // a pure description: nothing runs until an interpreter runs it
 * ```
 *
 * An `Effect` is a plain tree of instructions. Building one allocates
 * instructions and runs nothing; `Runtime.run`, `TestRuntime` and `TestKit`
 * interpret the same tree. A value thrown inside `sync`, `map` or a handler is
 * a *defect*: it is not an `E`, `catchAll` does not see it, and it ends the
 * process with a `Defect` reason carrying the thrown value.
 *
 * Combinators are dual: `map(self, f)` and `pipe(self, map(f))` both work.
 * Instances (`Functor`, `Monad`, `MonadThrow`, ...) plug into fp-ts generic
 * code (`sequenceT`, `sequenceS`, `traverse`).
 *
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { Effect, run } from 'fp-ts-actors'
 *
 * const program = pipe(
 *   Effect.succeed(20),
 *   Effect.map((n) => n + 1),
 *   Effect.flatMap((n) => (n > 0 ? Effect.succeed(n * 2) : Effect.fail('negative' as const)))
 * )
 * await run(program) // { _tag: 'Normal', value: 42 }
 *
 * @since 0.1.0
 */
import type { Either } from 'fp-ts/lib/Either.js'
import * as E from 'fp-ts/lib/Either.js'
import type { IO } from 'fp-ts/lib/IO.js'
import type { Option } from 'fp-ts/lib/Option.js'
import * as O from 'fp-ts/lib/Option.js'
import type { Task } from 'fp-ts/lib/Task.js'
import type { TaskEither } from 'fp-ts/lib/TaskEither.js'
import type { Functor2 } from 'fp-ts/lib/Functor.js'
import type { Apply2 } from 'fp-ts/lib/Apply.js'
import type { Applicative2 } from 'fp-ts/lib/Applicative.js'
import type { Chain2 } from 'fp-ts/lib/Chain.js'
import type { Monad2 } from 'fp-ts/lib/Monad.js'
import type { MonadThrow2 } from 'fp-ts/lib/MonadThrow.js'
import type { Bifunctor2 } from 'fp-ts/lib/Bifunctor.js'
import type { FromIO2 } from 'fp-ts/lib/FromIO.js'
import type { FromTask2 } from 'fp-ts/lib/FromTask.js'
import type { FromEither2 } from 'fp-ts/lib/FromEither.js'
import type { MonadIO2 } from 'fp-ts/lib/MonadIO.js'
import type { MonadTask2 } from 'fp-ts/lib/MonadTask.js'
import { bind as bind_ } from 'fp-ts/lib/Chain.js'
import { bindTo as bindTo_, let as let__ } from 'fp-ts/lib/Functor.js'
import { apS as apS_ } from 'fp-ts/lib/Apply.js'
import { checkMs, describe } from './internal/check.js'
import { dual } from './internal/dual.js'
import * as op from './internal/op.js'
import { Op } from './internal/op.js'
import { AfterClause, NO_CLAUSES } from './internal/clause.js'
import type { Reason } from './Exit.js'

declare const EffectTypeId: unique symbol

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A program that may fail with a typed error `E` or succeed with `A`.
 * Iterable, so `yield*` inside `Effect.gen` runs it and returns its `A`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Effect<out E, out A> {
  readonly [EffectTypeId]: { readonly _E: () => E; readonly _A: () => A }
  [Symbol.iterator](): Generator<Effect<E, A>, A, unknown>
}

/**
 * The error type of an Effect type.
 *
 * @category model
 * @since 0.1.0
 */
export type ErrorOf<T> = T extends Effect<infer E, unknown> ? E : never

/**
 * The success type of an Effect type.
 *
 * @category model
 * @since 0.1.0
 */
export type ValueOf<T> = T extends Effect<unknown, infer A> ? A : never

/** @internal */
export const toOp = <E, A>(self: Effect<E, A>): Op => self as unknown as Op
/** @internal */
export const fromOp = <E, A>(o: Op): Effect<E, A> => o as unknown as Effect<E, A>

/**
 * `true` for Effect values.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.isEffect(Effect.unit) // true
 *
 * @category guards
 * @since 0.1.0
 */
export const isEffect = (u: unknown): u is Effect<unknown, unknown> => u instanceof Op

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A program that succeeds with `a`.
 *
 * @example
 * import { Effect, run } from 'fp-ts-actors'
 * await run(Effect.succeed(1)) // { _tag: 'Normal', value: 1 }
 *
 * @category constructors
 * @since 0.1.0
 */
export const succeed = <A>(a: A): Effect<never, A> => fromOp(new Op(op.SUCCEED, a))

/**
 * Alias of `succeed` (fp-ts `Pointed`).
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const one = Effect.of(1)
 *
 * @category constructors
 * @since 0.1.0
 */
export const of: <A>(a: A) => Effect<never, A> = succeed

/**
 * A program that fails with the typed error `e`. Uncaught, the process ends
 * with `Failure(e)` (or, for an `Exit.Exiting`, with its reason).
 *
 * @example
 * import { Effect, run } from 'fp-ts-actors'
 * await run(Effect.fail('nope')) // { _tag: 'Failure', error: 'nope' }
 *
 * @category constructors
 * @since 0.1.0
 */
export const fail = <E>(e: E): Effect<E, never> => fromOp(new Op(op.FAIL, e))

/**
 * A program that dies with a defect (as if `thrown` were thrown): not
 * catchable by `catchAll`; the process ends with `Defect(thrown)`.
 *
 * @example
 * import { Effect, run } from 'fp-ts-actors'
 * await run(Effect.die(new Error('bug'))) // { _tag: 'Defect', defect: Error('bug') }
 *
 * @category constructors
 * @since 0.1.0
 */
export const die = (thrown: unknown): Effect<never, never> => fromOp(new Op(op.DIE, thrown))

/**
 * Runs a side effect when interpreted. A throw inside `f` is a defect.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const now = Effect.sync(() => Date.now())
 *
 * @category constructors
 * @since 0.1.0
 */
export const sync = <A>(f: () => A): Effect<never, A> => fromOp(new Op(op.SYNC, f))

/**
 * Builds the program lazily, each time it runs (recursion without building
 * the whole tree up front).
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const countdown = (n: number): Effect.Effect<never, number> =>
 *   n === 0 ? Effect.succeed(0) : Effect.suspend(() => countdown(n - 1))
 *
 * @category constructors
 * @since 0.1.0
 */
export const suspend = <E, A>(f: () => Effect<E, A>): Effect<E, A> => fromOp(new Op(op.SUSPEND, f))

/**
 * Lifts an fp-ts `IO`.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const random = Effect.fromIO(() => Math.random())
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromIO = <A>(io: IO<A>): Effect<never, A> => sync(io)

/** A clear error naming `where` unless `u` has one of the two tags. */
const checkTagged = (u: unknown, a: string, b: string, where: string, what: string): void => {
  const tag = typeof u === 'object' && u !== null ? (u as { _tag?: unknown })._tag : undefined
  if (tag !== a && tag !== b) throw new TypeError(`${where}: expected ${what}, got ${describe(u)}`)
}

/**
 * Lifts an `Either`: `left` is the typed failure.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js'
 * import { Effect } from 'fp-ts-actors'
 * const parsed = Effect.fromEither(E.right(1))
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromEither = <E, A>(e: Either<E, A>): Effect<E, A> => {
  checkTagged(e, 'Left', 'Right', 'Effect.fromEither', 'an Either')
  return E.isLeft(e) ? fail(e.left) : succeed(e.right)
}

/**
 * Lifts an `Option`, failing with `onNone()` when it is `none`.
 *
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { Effect } from 'fp-ts-actors'
 * const found = Effect.fromOption(() => 'missing' as const)(O.some(1))
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromOption =
  <E>(onNone: () => E) =>
  <A>(o: Option<A>): Effect<E, A> => {
    checkTagged(o, 'None', 'Some', 'Effect.fromOption', 'an Option')
    return O.isNone(o) ? fail(onNone()) : succeed(o.value)
  }

/**
 * A callback-based asynchronous program. `register` gets `resume` (call it
 * once with the Effect to continue with) and an `AbortSignal` that is aborted
 * when the process is interrupted while waiting; it may return a cleanup
 * function, run on interruption. Resuming synchronously, inside `register`,
 * continues without a trip through the scheduler.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const delay = (ms: number) =>
 *   Effect.async<never, void>((resume, signal) => {
 *     const h = setTimeout(() => resume(Effect.unit), ms)
 *     signal.addEventListener('abort', () => clearTimeout(h))
 *   })
 *
 * @category constructors
 * @since 0.1.0
 */
export const async = <E = never, A = void>(
  register: (resume: (effect: Effect<E, A>) => void, signal: AbortSignal) => void | (() => void)
): Effect<E, A> => fromOp(new Op(op.ASYNC, register))

/**
 * Lifts an fp-ts `Task`. A rejected promise is a defect.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const answer = Effect.fromTask(() => Promise.resolve(42))
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromTask = <A>(task: Task<A>): Effect<never, A> =>
  async<never, A>((resume) => {
    task().then(
      (a) => resume(succeed(a)),
      (e: unknown) => resume(die(e))
    )
  })

/**
 * Lifts an fp-ts `TaskEither`: `left` is the typed failure.
 *
 * @example
 * import * as TE from 'fp-ts/lib/TaskEither.js'
 * import { Effect } from 'fp-ts-actors'
 * const fetched = Effect.fromTaskEither(TE.right(1))
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromTaskEither = <E, A>(task: TaskEither<E, A>): Effect<E, A> =>
  async<E, A>((resume) => {
    task().then(
      (e) => resume(fromEither(e)),
      (thrown: unknown) => resume(die(thrown))
    )
  })

/**
 * Waits `ms` milliseconds on the interpreter's clock (virtual under the test
 * interpreters). Messages that arrive meanwhile stay in the mailbox.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const later = Effect.as(Effect.sleep(100), 'done')
 *
 * @category constructors
 * @since 0.1.0
 */
export const sleep = (ms: number): Effect<never, void> => {
  checkMs('Effect.sleep', ms)
  return fromOp(new Op(op.RECEIVE, NO_CLAUSES, new AfterClause(ms, unitThunk)))
}

/**
 * A program that never ends (until it is interrupted).
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const forever: Effect.Effect<never, never> = Effect.never
 *
 * @category constructors
 * @since 0.1.0
 */
export const never: Effect<never, never> = async<never, never>((_resume) => {}) // one parameter: no AbortSignal is made

/**
 * Succeeds with `undefined`.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const nothing = Effect.unit
 *
 * @category constructors
 * @since 0.1.0
 */
export const unit: Effect<never, void> = fromOp(op.UNIT)

const unitThunk = (): Op => op.UNIT

/**
 * Gives the rest of this slice to other ready processes.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const polite = Effect.flatMap(Effect.yieldNow, () => Effect.unit)
 *
 * @category constructors
 * @since 0.1.0
 */
export const yieldNow: Effect<never, void> = fromOp(new Op(op.YIELD, undefined))

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Transforms the success value.
 *
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { Effect } from 'fp-ts-actors'
 * const two = pipe(Effect.succeed(1), Effect.map((n) => n + 1))
 *
 * @category combinators
 * @since 0.1.0
 */
export const map: {
  <A, B>(f: (a: A) => B): <E>(self: Effect<E, A>) => Effect<E, B>
  <E, A, B>(self: Effect<E, A>, f: (a: A) => B): Effect<E, B>
} = dual(2, <E, A, B>(self: Effect<E, A>, f: (a: A) => B): Effect<E, B> => fromOp(new Op(op.MAP, self, f)))

/**
 * Replaces the success value.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const done = Effect.as(Effect.sleep(10), 'done')
 *
 * @category combinators
 * @since 0.1.0
 */
export const as: {
  <B>(b: B): <E, A>(self: Effect<E, A>) => Effect<E, B>
  <E, A, B>(self: Effect<E, A>, b: B): Effect<E, B>
} = dual(2, <E, A, B>(self: Effect<E, A>, b: B): Effect<E, B> => map(self, () => b))

/**
 * Discards the success value.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const v: Effect.Effect<never, void> = Effect.asUnit(Effect.succeed(1))
 *
 * @category combinators
 * @since 0.1.0
 */
export const asUnit = <E, A>(self: Effect<E, A>): Effect<E, void> => as(self, undefined)

/**
 * Sequences: runs `self`, then the program `f` builds from its value. Error
 * types widen.
 *
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { Effect } from 'fp-ts-actors'
 * const p = pipe(Effect.succeed(2), Effect.flatMap((n) => Effect.succeed(n * 21)))
 *
 * @category combinators
 * @since 0.1.0
 */
export const flatMap: {
  <A, E2, B>(f: (a: A) => Effect<E2, B>): <E1>(self: Effect<E1, A>) => Effect<E1 | E2, B>
  <E1, A, E2, B>(self: Effect<E1, A>, f: (a: A) => Effect<E2, B>): Effect<E1 | E2, B>
} = dual(2, <E1, A, E2, B>(self: Effect<E1, A>, f: (a: A) => Effect<E2, B>): Effect<E1 | E2, B> =>
  fromOp(new Op(op.FLATMAP, self, f))
)

/**
 * Alias of `flatMap`.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.chain(Effect.succeed(1), (n) => Effect.succeed(n + 1))
 *
 * @category combinators
 * @since 0.1.0
 */
export const chain: typeof flatMap = flatMap

/**
 * Runs `self` again and again, until it fails or the process is stopped: the
 * shape of a server's receive loop. Stack-safe, and the loop is one
 * description, built once.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Process } from 'fp-ts-actors'
 * const echo = Effect.forever(
 *   Process.receive(Process.on(t.type({ text: t.string, from: Process.pid }), (m) => Process.send(m.from, m.text)))
 * ) // Effect<NoProcess, never>
 *
 * @category combinators
 * @since 0.1.0
 */
export const forever = <E, A>(self: Effect<E, A>): Effect<E, never> => {
  const loop: Effect<E, never> = flatMap(self, () => loop)
  return loop
}

/**
 * Flattens a nested program.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.flatten(Effect.succeed(Effect.succeed(1)))
 *
 * @category combinators
 * @since 0.1.0
 */
export const flatten = <E1, E2, A>(self: Effect<E1, Effect<E2, A>>): Effect<E1 | E2, A> => flatMap(self, idEffect)

const idEffect = <E, A>(x: Effect<E, A>): Effect<E, A> => x

/**
 * Runs `f` for its effect and keeps the original value.
 *
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { Effect } from 'fp-ts-actors'
 * const p = pipe(Effect.succeed(1), Effect.tap((n) => Effect.sync(() => console.log(n))))
 *
 * @category combinators
 * @since 0.1.0
 */
export const tap: {
  <A, E2, X>(f: (a: A) => Effect<E2, X>): <E1>(self: Effect<E1, A>) => Effect<E1 | E2, A>
  <E1, A, E2, X>(self: Effect<E1, A>, f: (a: A) => Effect<E2, X>): Effect<E1 | E2, A>
} = dual(2, <E1, A, E2, X>(self: Effect<E1, A>, f: (a: A) => Effect<E2, X>): Effect<E1 | E2, A> =>
  flatMap(self, (a) => as(f(a), a))
)

/**
 * Transforms the typed failure.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.mapError(Effect.fail(404), (code) => `HTTP ${code}`)
 *
 * @category combinators
 * @since 0.1.0
 */
export const mapError: {
  <E, E2>(f: (e: E) => E2): <A>(self: Effect<E, A>) => Effect<E2, A>
  <E, A, E2>(self: Effect<E, A>, f: (e: E) => E2): Effect<E2, A>
} = dual(2, <E, A, E2>(self: Effect<E, A>, f: (e: E) => E2): Effect<E2, A> =>
  fromOp(new Op(op.FOLD, self, (e: E) => new Op(op.FAIL, f(e)), undefined))
)

/**
 * Transforms both channels (fp-ts `Bifunctor.bimap`).
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.mapBoth(Effect.succeed(1), (e: string) => e.length, (n) => n + 1)
 *
 * @category combinators
 * @since 0.1.0
 */
export const mapBoth: {
  <E, E2, A, B>(f: (e: E) => E2, g: (a: A) => B): (self: Effect<E, A>) => Effect<E2, B>
  <E, A, E2, B>(self: Effect<E, A>, f: (e: E) => E2, g: (a: A) => B): Effect<E2, B>
} = dual(3, <E, A, E2, B>(self: Effect<E, A>, f: (e: E) => E2, g: (a: A) => B): Effect<E2, B> =>
  map(mapError(self, f), g)
)

/**
 * Recovers from a typed failure. Defects and exit signals are not caught
 * (an incoming exit signal can never be caught, as in Elixir).
 *
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { Effect } from 'fp-ts-actors'
 * const p = pipe(Effect.fail('boom'), Effect.catchAll((e) => Effect.succeed(`recovered from ${e}`)))
 *
 * @category error handling
 * @since 0.1.0
 */
export const catchAll: {
  <E, E2, B>(f: (e: E) => Effect<E2, B>): <A>(self: Effect<E, A>) => Effect<E2, A | B>
  <E, A, E2, B>(self: Effect<E, A>, f: (e: E) => Effect<E2, B>): Effect<E2, A | B>
} = dual(2, <E, A, E2, B>(self: Effect<E, A>, f: (e: E) => Effect<E2, B>): Effect<E2, A | B> =>
  fromOp(new Op(op.FOLD, self, f, undefined))
)

/**
 * Alias of `catchAll`.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.orElse(Effect.fail('x'), () => Effect.succeed(0))
 *
 * @category error handling
 * @since 0.1.0
 */
export const orElse: typeof catchAll = catchAll

/**
 * Folds both outcomes into a success.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.match(Effect.fail('x'), () => 'failed', () => 'ok')
 *
 * @category error handling
 * @since 0.1.0
 */
export const match: {
  <E, A, B, C>(onFailure: (e: E) => B, onSuccess: (a: A) => C): (self: Effect<E, A>) => Effect<never, B | C>
  <E, A, B, C>(self: Effect<E, A>, onFailure: (e: E) => B, onSuccess: (a: A) => C): Effect<never, B | C>
} = dual(3, <E, A, B, C>(self: Effect<E, A>, onFailure: (e: E) => B, onSuccess: (a: A) => C): Effect<never, B | C> =>
  fromOp(
    new Op(
      op.FOLD,
      self,
      (e: E) => new Op(op.SUCCEED, onFailure(e)),
      (a: A) => new Op(op.SUCCEED, onSuccess(a))
    )
  )
)

/**
 * Continues with one program or the other depending on the outcome.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.matchEffect(Effect.fail('x'), () => Effect.succeed(0), (n: number) => Effect.succeed(n))
 *
 * @category error handling
 * @since 0.1.0
 */
export const matchEffect: {
  <E, A, E2, B, E3, C>(
    onFailure: (e: E) => Effect<E2, B>,
    onSuccess: (a: A) => Effect<E3, C>
  ): (self: Effect<E, A>) => Effect<E2 | E3, B | C>
  <E, A, E2, B, E3, C>(
    self: Effect<E, A>,
    onFailure: (e: E) => Effect<E2, B>,
    onSuccess: (a: A) => Effect<E3, C>
  ): Effect<E2 | E3, B | C>
} = dual(
  3,
  <E, A, E2, B, E3, C>(
    self: Effect<E, A>,
    onFailure: (e: E) => Effect<E2, B>,
    onSuccess: (a: A) => Effect<E3, C>
  ): Effect<E2 | E3, B | C> => fromOp(new Op(op.FOLD, self, onFailure, onSuccess))
)

/**
 * Materialises the typed failure as an `Either`: Elixir's `try ... catch`
 * around code that may `exit/1` or raise.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.either(Effect.fail('x')) // succeeds with left('x')
 *
 * @category error handling
 * @since 0.1.0
 */
export const either = <E, A>(self: Effect<E, A>): Effect<never, Either<E, A>> => match(self, E.left, E.right)

/**
 * Runs `finalizer` when `self` ends, whatever the outcome: success, typed
 * failure, defect or interruption. The finalizer runs uninterruptibly; if it
 * fails or throws, the failure is reported and the original outcome stands.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.ensuring(Effect.never, Effect.sync(() => console.log('cleaned up')))
 *
 * @category resource safety
 * @since 0.1.0
 */
export const ensuring: {
  <X>(finalizer: Effect<never, X>): <E, A>(self: Effect<E, A>) => Effect<E, A>
  <E, A, X>(self: Effect<E, A>, finalizer: Effect<never, X>): Effect<E, A>
} = dual(2, <E, A, X>(self: Effect<E, A>, finalizer: Effect<never, X>): Effect<E, A> => onExit(self, () => finalizer))

/**
 * Like `ensuring`, and the finalizer sees how `self` ended: `Normal` with the
 * value, `Failure`, `Defect`, or the exit reason that interrupted it.
 *
 * @example
 * import { Effect, Exit } from 'fp-ts-actors'
 * const p = Effect.onExit(Effect.sleep(10), (r) => Effect.sync(() => console.log(Exit.format(r))))
 *
 * @category resource safety
 * @since 0.1.0
 */
export const onExit: {
  <X>(f: (reason: Reason) => Effect<never, X>): <E, A>(self: Effect<E, A>) => Effect<E, A>
  <E, A, X>(self: Effect<E, A>, f: (reason: Reason) => Effect<never, X>): Effect<E, A>
} = dual(2, <E, A, X>(self: Effect<E, A>, f: (reason: Reason) => Effect<never, X>): Effect<E, A> =>
  fromOp(new Op(op.ENSURE, self, f))
)

/**
 * Runs `self` with interruption deferred: an exit signal that arrives meanwhile
 * takes effect when it ends.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const critical = Effect.uninterruptible(Effect.sleep(10))
 *
 * @category resource safety
 * @since 0.1.0
 */
export const uninterruptible = <E, A>(self: Effect<E, A>): Effect<E, A> => fromOp(new Op(op.UNINTERRUPTIBLE, self))

/**
 * Runs `f(restore)` uninterruptibly; `restore(e)` makes `e` interruptible again.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.uninterruptibleMask((restore) => Effect.flatMap(Effect.unit, () => restore(Effect.sleep(10))))
 *
 * @category resource safety
 * @since 0.1.0
 */
export const uninterruptibleMask = <E, A>(
  f: (restore: <E2, B>(e: Effect<E2, B>) => Effect<E2, B>) => Effect<E, A>
): Effect<E, A> => uninterruptible(suspend(() => f(interruptible)))

const interruptible = <E, A>(self: Effect<E, A>): Effect<E, A> => fromOp(new Op(op.UNINTERRUPTIBLE, self, true))

/**
 * Acquires a resource uninterruptibly, uses it, and releases it whatever the
 * outcome (the release sees the reason). Interruption can strike only inside
 * `use`.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.bracket(
 *   Effect.sync(() => ({ open: true })),
 *   (file) => Effect.succeed(file.open),
 *   (file) => Effect.sync(() => { file.open = false })
 * )
 *
 * @category resource safety
 * @since 0.1.0
 */
export const bracket = <E1, R, E2, A, X>(
  acquire: Effect<E1, R>,
  use: (r: R) => Effect<E2, A>,
  release: (r: R, reason: Reason) => Effect<never, X>
): Effect<E1 | E2, A> =>
  uninterruptibleMask((restore) =>
    flatMap(acquire, (r) => onExit(restore(suspend(() => use(r))), (reason) => release(r, reason)))
  )

/**
 * Gives `self` at most `ms` milliseconds: `some(a)` if it finished, `none` if
 * the time ran out (then `self` is interrupted and its finalizers run).
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.timeout(Effect.sleep(1000), 10) // succeeds with none
 *
 * @category combinators
 * @since 0.1.0
 */
export const timeout: {
  (ms: number): <E, A>(self: Effect<E, A>) => Effect<E, Option<A>>
  <E, A>(self: Effect<E, A>, ms: number): Effect<E, Option<A>>
} = dual(2, <E, A>(self: Effect<E, A>, ms: number): Effect<E, Option<A>> => {
  checkMs('Effect.timeout', ms)
  return fromOp(new Op(op.TIMEOUT, self, ms))
})

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * The fp-ts URI of `Effect` (prefixed with the package name: the registry is global).
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.URI // 'fp-ts-actors/Effect'
 *
 * @category type lambdas
 * @since 0.1.0
 */
export const URI = 'fp-ts-actors/Effect'

/**
 * @category type lambdas
 * @since 0.1.0
 */
export type URI = typeof URI

declare module 'fp-ts/HKT.js' {
  interface URItoKind2<E, A> {
    readonly 'fp-ts-actors/Effect': Effect<E, A>
  }
}

/**
 * Sequential application (the function first, then the argument).
 *
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { Effect } from 'fp-ts-actors'
 * const p = pipe(Effect.succeed((n: number) => n + 1), Effect.ap(Effect.succeed(1)))
 *
 * @category combinators
 * @since 0.1.0
 */
export const ap =
  <E2, A>(fa: Effect<E2, A>) =>
  <E1, B>(fab: Effect<E1, (a: A) => B>): Effect<E1 | E2, B> =>
    flatMap(fab, (f) => map(fa, f))

const _map: Functor2<URI>['map'] = (fa, f) => map(fa, f)
const _ap: Apply2<URI>['ap'] = (fab, fa) => ap(fa)(fab)
const _chain: Chain2<URI>['chain'] = (fa, f) => flatMap(fa, f)

/**
 * The `Functor` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.Functor.map(Effect.succeed(1), (n) => n + 1)
 *
 * @category instances
 * @since 0.1.0
 */
export const Functor: Functor2<URI> = { URI, map: _map }
/**
 * The `Apply` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * import { sequenceT } from 'fp-ts/lib/Apply.js'
 * sequenceT(Effect.Apply)(Effect.succeed(1), Effect.succeed('a')) // Effect<never, [number, string]>
 *
 * @category instances
 * @since 0.1.0
 */
export const Apply: Apply2<URI> = { URI, map: _map, ap: _ap }
/**
 * The `Applicative` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * import * as A from 'fp-ts/lib/ReadonlyArray.js'
 * A.traverse(Effect.Applicative)((n: number) => Effect.succeed(n * 2))([1, 2, 3])
 *
 * @category instances
 * @since 0.1.0
 */
export const Applicative: Applicative2<URI> = { URI, map: _map, ap: _ap, of }
/**
 * The `Chain` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.Chain.chain(Effect.succeed(1), (n) => Effect.succeed(n + 1))
 *
 * @category instances
 * @since 0.1.0
 */
export const Chain: Chain2<URI> = { URI, map: _map, ap: _ap, chain: _chain }
/**
 * The `Monad` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.Monad.chain(Effect.Monad.of(1), (n) => Effect.Monad.of(n + 1))
 *
 * @category instances
 * @since 0.1.0
 */
export const Monad: Monad2<URI> = { URI, map: _map, ap: _ap, of, chain: _chain }
/**
 * The `MonadThrow` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.MonadThrow.throwError('boom') // Effect<string, never>
 *
 * @category instances
 * @since 0.1.0
 */
export const MonadThrow: MonadThrow2<URI> = { URI, map: _map, ap: _ap, of, chain: _chain, throwError: fail }
/**
 * The `Bifunctor` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.Bifunctor.bimap(Effect.fail('x'), (e) => e.length, (a: number) => a + 1)
 *
 * @category instances
 * @since 0.1.0
 */
export const Bifunctor: Bifunctor2<URI> = {
  URI,
  bimap: (fea, f, g) => mapBoth(fea, f, g),
  mapLeft: (fea, f) => mapError(fea, f)
}
/**
 * The `FromIO` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.FromIO.fromIO(() => Date.now())
 *
 * @category instances
 * @since 0.1.0
 */
export const FromIO: FromIO2<URI> = { URI, fromIO }
/**
 * The `FromTask` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.FromTask.fromTask(() => Promise.resolve(1))
 *
 * @category instances
 * @since 0.1.0
 */
export const FromTask: FromTask2<URI> = { URI, fromIO, fromTask }
/**
 * The `FromEither` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * import * as E from 'fp-ts/lib/Either.js'
 * Effect.FromEither.fromEither(E.right(1))
 *
 * @category instances
 * @since 0.1.0
 */
export const FromEither: FromEither2<URI> = { URI, fromEither }
/**
 * The `MonadIO` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.MonadIO.fromIO(() => Math.random())
 *
 * @category instances
 * @since 0.1.0
 */
export const MonadIO: MonadIO2<URI> = { ...Monad, fromIO }
/**
 * The `MonadTask` instance.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * Effect.MonadTask.fromTask(() => Promise.resolve(1))
 *
 * @category instances
 * @since 0.1.0
 */
export const MonadTask: MonadTask2<URI> = { ...Monad, fromIO, fromTask }

// -------------------------------------------------------------------------------------
// do notation
// -------------------------------------------------------------------------------------

/**
 * Starts a do-notation pipeline.
 *
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { Effect } from 'fp-ts-actors'
 * const p = pipe(
 *   Effect.Do,
 *   Effect.bind('a', () => Effect.succeed(1)),
 *   Effect.let('b', ({ a }) => a + 1)
 * ) // Effect<never, { a: number; b: number }>
 *
 * @category do notation
 * @since 0.1.0
 */
export const Do: Effect<never, {}> = /*#__PURE__*/ of({})

/**
 * Names the success value.
 *
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { Effect } from 'fp-ts-actors'
 * const p = pipe(Effect.succeed(1), Effect.bindTo('n'))
 *
 * @category do notation
 * @since 0.1.0
 */
export const bindTo: <N extends string>(name: N) => <E, A>(self: Effect<E, A>) => Effect<E, { readonly [K in N]: A }> =
  /*#__PURE__*/ bindTo_(Functor)

const let_: <N extends string, A, B>(
  name: Exclude<N, keyof A>,
  f: (a: A) => B
) => <E>(self: Effect<E, A>) => Effect<E, { readonly [K in keyof A | N]: K extends keyof A ? A[K] : B }> =
  /*#__PURE__*/ let__(Functor)

export {
  /**
   * Adds a computed field.
   *
   * @example
   * import { pipe } from 'fp-ts/lib/function.js'
   * import { Effect } from 'fp-ts-actors'
   * const p = pipe(Effect.Do, Effect.let('x', () => 1))
   *
   * @category do notation
   * @since 0.1.0
   */
  let_ as let
}

/**
 * Adds a field from a program that depends on the fields so far. Error types widen.
 *
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { Effect } from 'fp-ts-actors'
 * const p = pipe(Effect.Do, Effect.bind('x', () => Effect.succeed(1)))
 *
 * @category do notation
 * @since 0.1.0
 */
export const bind: <N extends string, A, E2, B>(
  name: Exclude<N, keyof A>,
  f: (a: A) => Effect<E2, B>
) => <E1>(self: Effect<E1, A>) => Effect<E1 | E2, { readonly [K in keyof A | N]: K extends keyof A ? A[K] : B }> =
  /*#__PURE__*/ bind_(Chain) as never

/**
 * Adds a field from an independent program. Error types widen.
 *
 * @example
 * import { pipe } from 'fp-ts/lib/function.js'
 * import { Effect } from 'fp-ts-actors'
 * const p = pipe(Effect.Do, Effect.apS('x', Effect.succeed(1)))
 *
 * @category do notation
 * @since 0.1.0
 */
export const apS: <N extends string, A, E2, B>(
  name: Exclude<N, keyof A>,
  fb: Effect<E2, B>
) => <E1>(self: Effect<E1, A>) => Effect<E1 | E2, { readonly [K in keyof A | N]: K extends keyof A ? A[K] : B }> =
  /*#__PURE__*/ apS_(Apply) as never

// -------------------------------------------------------------------------------------
// traversals
// -------------------------------------------------------------------------------------

/**
 * Runs `f` on each element in order, collecting the results; stops at the
 * first failure. Stack-safe for any length.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.traverseArray((n: number) => Effect.succeed(n * 2))([1, 2, 3])
 *
 * @category traversals
 * @since 0.1.0
 */
export const traverseArray =
  <A, E, B>(f: (a: A) => Effect<E, B>) =>
  (as: ReadonlyArray<A>): Effect<E, ReadonlyArray<B>> =>
    suspend(() => {
      const out: Array<B> = []
      const go = (i: number): Effect<E, ReadonlyArray<B>> =>
        i === as.length
          ? succeed(out)
          : flatMap(f(as[i] as A), (b) => {
              out.push(b)
              return go(i + 1)
            })
      return go(0)
    })

/**
 * Runs each program in order, collecting the results.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.sequenceArray([Effect.succeed(1), Effect.succeed(2)])
 *
 * @category traversals
 * @since 0.1.0
 */
export const sequenceArray = <E, A>(as: ReadonlyArray<Effect<E, A>>): Effect<E, ReadonlyArray<A>> =>
  traverseArray((x: Effect<E, A>) => x)(as)

/**
 * Runs a tuple of programs in order; the result keeps each position's type.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.all([Effect.succeed(1), Effect.succeed('a')] as const) // Effect<never, [number, string]>
 *
 * @category traversals
 * @since 0.1.0
 */
export const all = <const T extends ReadonlyArray<Effect<unknown, unknown>>>(
  effects: T
): Effect<ErrorOf<T[number]>, { -readonly [K in keyof T]: ValueOf<T[K]> }> => sequenceArray(effects) as never

// -------------------------------------------------------------------------------------
// generators
// -------------------------------------------------------------------------------------

/**
 * Generator syntax: `yield*` an Effect to run it and get its value. Each run
 * makes a fresh generator, so the program stays a reusable description.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const p = Effect.gen(function* () {
 *   const a = yield* Effect.succeed(1)
 *   const b = yield* Effect.succeed(2)
 *   return a + b
 * })
 *
 * @category generators
 * @since 0.1.0
 */
export const gen = <Eff extends Effect<unknown, unknown>, A>(
  body: () => Generator<Eff, A, unknown>
): Effect<ErrorOf<Eff>, A> => fromOp(new Op(op.GEN, body))

/**
 * A function whose body is a generator, as `Effect.gen`'s: `fn(function* (x)
 * { ... })` is `(x) => gen(function* () { ... })` with the generator function
 * written once. Use it for a helper called per message, per request or per
 * process: V8 builds a prototype and a hidden class the first time each new
 * generator function runs (about 1 µs, and garbage that the young generation
 * copies out), so a generator function written inside the helper pays that
 * on every call; the one given to `fn` pays it once.
 *
 * @example
 * import { Effect } from 'fp-ts-actors'
 * const double = Effect.fn(function* (n: number) {
 *   const m = yield* Effect.succeed(n)
 *   return m * 2
 * })
 * const four = double(2) // Effect<never, number>, succeeds with 4
 *
 * @category generators
 * @since 0.3.0
 */
export const fn = <Args extends ReadonlyArray<unknown>, Eff extends Effect<unknown, unknown>, A>(
  body: (...args: Args) => Generator<Eff, A, unknown>
): ((...args: Args) => Effect<ErrorOf<Eff>, A>) => {
  if (typeof body !== 'function') throw new TypeError(`Effect.fn: expected a generator function, got ${describe(body)}`)
  return (...args) => fromOp(new Op(op.GEN, () => body(...args)))
}
