/**
 * Compiled receive clauses.
 *
 * @internal
 */
import type { Decoder } from 'io-ts'
import * as t from 'io-ts'
import { ON, Op, SUCCEED } from './op.js'

/**
 * An `on(codec, handler)` clause: an `ON` instruction, `i0` the codec, `i1`
 * the handler, `i2` whether `codec.is` decides a match. Alone it is the
 * whole receive (that clause, no `after`), so the commonest receive is one
 * object, of the one shape every instruction has.
 *
 * @internal
 */
export type OnClause = Op

/** Receive clauses: one clause alone (the common case, no array), or several tried in order. @internal */
export type Clauses = OnClause | ReadonlyArray<OnClause>

/** The codec `fastFor` looked at last, and its answer (a loop builds its clause with the same codec each time). */
let lastCodec: Decoder<unknown, unknown> | undefined
let lastFast = false

/**
 * `true` when `codec.is` decides a match without decoding: an io-ts `Type`
 * whose encode is the identity (its decoded value is the input itself).
 */
const fastFor = (codec: Decoder<unknown, unknown>): boolean => {
  if (codec !== lastCodec) {
    lastFast = codec instanceof t.Type && codec.encode === t.identity
    lastCodec = codec
  }
  return lastFast
}

/**
 * The handler of `receive(codec)`'s clause: the message, decoded, is the
 * receive's value. A fiber that takes a message for it hands the value back
 * at once instead of running it (`./waits.ts`).
 *
 * @internal
 */
export const succeedWith = (m: unknown): Op => new Op(SUCCEED, m)

/** The clause `on(codec, handler)`. @internal */
export const onClause = (codec: Decoder<unknown, unknown>, handler: (m: unknown) => Op): OnClause =>
  new Op(ON, codec, handler, fastFor(codec))

/** The clauses of a receive instruction: an `ON` alone is its own, a `RECEIVE` has them in `i0`. @internal */
export const clausesOf = (r: Op): Clauses => (r._op === ON ? r : (r.i0 as Clauses))

/** The `after` clause of a receive instruction, if it has one (an `ON` alone never does). @internal */
export const afterOf = (r: Op): AfterClause | undefined =>
  r._op === ON ? undefined : (r.i1 as AfterClause | undefined)

/** `u` is an `on` clause. @internal */
export const isOnClause = (u: unknown): u is OnClause => u instanceof Op && u._op === ON

/** @internal */
export class AfterClause {
  constructor(
    readonly ms: number,
    readonly handler: () => Op
  ) {}
}

/** @internal */
export type Clause = OnClause | AfterClause

export const NO_CLAUSES: ReadonlyArray<OnClause> = []
