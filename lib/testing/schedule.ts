/**
 * Controlled scheduling for the test runtime: which ready process runs next
 * and how long its slice is, decided by a strategy, recorded as a schedule
 * that replays exactly.
 *
 * A schedule is a list of decisions, one per slice: the index of the chosen
 * process among the ready ones (in the order they became ready) and a budget
 * (0: run until it blocks; n: preempt after n steps). The string form is
 * compact: `"v1:0*12,1/3,0*5"` (a decision `pick/budget`, `*n` repeats it);
 * decisions past the end of a schedule are `0` (first ready, no preemption).
 *
 * @internal
 */
import type { Scheduler } from '../Scheduler.js'
import type { Fiber } from '../internal/fiber.js'

/** @internal */
export interface Decision {
  readonly pick: number
  readonly budget: number
}

/** Steps a slice with budget 0 may take before it is cut anyway (a process that never blocks). */
export const UNBOUNDED = 100_000

/** @internal */
export interface Strategy {
  pick(ready: ReadonlyArray<Fiber>, slice: number): number
  budget(f: Fiber, slice: number): number
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

/** Uniform random choice of the next process; sometimes a short slice (a preemption). @internal */
export const randomStrategy = (seed: number, preempt = 0.2, maxSlice = 16): Strategy => {
  const rnd = prng(seed)
  return {
    pick: (ready) => Math.floor(rnd() * ready.length),
    budget: () => (rnd() < preempt ? 1 + Math.floor(rnd() * maxSlice) : 0)
  }
}

/**
 * PCT (probabilistic concurrency testing): random priorities per process, the
 * highest-priority ready process runs; at `depth - 1` random slices the
 * running process is preempted early and drops below every other priority.
 *
 * @internal
 */
export const pctStrategy = (seed: number, depth: number, expectedSlices: number, maxSlice = 16): Strategy => {
  const rnd = prng(seed)
  const priority = new WeakMap<Fiber, number>()
  let low = 0
  const changes = new Set<number>()
  for (let i = 1; i < depth; i++) changes.add(Math.floor(rnd() * Math.max(1, expectedSlices)))
  const prio = (f: Fiber): number => {
    let p = priority.get(f)
    if (p === undefined) priority.set(f, (p = 1 + rnd()))
    return p
  }
  return {
    pick(ready) {
      let best = 0
      for (let i = 1; i < ready.length; i++) if (prio(ready[i] as Fiber) > prio(ready[best] as Fiber)) best = i
      return best
    },
    budget(f, slice) {
      if (!changes.has(slice)) return 0
      priority.set(f, (low -= 1))
      return 1 + Math.floor(rnd() * maxSlice)
    }
  }
}

/** Follows recorded decisions; past their end, first ready and no preemption. @internal */
export const replayStrategy = (decisions: ReadonlyArray<Decision>): Strategy => ({
  pick: (ready, slice) => Math.min(decisions[slice]?.pick ?? 0, ready.length - 1),
  budget: (_f, slice) => decisions[slice]?.budget ?? 0
})

/** A run queue driven by a strategy, recording every decision. Drained by the test, never by the host. @internal */
export class ControlledScheduler implements Scheduler<Fiber> {
  private readonly ready: Array<Fiber> = []
  readonly decisions: Array<Decision> = []
  private pending: Fiber | undefined = undefined
  private pendingPick = 0

  constructor(private readonly strategy: Strategy) {}

  push(f: Fiber): void {
    this.ready.push(f)
  }
  pop(): Fiber | undefined {
    const n = this.ready.length
    if (n === 0) return undefined
    const i = n === 1 ? 0 : this.strategy.pick(this.ready, this.decisions.length)
    const f = i === 0 ? (this.ready.shift() as Fiber) : (this.ready.splice(i, 1)[0] as Fiber)
    this.pending = f
    this.pendingPick = i
    return f
  }
  isEmpty(): boolean {
    return this.ready.length === 0
  }
  budget(): number {
    const f = this.pending as Fiber
    const b = this.strategy.budget(f, this.decisions.length)
    this.decisions.push({ pick: this.pendingPick, budget: b })
    return b === 0 ? UNBOUNDED : b
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
    throw new TypeError(`TestRuntime: a schedule looks like "v1:0*3,1/2", got ${JSON.stringify(schedule)}`)
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
