/**
 * Systematic exploration: a depth-first search over the choices of a run
 * (which ready process starts a slice; at each scheduling point, whether the
 * running process goes on or another ready one preempts it), every run a
 * replay from the start, with at most `bound` preemptions per run (CHESS's
 * preemption bounding) and sleep sets (Godefroid's partial-order reduction):
 * after the search has tried process p at a choice, p sleeps in its siblings'
 * subtrees until some step that does not commute with p's step runs. Sends to
 * different processes commute, and so do receives from different mailboxes;
 * everything else (spawns, links, exit signals, names, timers, exits) is
 * taken as conflicting with everything.
 *
 * @internal
 */
import type { Fiber } from '../internal/fiber.js'
import { independent, type Point, type Strategy } from './schedule.js'

interface Sleeper {
  readonly pid: number
  readonly op: Point
}

/** A choice with more than one alternative, kept across runs. @internal */
export interface Frame {
  readonly kind: 'pick' | 'point'
  /** At a point: the process that is running (going on with it is not a preemption). */
  readonly running: number | undefined
  /** The pids that may go next (at a point, the running one first). */
  readonly alts: ReadonlyArray<number>
  /** Processes asleep at this choice: exploring them here would repeat an explored interleaving. */
  readonly sleep: ReadonlyArray<Sleeper>
  /** Preemptions made before this choice. */
  readonly pre: number
  chosen: number
  /** Alternatives explored so far, with the operation their step ended with. */
  readonly tried: Map<number, Point>
}

const GLOBAL: Point = { kind: 'global' }

/** One run of the search: follows the frames' choices, then extends them with default choices. @internal */
export class DfsRun implements Strategy {
  readonly everyPick = true
  private next = 0
  private pre = 0
  private forced: number | undefined = undefined
  private sleep: Array<Sleeper> = []
  /** The step in progress: who runs it, what sleeps across it, the frame it was chosen at. */
  private step: { pid: number; candidates: ReadonlyArray<Sleeper>; frame: Frame | undefined } | undefined = undefined
  private last: Point = GLOBAL
  private timerFired = false
  /** All alternatives were asleep at some choice: the run repeats an explored interleaving. */
  redundant = false

  constructor(
    private readonly frames: Array<Frame>,
    private readonly bound: number,
    private readonly reduction: boolean
  ) {}

  pick(ready: ReadonlyArray<Fiber>): number {
    if (this.forced !== undefined) {
      const want = this.forced
      this.forced = undefined
      const i = ready.findIndex((f) => f.pid.id === want)
      if (i < 0) throw new Error(`systematic search: process ${want} was to run next but is not ready`)
      return i
    }
    const pids = ready.map((f) => f.pid.id)
    const c = this.choose('pick', undefined, pids)
    return pids.indexOf(c)
  }

  budget(): number {
    return 0
  }

  point(f: Fiber, ready: ReadonlyArray<Fiber>, p: Point): boolean {
    this.last = p
    const me = f.pid.id
    const c = this.choose('point', me, [me, ...ready.map((r) => r.pid.id)])
    if (c === me) return false
    this.pre++
    this.forced = c
    return true
  }

  ended(_f: Fiber, how: Point): void {
    this.last = how.kind === 'block' ? how : GLOBAL
  }

  timer(): void {
    this.timerFired = true
  }

  /** The run is over: the last step's operation is known. */
  finish(): void {
    this.closeStep()
  }

  /** Ends the step in progress: records its operation, and computes who sleeps across it. */
  private closeStep(): void {
    const s = this.step
    if (s === undefined) return
    this.step = undefined
    if (s.frame !== undefined && !s.frame.tried.has(s.pid)) s.frame.tried.set(s.pid, this.last)
    if (this.timerFired) {
      this.sleep = []
      this.timerFired = false
      return
    }
    const op = this.last
    this.sleep = s.candidates.filter((z) => z.pid !== s.pid && independent(z.op, op))
  }

  private choose(kind: 'pick' | 'point', running: number | undefined, alts: ReadonlyArray<number>): number {
    this.closeStep()
    const asleep = (pid: number): boolean => this.sleep.some((z) => z.pid === pid)
    const cost = (pid: number): number => (kind === 'point' && pid !== running ? 1 : 0)
    let frame: Frame | undefined
    let chosen: number
    if (alts.length === 1) {
      chosen = alts[0] as number
      if (asleep(chosen)) this.redundant = true
    } else if (this.next < this.frames.length) {
      frame = this.frames[this.next++] as Frame
      chosen = frame.chosen
    } else if (this.redundant) {
      chosen = running ?? (alts[0] as number)
    } else {
      const ok = alts.filter((a) => !asleep(a) && this.pre + cost(a) <= this.bound)
      if (ok.length === 0) {
        this.redundant = true
        chosen = running ?? (alts[0] as number)
      } else {
        chosen = ok[0] as number
        frame = { kind, running, alts, sleep: this.sleep, pre: this.pre, chosen, tried: new Map() }
        this.frames.push(frame)
        this.next++
      }
    }
    const candidates: Array<Sleeper> = this.reduction ? this.sleep.slice() : []
    if (this.reduction && frame !== undefined) {
      for (const [pid, op] of frame.tried) if (pid !== chosen) candidates.push({ pid, op })
    }
    this.step = { pid: chosen, candidates, frame }
    return chosen
  }
}

/**
 * Moves the search to its next branch: the deepest choice with an
 * alternative not tried, not asleep, and within the preemption bound.
 * `false` when the search is over.
 *
 * @internal
 */
export const backtrack = (frames: Array<Frame>, bound: number): boolean => {
  for (let j = frames.length - 1; j >= 0; j--) {
    const fr = frames[j] as Frame
    for (const a of fr.alts) {
      if (fr.tried.has(a) || fr.sleep.some((z) => z.pid === a)) continue
      if (fr.pre + (fr.kind === 'point' && a !== fr.running ? 1 : 0) > bound) continue
      fr.chosen = a
      frames.length = j + 1
      return true
    }
  }
  frames.length = 0
  return false
}
