/**
 * What the OTP behaviours (GenServer, Task, the supervisors) share, written
 * with the public primitives only.
 *
 * @internal
 */
import * as Effect from '../Effect.js'
import * as Exit from '../Exit.js'
import * as Process from '../Process.js'

/** `send` that ignores `NoProcess` (a cast, a reply or an ack to a process that may be gone, as Erlang's `send` does). */
export const sendQuietly = (dest: Process.Dest, message: unknown): Effect.Effect<never, void> =>
  Effect.catchAll(Process.send(dest, message), () => Effect.unit)

/** Fails the caller as `exit({reason, {M, F, A}})` does in Erlang: `GenServer.call`, `Task.await` and the like. */
export const exitCall = (
  reason: Exit.Reason,
  call: string,
  args: ReadonlyArray<unknown>
): Effect.Effect<Exit.Exiting, never> => Effect.fail(Exit.exiting(Exit.callExit(reason, call, args)))
