/**
 * Shrinking a failing schedule to a 1-minimal one, and explaining it.
 *
 * A schedule's choices are its preemptions (a slice cut short) and its
 * non-default picks (a process run ahead of the first ready one). Shrinking
 * first drops whole tails of the schedule, then tries removing each choice on
 * its own (a preemption becomes "run until it blocks", a pick becomes "the
 * first ready"), keeping any removal after which the run still fails, until
 * no single removal keeps it failing: every choice left is needed.
 *
 * @internal
 */
import { runOnce, type Check, type Outcome, type SliceLog } from './driver.js'
import { cost, replayStrategy, type Decision } from './schedule.js'

/** The choices of a schedule, one per preemption or non-default pick: [decision index, which part]. */
const choices = (ds: ReadonlyArray<Decision>): Array<readonly [number, 'pick' | 'budget']> => {
  const out: Array<readonly [number, 'pick' | 'budget']> = []
  ds.forEach((d, i) => {
    if (d.pick > 0) out.push([i, 'pick'])
    if (d.budget > 0) out.push([i, 'budget'])
  })
  return out
}

/** `ds` without one choice. @internal */
export const without = (ds: ReadonlyArray<Decision>, i: number, part: 'pick' | 'budget'): Array<Decision> => {
  const out = ds.slice()
  const d = out[i] as Decision
  out[i] = part === 'pick' ? { pick: 0, budget: d.budget } : { pick: d.pick, budget: 0 }
  return out
}

const trim = (ds: ReadonlyArray<Decision>): Array<Decision> => {
  let end = ds.length
  while (end > 0 && (ds[end - 1] as Decision).pick === 0 && (ds[end - 1] as Decision).budget === 0) end--
  return ds.slice(0, end)
}

/** The result of shrinking: the smallest failing run found, and whether it is known 1-minimal. @internal */
export interface Shrunk {
  readonly outcome: Outcome
  readonly minimal: boolean
  readonly replays: number
}

/** @internal */
export const shrink = (program: unknown, check: Check, found: Outcome, budget: number): Shrunk => {
  let best: Outcome = { ...found, decisions: trim(found.decisions) }
  let tries = 0
  const attempt = (candidate: ReadonlyArray<Decision>): boolean => {
    if (tries >= budget || cost(candidate) >= cost(best.decisions)) return false
    tries++
    const o = runOnce(program, replayStrategy(candidate), check)
    const ds = trim(o.decisions)
    if (o.failure === undefined || cost(ds) >= cost(best.decisions)) return false
    best = { ...o, decisions: ds }
    return true
  }
  // drop tails: keep the first 0, 1, 2, 4, ... decisions
  for (let keep = 0; keep < best.decisions.length && tries < budget; keep = keep === 0 ? 1 : keep * 2) {
    if (attempt(best.decisions.slice(0, keep))) break
  }
  // one choice at a time, until none can go
  let minimal = false
  while (tries < budget) {
    let improved = false
    for (const [i, part] of choices(best.decisions)) {
      if (attempt(without(best.decisions, i, part))) {
        improved = true
        break
      }
      if (tries >= budget) break
    }
    if (!improved) {
      minimal = tries < budget
      break
    }
  }
  if (choices(best.decisions).length === 0) minimal = true
  return { outcome: best, minimal, replays: tries }
}

const ordinal = (n: number): string =>
  n === 1 ? 'first' : n === 2 ? 'second' : n === 3 ? 'third' : n === 4 ? 'fourth' : n === 5 ? 'fifth' : `${n}th`

const pidText = (id: number | undefined): string => (id === undefined ? 'a name or alias' : `#PID<0.${id}.0>`)

const opText = (kind: string, nth: number, to: number | undefined, self: number): string => {
  const n = ordinal(nth)
  switch (kind) {
    case 'send':
      return `its ${n} send (to ${pidText(to)})`
    case 'receive':
      return `its ${n} receive`
    case 'spawn':
      return `its ${n} spawn (of ${pidText(to)})`
    default:
      return to === undefined || to === self ? `its ${n} ${kind}` : `its ${n} ${kind} (${pidText(to)})`
  }
}

/**
 * The choices of a schedule in words, from a logged replay of it: who was
 * preempted where, who ran ahead of whom. A run of picks that all pass over
 * the same process (a starved one) is told as one line.
 *
 * @internal
 */
export const explain = (decisions: ReadonlyArray<Decision>, log: ReadonlyArray<SliceLog>): Array<string> => {
  const out: Array<string> = []
  /** Picks in a row (other slices in between allowed) that all passed over the same processes. */
  let held: { pids: ReadonlyArray<number>; first: number; last: number; n: number } | undefined
  const flush = (): void => {
    if (held === undefined) return
    const h = held
    held = undefined
    if (h.n >= 3) {
      const who = h.pids.map(pidText).join(', ')
      out.push(
        `slices ${h.first}-${h.last}: ${who} ${h.pids.length === 1 ? 'was' : 'were'} held back: passed over at ${h.n} picks`
      )
      return
    }
    for (let i = h.first; i <= h.last; i++) {
      const s = log[i]
      const d = decisions[i]
      if (s !== undefined && d !== undefined && d.pick > 0) {
        out.push(`slice ${i}: ${pidText(s.pid)} ran ahead of ${s.ready.slice(0, d.pick).map(pidText).join(', ')}`)
      }
    }
  }
  decisions.forEach((d, i) => {
    const s = log[i]
    if (s === undefined || (d.pick === 0 && d.budget === 0)) return
    const who = pidText(s.pid)
    if (d.pick > 0) {
      const skipped = s.ready.slice(0, d.pick)
      const both = held === undefined ? [] : held.pids.filter((p) => skipped.includes(p))
      if (held !== undefined && both.length > 0) {
        held.pids = both
        held.last = i
        held.n++
      } else {
        flush()
        held = { pids: skipped, first: i, last: i, n: 1 }
      }
    }
    if (d.budget > 0) {
      flush()
      const passed = s.points.filter((p) => p.steps <= d.budget)
      const last = passed[passed.length - 1]
      if (last === undefined)
        out.push(`slice ${i}: ${who} was preempted after ${d.budget} steps, before any visible operation`)
      else {
        const at = opText(last.op.kind, last.nth, last.op.to, s.pid)
        out.push(
          last.steps === d.budget
            ? `slice ${i}: ${who} was preempted after ${at}`
            : `slice ${i}: ${who} was preempted ${d.budget - last.steps} steps after ${at}`
        )
      }
    }
  })
  flush()
  return out
}
