/**
 * Elixir's exit-signal rules (docs/exit-signals.md), in one place: what a signal
 * does to the process that receives it. The kernel and TestKit both apply them.
 *
 * @internal
 */
import type * as Ex from '../Exit.js'
import type { Cause, Reason } from '../Exit.js'
import { toPid } from '../Pid.js'
import type { Fiber } from './fiber.js'
import type { PidImpl } from './pid.js'

/** The `{ EXIT, from, reason }` message a trapping process gets. */
export const exitMessage = (from: PidImpl, reason: Reason): Ex.ExitSignal => ({
  _tag: 'EXIT',
  from: toPid(from),
  reason
})

/** A process linked to `l`, `from`, died with `reason`. */
export const linkSignal = (l: Fiber, from: PidImpl, reason: Reason): void => {
  if (!l.alive) return
  if (l.trapExit) l.deliver(exitMessage(from, reason))
  else if (reason._tag !== 'Normal') l.interrupt(reason, { _tag: 'Link', from: toPid(from) })
}

/**
 * `Process.exit(t, reason)` sent by `sender`; `own` when `t` sent it to
 * itself (a `normal` it sends itself ends it, one from others is ignored).
 */
export const exitSignal = (t: Fiber, sender: PidImpl, reason: Reason, own: boolean): void => {
  const cause: Cause = { _tag: 'Signal', from: toPid(sender) }
  // `kill` is absolute: it reaches a process that is already exiting too
  if (reason._tag === 'Kill') t.kill(cause)
  else if (!t.alive) return
  else if (t.trapExit) t.deliver(exitMessage(sender, reason))
  else if (reason._tag !== 'Normal' || own) t.interrupt(reason, cause)
}
