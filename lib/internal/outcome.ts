/**
 * How the instruction a fiber ends with (a value, or a failure unwound to the
 * bottom of its stack) becomes its exit reason and cause.
 *
 * @internal
 */
import * as Ex from '../Exit.js'
import type { Cause, Reason } from '../Exit.js'
import * as op from './op.js'
import type { Op } from './op.js'

export const RETURNED: Cause = { _tag: 'Returned' }
const FAILED: Cause = { _tag: 'Failed' }
const THREW: Cause = { _tag: 'Threw' }
const EXITED_SELF: Cause = { _tag: 'Exited' }

/** How an uncaught failure becomes an exit reason. */
export const reasonOf = (cause: Op): Reason => {
  switch (cause._op) {
    case op.FAIL:
      return Ex.reasonOf(cause.i0)
    case op.DIE:
      return Ex.defect(cause.i0)
    default:
      return cause.i0 as Reason
  }
}

/** Why it ended: a failure, a throw, `Process.exit` on itself, or the interruption (`interrupted`). */
export const causeOf = (cause: Op, interrupted: Cause): Cause => {
  switch (cause._op) {
    case op.FAIL:
      return Ex.isExiting(cause.i0) ? EXITED_SELF : FAILED
    case op.DIE:
      return THREW
    default:
      return interrupted
  }
}
