/**
 * The errors of the RxJS bridge: what an Observable errors with, or what a notification carries.
 *
 * @since 0.1.0
 */
import * as Ex from '../Exit.js'
import type { Reason } from '../Exit.js'
import type { Pid } from '../Pid.js'
import type { Dest } from '../Process.js'
import { safeString } from '../internal/show.js'

const show = (u: unknown): string => {
  let s: string
  try {
    s = typeof u === 'string' ? JSON.stringify(u) : (JSON.stringify(u) ?? safeString(u))
  } catch {
    s = safeString(u)
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s
}

const showDest = (d: unknown): string => (typeof d === 'string' ? JSON.stringify(d) : safeString(d))

/**
 * `ask` got no answer in time: names the value whose request timed out.
 *
 * @example
 * import { Rx } from 'fp-ts-actors'
 * new Rx.AskTimeout(3, 100, 'pool').message
 * // 'Rx.ask: no reply within 100 ms to the request for 3 (sent to "pool")'
 *
 * @category errors
 * @since 0.1.0
 */
export class AskTimeout extends Error {
  readonly _tag = 'AskTimeout'
  constructor(
    readonly value: unknown,
    readonly timeout: number,
    readonly dest: Dest
  ) {
    super(
      `Rx.ask: no reply within ${safeString(timeout)} ms to the request for ${show(value)} (sent to ${showDest(dest)})`
    )
    this.name = 'AskTimeout'
  }
}

/**
 * An `ask` request that cannot be answered, known before its timeout: the
 * destination is not alive (`noproc`), it exited while the request waited
 * (its exit reason), or its mailbox codec rejected the request
 * (`{ rejected: report }`, the io-ts report; the request is a dead letter).
 *
 * @example
 * import { Exit, Rx } from 'fp-ts-actors'
 * new Rx.AskFailed(3, 'pool', Exit.noproc).message
 * // 'Rx.ask: the request for 3 (sent to "pool") failed: :noproc'
 *
 * @category errors
 * @since 0.1.0
 */
export class AskFailed extends Error {
  readonly _tag = 'AskFailed'
  constructor(
    readonly value: unknown,
    readonly dest: Dest,
    readonly reason: Reason
  ) {
    super(`Rx.ask: the request for ${show(value)} (sent to ${showDest(dest)}) failed: ${Ex.format(reason)}`)
    this.name = 'AskFailed'
  }
}

/**
 * `sendTo` or `ask` to a name that no process has registered.
 *
 * @example
 * import { Rx } from 'fp-ts-actors'
 * new Rx.NotRegistered('Rx.sendTo', 'sink', 1).message
 * // 'Rx.sendTo: no process is registered as "sink" (the value 1 was not sent)'
 *
 * @category errors
 * @since 0.1.0
 */
export class NotRegistered extends Error {
  readonly _tag = 'NotRegistered'
  constructor(
    readonly where: string,
    readonly dest: string,
    readonly value: unknown
  ) {
    super(`${safeString(where)}: no process is registered as ${showDest(dest)} (the value ${show(value)} was not sent)`)
    this.name = 'NotRegistered'
  }
}

/**
 * The error of the `Error` notification a bounded `subscribe` with overflow
 * policy `fail` delivers when a `Next` does not fit.
 *
 * @example
 * import { Effect, Process, Rx } from 'fp-ts-actors'
 * const onError = Process.on(Rx.ErrorNotification, (n) => Effect.succeed(n.error instanceof Rx.Overflow ? 'too fast' : 'failed'))
 *
 * @category errors
 * @since 0.1.0
 */
export class Overflow extends Error {
  readonly _tag = 'Overflow'
  constructor(
    readonly bound: number,
    readonly pid: Pid<unknown>
  ) {
    super(
      `Rx.subscribe: ${safeString(pid)} has ${safeString(bound)} notifications not received yet (bound ${safeString(bound)}, overflow policy fail)`
    )
    this.name = 'Overflow'
  }
}
