/**
 * What a runtime reports: its events, exits and dead letters. A leaf module,
 * so the kernel that emits them and the `Runtime` that exposes them both
 * import it. Not an entry point: `Runtime` re-exports these types.
 */
import type { Cause, Reason } from '../Exit.js'
import type { Dest, Pid, Ref } from '../Pid.js'

/**
 * A message that was not delivered: its target was dead (`noproc`), the
 * target's mailbox codec rejected it (`rejected`, with the io-ts report), or
 * it did not fit a bounded `Rx.subscribe` (`overflow`).
 *
 * @category model
 * @since 0.1.0
 */
export interface DeadLetter {
  readonly to: Dest
  readonly message: unknown
  readonly reason: 'noproc' | 'rejected' | 'overflow'
  /** PathReporter text when the mailbox codec rejected the message. */
  readonly report?: ReadonlyArray<string>
}

/**
 * A process ended.
 *
 * @category model
 * @since 0.1.0
 */
export interface ExitEvent {
  readonly pid: Pid<unknown>
  readonly reason: Reason
  /** What made it end: how its code finished, or who stopped it. */
  readonly cause: Cause
}

/**
 * What happens in a runtime, as `events$` emits it (and the test runtime's trace records it).
 *
 * @category model
 * @since 0.1.0
 */
export type Event =
  | { readonly _tag: 'Spawn'; readonly pid: Pid<unknown>; readonly parent?: Pid<unknown> }
  | { readonly _tag: 'Exit'; readonly pid: Pid<unknown>; readonly reason: Reason; readonly cause: Cause }
  | { readonly _tag: 'Link' | 'Unlink'; readonly from: Pid<unknown>; readonly to: Pid<unknown> }
  | { readonly _tag: 'Monitor'; readonly watcher: Pid<unknown>; readonly target: Dest; readonly ref: Ref }
  | { readonly _tag: 'Down'; readonly watcher: Pid<unknown>; readonly ref: Ref; readonly reason: Reason }
  | { readonly _tag: 'Send'; readonly from: Pid<unknown> | undefined; readonly to: Dest; readonly message: unknown }
  | { readonly _tag: 'Receive'; readonly pid: Pid<unknown>; readonly message: unknown }
  | { readonly _tag: 'DeadLetter'; readonly letter: DeadLetter }
  /** A finalizer or an async cleanup failed; the process went on unwinding. */
  | { readonly _tag: 'Error'; readonly pid: Pid<unknown>; readonly where: string; readonly error: unknown }
