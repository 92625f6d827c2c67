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
  /**
   * Monitors on this process: ref -> [watcher, what the watcher monitored (pid or name)]. The
   * oldest is kept inline (`watchRef`, `watch`) while it is the only one, so a process watched
   * once (`spawnMonitor`, a call) gets no table.
   */
  watchers: Map<object, readonly [F, PidImpl | string]> | undefined = undefined
  watchRef: object | undefined = undefined
  watch: readonly [F, PidImpl | string] | undefined = undefined
  /** Active reply aliases of this process (ref -> one-shot); made on first use. */
  aliases: Map<object, boolean> | undefined = undefined
  /** `sendAfter` timers aimed at this process, cancelled when it exits (as Erlang's); made on first use. */
  timers: Set<object> | undefined = undefined

  /** A new monitor on this process: inline while no other is held, else in the table (oldest first either way). */
  addWatcher(ref: object, entry: readonly [F, PidImpl | string]): void {
    if (this.watchRef === undefined && this.watchers === undefined) {
      this.watchRef = ref
      this.watch = entry
    } else (this.watchers ??= new Map()).set(ref, entry)
  }

  dropWatcher(ref: object): void {
    if (this.watchRef === ref) this.watchRef = this.watch = undefined
    else this.watchers?.delete(ref)
  }

  /** Every monitor on this process, oldest first. */
  eachWatcher(k: (ref: object, watcher: F, target: PidImpl | string) => void): void {
    const w = this.watch
    if (w !== undefined) k(this.watchRef as object, w[0], w[1])
    if (this.watchers !== undefined) for (const [ref, [watcher, target]] of this.watchers) k(ref, watcher, target)
  }
}
