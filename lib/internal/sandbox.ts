/**
 * Runs user code inside a combinator's own process the way Erlang's `catch`
 * does: a typed failure or a throw (a defect) becomes the exit reason it
 * would have ended the process with, so a supervisor survives a child start
 * that throws. An interruption (an exit signal) is never caught.
 *
 * @internal
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { Effect } from '../Effect.js'
import { fromOp, map, toOp } from '../Effect.js'
import type { Reason } from '../Exit.js'
import * as op from './op.js'

const caught = (reason: Reason): op.Op => new op.Op(op.SUCCEED, E.left(reason))

/** `right(value)`, or `left(reason)` for a typed failure (`Exiting` gives its reason) or a throw (`Defect`). */
export const sandbox = <E, A>(self: Effect<E, A>): Effect<never, Either<Reason, A>> =>
  fromOp(new op.Op(op.CATCH, toOp(map(self, E.right)), caught))
