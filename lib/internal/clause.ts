/**
 * Compiled receive clauses.
 *
 * @internal
 */
import type { Decoder } from 'io-ts'
import * as t from 'io-ts'
import type { Op } from './op.js'

/** @internal */
export class OnClause {
  /**
   * `true` when `codec.is` decides a match without decoding: an io-ts `Type`
   * whose encode is the identity (its decoded value is the input itself).
   */
  readonly fast: boolean
  constructor(
    readonly codec: Decoder<unknown, unknown>,
    readonly handler: (m: unknown) => Op
  ) {
    this.fast = codec instanceof t.Type && codec.encode === t.identity
  }
}

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
