/**
 * Read-only introspection of a kernel's processes, for tools such as the
 * observer: what each process is doing, read from the process table and the
 * fibers' own state when asked. Nothing here runs on the hot path and nothing
 * here changes a process.
 *
 * @internal
 */
import { afterOf, clausesOf, type OnClause } from './clause.js'
import { EXITED, RUNNABLE, RUNNING, WAITING, type Fiber } from './fiber.js'
import type { Kernel } from './kernel.js'
import type { PidImpl } from './pid.js'

/** @internal */
export type Status = 'runnable' | 'running' | 'waiting' | 'exiting' | 'exited'

/** @internal */
export const statusOf = (f: Fiber): Status =>
  f.status === EXITED
    ? 'exited'
    : !f.alive
      ? 'exiting'
      : f.status === RUNNABLE
        ? 'runnable'
        : f.status === RUNNING
          ? 'running'
          : f.status === WAITING
            ? 'waiting'
            : 'exiting'

/** The live process with this pid number, if any. @internal */
export const fiberOf = (kernel: Kernel, id: number): Fiber | undefined => kernel.procs.get(id)

const NO_LINKS: ReadonlySet<Fiber> = new Set()

/** The processes linked to `f`, as the kernel keeps them (read-only: the kernel is their only writer). @internal */
export const linkedTo = (f: Fiber): ReadonlySet<Fiber> => f.rel?.links ?? NO_LINKS

/** The processes linked to `f` (a copy). @internal */
export const linksOf = (f: Fiber): ReadonlyArray<Fiber> => [...linkedTo(f)]

/** What `f` monitors: one entry per monitor (a pid or a registered name). @internal */
export const monitorsOf = (f: Fiber): ReadonlyArray<PidImpl | string> =>
  f.rel === undefined ? [] : f.rel.heldMonitors().map((m) => m.what)

/** The processes that monitor `f`. @internal */
export const watchersOf = (f: Fiber): ReadonlyArray<PidImpl> => {
  const out: Array<PidImpl> = []
  if (f.watchedBy?.watcher !== undefined) out.push(f.watchedBy.watcher.pid)
  for (const m of f.rel?.watchers ?? []) if (m.watcher !== undefined) out.push(m.watcher.pid)
  return out
}

/** At most `n` of the waiting messages, oldest first, without copying the mailbox. @internal */
export const peekMailbox = (f: Fiber, n: number): ReadonlyArray<unknown> => {
  const out: Array<unknown> = []
  if (n > 0)
    f.findFirst((m) => {
      out.push(m)
      return out.length >= n
    })
  return out
}

/**
 * What the process waits for, in words: the receive it waits in (the io-ts
 * names of its clauses and its `after`), an `Effect.async` callback, or
 * `undefined` when it is not waiting.
 *
 * @internal
 */
export const waitingFor = (f: Fiber): string | undefined => {
  const r = f.receiving
  if (r !== undefined) {
    const clauses = ([] as ReadonlyArray<OnClause>).concat(clausesOf(r)).map((c) => nameOf(c.i0))
    const after = afterOf(r)
    const on = clauses.length === 0 ? 'receive (no clause: only the after)' : `receive ${clauses.join(' | ')}`
    return after === undefined || after.ms === Infinity ? on : `${on}, after ${after.ms} ms`
  }
  if (f.waitingAsync) return 'an Effect.async callback (a sleep, a timer or I/O)'
  return f.status === WAITING ? 'a wake-up' : undefined
}

const nameOf = (codec: unknown): string => {
  const name = (codec as { readonly name?: unknown }).name
  return typeof name === 'string' && name.length > 0 ? name : 'a decoder'
}
