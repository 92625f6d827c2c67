/**
 * A process's links, monitors, reply aliases and `sendAfter` timers: kept by
 * the kernel (their only writer), made on first use.
 *
 * @internal
 */
import type { PidImpl } from './pid.js'

/** Per-process link and monitor tables: the object and each table are made on first use. @internal */
export class Relations<F> {
  /** Linked processes (a set: links are idempotent). */
  links: Set<F> | undefined = undefined
  /** Monitors this process holds: ref -> [target fiber or undefined, what was monitored]. */
  monitors: Map<object, readonly [F | undefined, PidImpl | string]> | undefined = undefined
  /** Monitors on this process: ref -> [watcher, what the watcher monitored (pid or name)]. */
  watchers: Map<object, readonly [F, PidImpl | string]> | undefined = undefined
  /** Active reply aliases of this process (ref -> one-shot); made on first use. */
  aliases: Map<object, boolean> | undefined = undefined
  /** `sendAfter` timers aimed at this process, cancelled when it exits (as Erlang's); made on first use. */
  timers: Set<object> | undefined = undefined
}
