/**
 * Observing processes: the exit of one process, its link events, and why it died.
 *
 * @since 0.1.0
 */
import { Observable } from '../internal/rx.js'
import * as Ex from '../Exit.js'
import type { Cause, Reason } from '../Exit.js'
import type { Event } from '../internal/event.js'
import { checkPid, describe } from '../internal/check.js'
import type { Fiber } from '../internal/fiber.js'
import type { PidImpl } from '../internal/pid.js'
import { linkedTo } from '../internal/introspect.js'
import { fromPid, toPid, type Pid } from '../Pid.js'
import { kernelOf, type Runtime } from '../Runtime.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One step of a causal chain: a process, how it ended, and why.
 *
 * @category model
 * @since 0.1.0
 */
export interface Step {
  readonly pid: Pid<unknown>
  readonly reason: Reason
  readonly cause: Cause
}

/**
 * Why a process died: the first step is the process asked about; each `Link`
 * cause is followed to the linked process that died first, and the last step
 * is where the chain started (its own code, an exit signal, or a shutdown).
 *
 * @category model
 * @since 0.1.0
 */
export type Chain = ReadonlyArray<Step>

/**
 * What `links$` emits: the process's `Link`/`Unlink` events, the `Exit` of a
 * linked process (the exit signal it gets through the link), and its own
 * `Exit`, last.
 *
 * @category model
 * @since 0.1.0
 */
export type LinkEvent = Extract<Event, { readonly _tag: 'Link' | 'Unlink' | 'Exit' }>

// -------------------------------------------------------------------------------------
// observing
// -------------------------------------------------------------------------------------

const fiberOf = (pid: PidImpl): Fiber | undefined => pid._fiber as Fiber | undefined

/**
 * The exit reason of `pid`: emitted once when it exits, then complete; at
 * once `noproc` if it is not alive. One exit watcher while subscribed,
 * removed on unsubscribe.
 *
 * @example
 * import { Effect, Runtime, Rx } from 'fp-ts-actors'
 * const rt = Runtime.make()
 * const pid = rt.spawn(Effect.succeed(42))
 * Rx.exits(rt, pid).subscribe((r) => console.log(r)) // { _tag: 'Normal', value: 42 }
 *
 * @category observing
 * @since 0.1.0
 */
export const exits = (rt: Runtime, pid: Pid<unknown>): Observable<Reason> => {
  const kernel = kernelOf(rt, 'Rx.exits')
  const p = checkPid('Rx.exits', pid)
  return new Observable<Reason>((subscriber) =>
    kernel.onExit(p, (reason) => {
      subscriber.next(reason)
      subscriber.complete()
    })
  )
}

/**
 * The link events of one process: `Link`/`Unlink` events involving it, the
 * `Exit` of each process linked to it when that one dies (the exit signal it
 * gets through the link: trapped, ignored if normal, or fatal), and its own `Exit` (with the
 * cause), after which it completes. For a process that has already exited:
 * its `Exit`, then complete. Observes `rt.events$` while subscribed.
 *
 * @example
 * import { Effect, Process, Runtime, Rx } from 'fp-ts-actors'
 * const rt = Runtime.make()
 * const pid = rt.spawn(Effect.flatMap(Process.spawnLink(Effect.die('boom')), () => Effect.never))
 * Rx.links$(rt, pid).subscribe((e) => console.log(e._tag)) // Link, Exit (the child's), Exit (its own)
 *
 * @category observing
 * @since 0.1.0
 */
export const links$ = (rt: Runtime, pid: Pid<unknown>): Observable<LinkEvent> => {
  const kernel = kernelOf(rt, 'Rx.links$')
  const p = checkPid('Rx.links$', pid)
  const me = toPid(p)
  return new Observable<LinkEvent>((subscriber) => {
    const f = fiberOf(p)
    if (f === undefined) {
      const done = p._exit as { readonly reason: Reason; readonly cause: Cause } | undefined
      if (done !== undefined) subscriber.next({ _tag: 'Exit', pid: me, reason: done.reason, cause: done.cause })
      subscriber.complete()
      return undefined
    }
    const linked = new Set<Pid<unknown>>()
    for (const l of linkedTo(f)) linked.add(toPid(l.pid))
    return kernel.events.subscribe((e) => {
      switch (e._tag) {
        case 'Link':
        case 'Unlink': {
          if (e.from !== me && e.to !== me) return
          const other = e.from === me ? e.to : e.from
          if (e._tag === 'Link') linked.add(other)
          else linked.delete(other)
          subscriber.next(e)
          return
        }
        case 'Exit':
          if (e.pid === me) {
            subscriber.next(e)
            subscriber.complete()
          } else if (linked.delete(e.pid)) subscriber.next(e)
          return
        default:
          return
      }
    })
  })
}

/**
 * The causal chain of an exited process, read from the exits the runtime
 * records (`undefined` if `pid` has not exited).
 */
const chainOf = (pid: PidImpl): Chain | undefined => {
  const steps: Array<Step> = []
  const seen = new Set<PidImpl>()
  for (let p: PidImpl | undefined = pid; p !== undefined && !seen.has(p);) {
    seen.add(p)
    const done = p._exit as { readonly reason: Reason; readonly cause: Cause } | undefined
    if (done === undefined) return steps.length === 0 ? undefined : steps
    steps.push({ pid: toPid(p), reason: done.reason, cause: done.cause })
    p = done.cause._tag === 'Link' ? fromPid(done.cause.from) : undefined
  }
  return steps
}

/**
 * Why `pid` died: emits its causal chain once, when it has exited (at once if
 * it already has), then completes. Each `Link` cause is followed to the
 * linked process that died first; a `Signal` cause names the sender (who is
 * usually alive: the chain stops there). Errors if the runtime has no record
 * of the exit (a pid of another runtime).
 *
 * @example
 * import { Effect, Exit, Process, Runtime, Rx } from 'fp-ts-actors'
 * const rt = Runtime.make()
 * const pid = rt.spawn(Effect.flatMap(Process.spawnLink(Process.exit(Exit.custom('boom'))), () => Effect.never))
 * Rx.why(rt, pid).subscribe((chain) => console.log(Rx.formatWhy(chain)))
 * // '#PID<0.1.0> died (:boom): link from #PID<0.2.0>, which died (:boom): it called exit(:boom)'
 *
 * @category observing
 * @since 0.1.0
 */
export const why = (rt: Runtime, pid: Pid<unknown>): Observable<Chain> => {
  const kernel = kernelOf(rt, 'Rx.why')
  const p = checkPid('Rx.why', pid)
  return new Observable<Chain>((subscriber) =>
    kernel.onExit(p, () => {
      const chain = chainOf(p)
      if (chain === undefined) {
        subscriber.error(
          new Error(`Rx.why: ${String(p)} has no recorded exit in this runtime (a pid of another runtime?)`)
        )
        return
      }
      subscriber.next(chain)
      subscriber.complete()
    })
  )
}

const how = (s: Step, who: (p: Pid<unknown>) => string): string => {
  const r = Ex.format(s.reason)
  switch (s.cause._tag) {
    case 'Returned':
      return `ended normally (${r})`
    case 'Failed':
      return `died (${r}): its program failed`
    case 'Threw':
      return `died (${r}): it threw`
    case 'Exited':
      return `died (${r}): it called exit(${r})`
    case 'Signal': {
      const signal = s.reason._tag === 'Killed' ? ':kill' : r
      const from = s.cause.from === s.pid ? 'itself' : who(s.cause.from)
      return `died (${r}): exit(${who(s.pid)}, ${signal}) sent by ${from}`
    }
    case 'Link':
      return `died (${r}): link from ${who(s.cause.from)}`
    case 'Shutdown':
      return `died (${r}): the runtime shut down`
  }
}

/**
 * A causal chain as one readable line: the process, how it died, and for a
 * death by link, `which died ...` for the linked process, back to where it
 * started. `name` can give pids readable names.
 *
 * @example
 * import { Pid, Rx } from 'fp-ts-actors'
 * declare const chain: Rx.Chain
 * declare const names: Map<Pid.Pid, string>
 * Rx.formatWhy(chain, { name: (pid) => names.get(pid) })
 * // 'C died (:boom): link from B, which died (:boom): exit(B, :boom) sent by A'
 *
 * @category observing
 * @since 0.1.0
 */
export const formatWhy = (
  chain: Chain,
  options?: { readonly name?: (pid: Pid<unknown>) => string | undefined }
): string => {
  if (!Array.isArray(chain))
    throw new TypeError(`Rx.formatWhy: expected the chain Rx.why gives, got ${describe(chain)}`)
  const who = (p: Pid<unknown>): string => options?.name?.(p) ?? String(p)
  return chain.map((s, i) => (i === 0 ? `${who(s.pid)} ${how(s, who)}` : `which ${how(s, who)}`)).join(', ')
}
