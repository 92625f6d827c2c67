/**
 * Controlled scheduling for the test runtime: which ready process runs next
 * and where its slice is cut, decided by a strategy, recorded as a schedule
 * that replays exactly.
 *
 * A schedule is a list of decisions, one per slice: the index of the chosen
 * process among the ready ones (in the order they became ready) and a budget
 * (0: run until it blocks; n: preempt after n steps). The string form is
 * compact: `"v1:0*12,1/3,0*5"` (a decision `pick/budget`, `*n` repeats it);
 * decisions past the end of a schedule are `0` (first ready, no preemption).
 *
 * Strategies may also cut a slice at a scheduling point (after a send, spawn,
 * link, receive, ...): the cut is recorded as the number of steps the slice
 * took up to that point, so the string form is the same and replays the same.
 *
 * @internal
 */
import type { Scheduler } from '../Scheduler.js'
import { EXITED, RUNNABLE, WAITING, type Fiber } from '../internal/fiber.js'
import { describe } from '../internal/check.js'

/** @internal */
export interface Decision {
  readonly pick: number
  readonly budget: number
}

/** Steps a slice with budget 0 may take before it is cut anyway (a process that never blocks). */
export const UNBOUNDED = 100_000

/**
 * A visible operation at a scheduling point: what a process did to the rest of
 * the system (`to`: the pid number a send went to, or whose mailbox a receive
 * read). `block` and `exit` end a slice.
 *
 * @internal
 */
export interface Point {
  readonly kind: string
  readonly to?: number | undefined
}

/** Two operations of different processes commute: sends to different processes, receives of different mailboxes. @internal */
export const independent = (a: Point, b: Point): boolean => {
  const mailboxA = a.kind === 'send' || a.kind === 'receive' || a.kind === 'block'
  const mailboxB = b.kind === 'send' || b.kind === 'receive' || b.kind === 'block'
  return mailboxA && mailboxB && a.to !== undefined && b.to !== undefined && a.to !== b.to
}

/** @internal */
export interface Strategy {
  /** Asked to pick even when one process is ready (otherwise that one runs without asking). */
  readonly everyPick?: boolean
  pick(ready: ReadonlyArray<Fiber>, slice: number): number
  budget(f: Fiber, slice: number): number
  /** At a scheduling point of the running process `f`: `true` ends its slice there. */
  point?(f: Fiber, ready: ReadonlyArray<Fiber>, p: Point): boolean
  /** The previous slice of `f` ended: it blocked, exited, or was cut. */
  ended?(f: Fiber, how: Point): void
  /** Time moved: a timer fired between idle periods. */
  timer?(): void
}

/** A small, fast, seedable PRNG (mulberry32). @internal */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Uniform random choice of the next process; sometimes a short slice (a preemption after 1-16 steps). @internal */
export const randomStrategy = (seed: number, preempt = 0.2, maxSlice = 16): Strategy => {
  const rnd = prng(seed)
  return {
    pick: (ready) => Math.floor(rnd() * ready.length),
    budget: () => (rnd() < preempt ? 1 + Math.floor(rnd() * maxSlice) : 0)
  }
}

const argmax = (ready: ReadonlyArray<Fiber>, prio: (f: Fiber) => number): number => {
  let best = 0
  let top = -Infinity
  for (let i = 0; i < ready.length; i++) {
    const p = prio(ready[i] as Fiber)
    if (p > top) {
      top = p
      best = i
    }
  }
  return best
}

const outranked = (ready: ReadonlyArray<Fiber>, prio: (f: Fiber) => number, mine: number): boolean => {
  for (let i = 0; i < ready.length; i++) if (prio(ready[i] as Fiber) > mine) return true
  return false
}

/**
 * PCT (probabilistic concurrency testing, Burckhardt et al. 2010) over
 * scheduling points: random priorities per process, and at every scheduling
 * point the highest-priority ready process runs (so a send that wakes a
 * higher-priority process hands over to it). At `depth - 1` change points,
 * drawn uniformly among the `expectedPoints` scheduling points of a run, the
 * running process drops below every other priority. A bug of depth d is hit
 * with probability at least 1/(n·k^(d-1)) (n processes, k points).
 *
 * @internal
 */
export const pctStrategy = (seed: number, depth: number, expectedPoints: number): Strategy => {
  const rnd = prng(seed)
  const priority = new Map<Fiber, number>()
  const changes = new Map<number, number>()
  const k = Math.max(1, expectedPoints)
  for (let i = 1; i < depth; i++) changes.set(1 + Math.floor(rnd() * k), depth - i)
  let points = 0
  const prio = (f: Fiber): number => {
    let p = priority.get(f)
    if (p === undefined) priority.set(f, (p = depth + rnd()))
    return p
  }
  return {
    pick: (ready) => argmax(ready, prio),
    budget: () => 0,
    point(f, ready) {
      const low = changes.get(++points)
      if (low !== undefined) priority.set(f, low)
      return outranked(ready, prio, prio(f))
    }
  }
}

/**
 * POS (partial order sampling, Yuan et al. 2018): every process's next step
 * has a random priority, redrawn each time it takes a step; the
 * highest-priority step runs. A send redraws the priority of the receiver's
 * next step (the two race). A step keeps a low priority until it runs, so a
 * process can be held back behind many others (starvation) far more often
 * than under PCT or a random walk.
 *
 * @internal
 */
export const posStrategy = (seed: number): Strategy => {
  const rnd = prng(seed)
  const priority = new Map<Fiber, number>()
  const prio = (f: Fiber): number => {
    let p = priority.get(f)
    if (p === undefined) priority.set(f, (p = rnd()))
    return p
  }
  const byId = new Map<number, Fiber>()
  return {
    pick: (ready) => {
      for (const f of ready) byId.set(f.pid.id, f)
      return argmax(ready, prio)
    },
    budget: () => 0,
    point(f, ready, p) {
      const mine = rnd()
      priority.set(f, mine)
      if (p.kind === 'send' && p.to !== undefined) {
        const target = byId.get(p.to)
        if (target !== undefined && target !== f) priority.set(target, rnd())
      }
      for (const r of ready) byId.set(r.pid.id, r)
      return outranked(ready, prio, mine)
    },
    ended(f) {
      priority.set(f, rnd())
    }
  }
}

/** Where a replay stopped following its schedule. @internal */
export class Divergence extends Error {}

/**
 * Follows recorded decisions; past their end, first ready and no preemption.
 * Strict: a pick beyond the ready processes, or a run that ends before the
 * schedule's last choice, throws a `Divergence` naming the decision.
 * Lenient (shrinking): such a pick takes the last ready process.
 *
 * @internal
 */
export const replayStrategy = (decisions: ReadonlyArray<Decision>, strict = false): Strategy => ({
  pick(ready, slice) {
    const want = decisions[slice]?.pick ?? 0
    if (want < ready.length) return want
    if (strict) {
      throw new Divergence(
        `replay diverged at decision ${slice}: it picks ready process #${want} but only ${ready.length} ${ready.length === 1 ? 'is' : 'are'} ready (the program or the runtime changed since the schedule was recorded)`
      )
    }
    return ready.length - 1
  },
  budget: (_f, slice) => decisions[slice]?.budget ?? 0
})

/** How a slice ended, as the next pop sees it. */
const endOf = (f: Fiber): Point =>
  f.status === WAITING
    ? { kind: 'block', to: f.pid.id }
    : f.status === EXITED
      ? { kind: 'exit', to: f.pid.id }
      : { kind: 'cut', to: f.pid.id }

/** A run queue driven by a strategy, recording every decision. Drained by the test, never by the host. @internal */
export class ControlledScheduler implements Scheduler<Fiber> {
  private readonly ready: Array<Fiber> = []
  readonly decisions: Array<Decision> = []
  /** The process of the current slice. */
  current: Fiber | undefined = undefined
  /** The budget handed to the current slice. */
  private given = 0
  /** Whether the current slice was cut at a scheduling point. */
  private cut = false
  /** Told of each pick, with the pids that were ready (the picked one included). */
  onPick: ((f: Fiber, ready: ReadonlyArray<number>) => void) | undefined = undefined

  constructor(readonly strategy: Strategy) {}

  push(f: Fiber): void {
    this.ready.push(f)
  }
  pop(): Fiber | undefined {
    const prev = this.current
    if (prev !== undefined && !this.cut && this.strategy.ended !== undefined) this.strategy.ended(prev, endOf(prev))
    this.current = undefined
    // a process that stopped being runnable while queued is dropped here, before any choice: no pick ever lands on it
    for (let i = this.ready.length - 1; i >= 0; i--) {
      const f = this.ready[i] as Fiber
      if (f.status !== RUNNABLE) {
        f.queued = false
        this.ready.splice(i, 1)
      }
    }
    const n = this.ready.length
    if (n === 0) return undefined
    const i = n === 1 && this.strategy.everyPick !== true ? 0 : this.strategy.pick(this.ready, this.decisions.length)
    const readyPids = this.onPick === undefined ? undefined : this.readyPids()
    const f = i === 0 ? (this.ready.shift() as Fiber) : (this.ready.splice(i, 1)[0] as Fiber)
    // recorded now, with the pick: a pick is never lost, whatever the slice does
    this.decisions.push({ pick: i, budget: 0 })
    this.current = f
    this.cut = false
    if (readyPids !== undefined) this.onPick?.(f, readyPids)
    return f
  }
  isEmpty(): boolean {
    return this.ready.length === 0
  }
  budget(): number {
    const f = this.current as Fiber
    const slice = this.decisions.length - 1
    const b = this.strategy.budget(f, slice)
    this.decisions[slice] = { pick: (this.decisions[slice] as Decision).pick, budget: b }
    this.given = b === 0 ? UNBOUNDED : b
    return this.given
  }
  /** Steps the current slice has taken, given the steps it has left. */
  steps(budgetLeft: number): number {
    return this.given - budgetLeft
  }
  /** A scheduling point of the current slice; `true` cuts it there (recorded as the steps taken so far). */
  point(f: Fiber, budgetLeft: number, p: Point): boolean {
    if (f !== this.current || this.strategy.point === undefined || !this.strategy.point(f, this.ready, p)) return false
    const slice = this.decisions.length - 1
    const steps = this.given - budgetLeft
    if (steps <= 0) return false
    this.decisions[slice] = { pick: (this.decisions[slice] as Decision).pick, budget: steps }
    this.cut = true
    return true
  }
  /** The pids of the ready processes, in queue order. */
  readyPids(): Array<number> {
    return this.ready.map((f) => f.pid.id)
  }
  request(): void {}
}

/** Compact string form of a schedule. @internal */
export const encode = (decisions: ReadonlyArray<Decision>): string => {
  let end = decisions.length
  while (end > 0 && (decisions[end - 1] as Decision).pick === 0 && (decisions[end - 1] as Decision).budget === 0) end--
  const out: Array<string> = []
  let i = 0
  while (i < end) {
    const d = decisions[i] as Decision
    const tok = d.budget === 0 ? `${d.pick}` : `${d.pick}/${d.budget}`
    let j = i + 1
    while (j < end && (decisions[j] as Decision).pick === d.pick && (decisions[j] as Decision).budget === d.budget) j++
    out.push(j - i > 1 ? `${tok}*${j - i}` : tok)
    i = j
  }
  return `v1:${out.join(',')}`
}

/** Parses `encode`'s form; throws a clear error for anything else. @internal */
export const decode = (schedule: string): Array<Decision> => {
  if (typeof schedule !== 'string' || !schedule.startsWith('v1:')) {
    throw new TypeError(`TestRuntime: a schedule looks like "v1:0*3,1/2", got ${describe(schedule)}`)
  }
  const body = schedule.slice(3)
  const out: Array<Decision> = []
  if (body === '') return out
  for (const tok of body.split(',')) {
    const m = /^(\d+)(?:\/(\d+))?(?:\*(\d+))?$/.exec(tok)
    if (m === null)
      throw new TypeError(`TestRuntime: bad schedule token ${JSON.stringify(tok)} in ${JSON.stringify(schedule)}`)
    const d: Decision = { pick: Number(m[1]), budget: m[2] === undefined ? 0 : Number(m[2]) }
    const n = m[3] === undefined ? 1 : Number(m[3])
    for (let k = 0; k < n; k++) out.push(d)
  }
  return out
}

/** Preemptions plus non-default picks: what shrinking minimises. @internal */
export const cost = (decisions: ReadonlyArray<Decision>): number =>
  decisions.reduce((n, d) => n + (d.budget > 0 ? 1 : 0) + (d.pick > 0 ? 1 : 0), 0)

/** The index of the last decision that is not the default (first ready, no preemption); -1 if none. @internal */
export const lastChoice = (decisions: ReadonlyArray<Decision>): number => {
  for (let i = decisions.length - 1; i >= 0; i--) {
    const d = decisions[i] as Decision
    if (d.pick !== 0 || d.budget !== 0) return i
  }
  return -1
}
