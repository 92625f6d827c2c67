/**
 * Selective receive, with io-ts codecs as patterns.
 *
 * ```ts
 * receive(
 *   on(codecA, (a) => effect),   // clauses tried in order for each message
 *   on(codecB, (b) => effect),
 *   after(ms, () => effect)      // at most one
 * )
 * ```
 *
 * `receive` takes the *first message in the mailbox* that any clause's codec
 * decodes (for that message, clauses are tried in order), removes only it and
 * runs that handler. Messages no clause matches stay, in order, for later
 * receives. `after(0, ...)` fires at once unless a matching message is
 * already there; `after(n, ...)` counts from entering the receive and never
 * fires before `n` ms have passed on the interpreter's clock. While the
 * receive waits, each arriving message is decoded once: the scan position is
 * kept, so a long mailbox of unmatched messages is not decoded again.
 *
 * Codecs that do not transform (an io-ts `Type` whose `encode` is the
 * identity, like `t.type`, `t.union`, `t.literal`) are matched with `is`,
 * without allocating; others are decoded, and the handler gets the decoded value.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Process } from 'fp-ts-actors'
 *
 * const Inc = t.type({ _tag: t.literal('Inc'), by: t.number })
 * const Stop = t.type({ _tag: t.literal('Stop') })
 * const step = (n: number) =>
 *   Process.receive(
 *     Process.on(Inc, (m) => Effect.succeed(n + m.by)),
 *     Process.on(Stop, () => Effect.succeed(-1)),
 *     Process.after(1000, () => Effect.succeed(n))
 *   ) // Effect<never, number>
 *
 * @since 0.1.0
 */
import type { Decoder } from 'io-ts'
import * as t from 'io-ts'
import { fromOp, type Effect } from './Effect.js'
import { checkMs, describe } from './internal/check.js'
import { AfterClause, isOnClause, NO_CLAUSES, onClause, succeedWith, type OnClause } from './internal/clause.js'
import * as op from './internal/op.js'
import { Op } from './internal/op.js'

declare const ClauseTypeId: unique symbol

/**
 * One clause of a selective receive.
 *
 * @category model
 * @since 0.1.0
 */
export interface Clause<out E, out A> {
  readonly [ClauseTypeId]: { readonly _E: () => E; readonly _A: () => A }
}

/**
 * The error type of a clause type.
 *
 * @category model
 * @since 0.1.0
 */
export type ClauseError<C> = C extends Clause<infer E, unknown> ? E : never

/**
 * The value type of a clause type.
 *
 * @category model
 * @since 0.1.0
 */
export type ClauseValue<C> = C extends Clause<unknown, infer A> ? A : never

/**
 * `u` can decode: an io-ts `Type` (one `instanceof`, however many kinds of
 * codec a program uses), or any object with a `decode` method. Looking
 * `decode` up first is a lookup that sees every kind of codec in the
 * program: building a receive of one clause with eight kinds of codec in
 * turn took 36.6 ns that way, 33.4 ns with `instanceof` first (22.5 ns with
 * one codec).
 */
const isDecoder = (u: unknown): u is Decoder<unknown, unknown> =>
  u instanceof t.Type ||
  (typeof u === 'object' && u !== null && typeof (u as { decode?: unknown }).decode === 'function')

/**
 * A clause matching the messages `codec` decodes; the handler gets the decoded message.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Process } from 'fp-ts-actors'
 * const onNumber = Process.on(t.number, (n) => Effect.succeed(n * 2))
 *
 * @category constructors
 * @since 0.1.0
 */
export const on = <M, E, A>(codec: Decoder<unknown, M>, handler: (message: M) => Effect<E, A>): Clause<E, A> => {
  if (!isDecoder(codec))
    throw new TypeError(`Process.on: expected an io-ts codec (with decode), got ${describe(codec)}`)
  if (typeof handler !== 'function')
    throw new TypeError(`Process.on: the handler must be a function, got ${typeof handler}`)
  return onClause(codec, handler as unknown as (m: unknown) => Op) as unknown as Clause<E, A>
}

/**
 * The timeout clause: runs `handler` when no message matched within `ms`
 * (from entering the receive). `Infinity` waits forever (Elixir's `:infinity`).
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * const orTimeout = Process.after(5000, () => Effect.succeed('timeout' as const))
 *
 * @category constructors
 * @since 0.1.0
 */
export const after = <E, A>(ms: number, handler: () => Effect<E, A>): Clause<E, A> => {
  checkMs('Process.after', ms)
  if (typeof handler !== 'function')
    throw new TypeError(`Process.after: the handler must be a function, got ${typeof handler}`)
  return new AfterClause(ms, handler as unknown as () => Op) as unknown as Clause<E, A>
}

/**
 * `receive(codec)`'s instructions for the codecs used last (a few: two
 * processes receiving in turn with two codecs, a ping-pong, find theirs),
 * so a loop that receives with one codec builds its instruction once. An
 * `ON` instruction is its codec's (`i0`); a slot is replaced in turn. Not a
 * `WeakMap` by codec: one made per call (`receive(t.literal('ok'))` inside a
 * loop) would stay in it through every young-generation collection (V8's
 * scavenger keeps an entry's value, and the instruction holds its codec), so
 * each codec and its instruction would be copied out to the old generation:
 * measured, a generator-style ping-pong spent 40% of its time in those
 * collections.
 */
const shorthands: Array<Op | undefined> = [undefined, undefined, undefined, undefined]
let nextSlot = 0

/** The shared `receive(codec)` instruction of `codec`, made if none of the recent ones is its. */
const shorthand = (codec: Decoder<unknown, unknown>): Op => {
  for (let i = 0; i < shorthands.length; i++) {
    const instruction = shorthands[i]
    if (instruction !== undefined && instruction.i0 === codec) return instruction
  }
  const made = onClause(codec, succeedWith)
  shorthands[nextSlot] = made
  nextSlot = (nextSlot + 1) % shorthands.length
  return made
}

/**
 * Selective receive. With a codec alone, succeeds with the first message it
 * decodes; with clauses, runs the handler of the first message any clause
 * matches (or the `after` handler).
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Process } from 'fp-ts-actors'
 * const next = Process.receive(t.string) // Effect<never, string>
 * const either = Process.receive(
 *   Process.on(t.string, (s) => Effect.succeed(s.length)),
 *   Process.on(t.number, (n) => Effect.succeed(n))
 * ) // Effect<never, number>
 *
 * @category constructors
 * @since 0.1.0
 */
export function receive<M>(codec: Decoder<unknown, M>): Effect<never, M>
export function receive<const C extends ReadonlyArray<Clause<unknown, unknown>>>(
  ...clauses: C
): Effect<ClauseError<C[number]>, ClauseValue<C[number]>>
export function receive(...args: ReadonlyArray<unknown>): Effect<unknown, unknown> {
  if (args.length === 1) {
    const only = args[0]
    // one clause is the whole receive: the clause is its instruction
    if (isOnClause(only)) return fromOp(only)
    if (isDecoder(only)) {
      // `receive(codec)` is one immutable instruction, shared while its codec is among the recent ones
      return fromOp(shorthand(only))
    }
  }
  let afterClause: AfterClause | undefined
  let ons = args as Array<OnClause>
  for (let i = 0; i < args.length; i++) {
    const c = args[i]
    if (isOnClause(c)) continue
    if (!(c instanceof AfterClause)) {
      throw new TypeError(
        `Process.receive: argument ${i} is not a clause (use Process.on(codec, handler) or Process.after(ms, handler)), got ${describe(c)}`
      )
    }
    if (afterClause !== undefined) throw new TypeError('Process.receive: at most one `after` clause is allowed')
    afterClause = c
  }
  // the common case (no `after`) keeps the rest-arguments array itself as the clause list
  if (afterClause !== undefined) ons = args.filter(isOnClause)
  if (ons.length === 0 && afterClause === undefined) {
    throw new TypeError('Process.receive: needs a codec, or at least one clause')
  }
  // with an `after`, one clause is the list itself (no array); one alone returned above
  const clauses = ons.length === 1 ? (ons[0] as OnClause) : ons.length === 0 ? NO_CLAUSES : ons
  return fromOp(new Op(op.RECEIVE, clauses, afterClause))
}
