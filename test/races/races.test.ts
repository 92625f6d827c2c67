import { describe, expect, it } from 'vitest'
import * as O from 'fp-ts/lib/Option.js'
import { Exit, TestRuntime } from '../../lib/index.js'
import type { Effect, Runtime } from '../../lib/index.js'
import { depth2, depth3, races, starved, type Race } from './races.js'

// The explorer on seeded races (test/races/races.ts): each found at every one of 10 seeds within 1,000
// schedules, each fixed twin clean over 1,000; verify finds the depth-3 race and proves its twin; the
// shrunk schedules are 1-minimal. The big sweep (10 seeds for the twins too, every strategy alone) is
// bench/explore.ts.

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

const found = (o: O.Option<TestRuntime.Explored>): TestRuntime.Explored => {
  if (O.isNone(o)) throw new Error('explore found no failing schedule')
  return o.value
}

/** Each race explored once at seed 1 (shrunk and explained), shared by the tests below. */
const explored = new Map<Race, TestRuntime.Explored>()
const shrunk = (race: Race): TestRuntime.Explored => {
  let f = explored.get(race)
  if (f === undefined)
    explored.set(race, (f = found(TestRuntime.explore(race.buggy, { runs: 1000, seed: 1, check: race.check }))))
  return f
}

/** Runs `program` under `schedule` (a lenient replay: an edited schedule may no longer fit) and checks it. */
const passes = (race: Race, program: Effect.Effect<unknown, unknown>, schedule: string): boolean => {
  const rt = TestRuntime.make({ seed: 0, schedule, lenient: true })
  try {
    return race.check(rt.trace, rt.runSync(program))
  } catch {
    return false // a deadlock fails too
  }
}

/** The schedule's decisions, one `[pick, budget]` per slice (the `v1:` form: `pick/budget*times`). */
const decisionsOf = (schedule: string): Array<[number, number]> => {
  expect(schedule.startsWith('v1:')).toBe(true)
  const body = schedule.slice(3)
  const out: Array<[number, number]> = []
  if (body === '') return out
  for (const tok of body.split(',')) {
    const m = /^(\d+)(?:\/(\d+))?(?:\*(\d+))?$/.exec(tok)
    if (m === null) throw new Error(`bad token ${tok}`)
    for (let k = 0; k < Number(m[3] ?? 1); k++) out.push([Number(m[1]), Number(m[2] ?? 0)])
  }
  return out
}
const encodeDecisions = (ds: ReadonlyArray<[number, number]>): string =>
  `v1:${ds.map(([p, b]) => (b === 0 ? `${p}` : `${p}/${b}`)).join(',')}`

describe.each(races.map((r) => [r.name, r] as const))('race: %s', (_name, race) => {
  it('passes in the production order (the bug hides there)', () => {
    const rt = TestRuntime.make({ seed: 1, strategy: 'fifo' })
    expect(race.check(rt.trace, rt.runSync(race.buggy))).toBe(true)
  })

  it('explore finds it within 1,000 schedules at each of 10 seeds, and says which strategy did', () => {
    for (const seed of SEEDS) {
      const f = found(TestRuntime.explore(race.buggy, { runs: 1000, seed, check: race.check, shrinkBudget: 0 }))
      expect(f.run).toBeLessThan(1000)
      expect(['pos', 'pct', 'random']).toContain(f.strategy)
      expect(race.check(f.trace, f.reason as Exit.Reason<unknown, unknown>)).toBe(false)
    }
  })

  it('the fixed twin is clean over 1,000 schedules', () => {
    expect(TestRuntime.explore(race.fixed, { runs: 1000, seed: 1, check: race.check })).toEqual(O.none)
  })

  it('the shrunk schedule is 1-minimal: removing any one of its choices makes the failure go away', () => {
    const f = shrunk(race)
    expect(f.minimal).toBe(true)
    expect(f.preemptions).toBeLessThanOrEqual(f.unshrunk)
    // the schedule itself fails, replayed exactly
    expect(TestRuntime.format(TestRuntime.replay(race.buggy, f.schedule))).toBe(TestRuntime.format(f.trace))
    expect(passes(race, race.buggy, f.schedule)).toBe(false)
    const ds = decisionsOf(f.schedule)
    let removed = 0
    ds.forEach(([pick, budget], i) => {
      for (const part of [0, 1] as const) {
        if ((part === 0 ? pick : budget) === 0) continue
        const edited = ds.map((d, j) => (j !== i ? d : part === 0 ? [0, budget] : [pick, 0])) as Array<[number, number]>
        expect(passes(race, race.buggy, encodeDecisions(edited)), `without choice ${i}.${part}`).toBe(true)
        removed++
      }
    })
    expect(removed).toBe(f.preemptions)
    expect(f.explanation.length).toBeGreaterThanOrEqual(1)
  })
})

describe('what the explorer says', () => {
  it('the depth-3 race needs two preemptions, and the explanation names them', () => {
    const f = shrunk(depth3)
    const preempted = f.explanation.filter((l) => / was preempted after its first send \(to #PID<0\.2\.0>\)$/.test(l))
    expect(preempted.length).toBe(2)
    expect(f.explanation.join('\n')).toMatch(/#PID<0\.3\.0> was preempted after its first send/)
    expect(f.explanation.join('\n')).toMatch(/#PID<0\.4\.0> was preempted after its first send/)
  })

  it('each strategy alone is named as the finder', () => {
    for (const strategy of ['pos', 'pct', 'random'] as const) {
      const f = found(
        TestRuntime.explore(depth2.buggy, { runs: 1000, seed: 3, strategy, check: depth2.check, shrinkBudget: 0 })
      )
      expect(f.strategy).toBe(strategy)
    }
  })

  it('the starvation race is told as one process held back', () => {
    const f = shrunk(starved)
    expect(f.explanation.join('\n')).toMatch(/#PID<0\.3\.0>.* held back: passed over at \d+ picks/)
  })

  it('testProcess reports the explanation with the schedule', () => {
    expect(TestRuntime.testProcess(depth3.buggy, { check: depth3.check, runs: 1000 })).toThrow(
      /was preempted after its first send/
    )
  })
})

describe('systematic mode (verify)', () => {
  it('finds the depth-3 race with 2 preemptions, and proves it needs them: none within 1', () => {
    const v = TestRuntime.verify(depth3.buggy, { check: depth3.check, preemptions: 2 })
    if (v._tag !== 'Failed') throw new Error(`expected a failure, got ${v.summary}`)
    expect(v.found.strategy).toBe('systematic')
    expect(v.found.preemptions).toBe(2)
    expect(depth3.check(v.found.trace, v.found.reason as Exit.Reason<unknown, unknown>)).toBe(false)
    const one = TestRuntime.verify(depth3.buggy, { check: depth3.check, preemptions: 1 })
    expect(one._tag).toBe('Proved')
    expect(one.summary).toMatch(/^all [\d,]+ interleavings up to 1 preemption explored: no failure$/)
  })

  it("proves the depth-3 race's fixed twin up to 2 preemptions; the reduction runs fewer interleavings", () => {
    const reduced = TestRuntime.verify(depth3.fixed, { check: depth3.check, preemptions: 2 })
    const plain = TestRuntime.verify(depth3.fixed, { check: depth3.check, preemptions: 2, reduction: false })
    expect(reduced._tag).toBe('Proved')
    expect(plain._tag).toBe('Proved')
    expect(reduced.summary).toMatch(/^all [\d,]+ interleavings up to 2 preemptions explored: no failure$/)
    expect(reduced.interleavings).toBeLessThan(plain.interleavings)
    expect(reduced.interleavings).toBeGreaterThan(1)
  })

  it('finds the timer race and the supervisor restart race with one preemption', () => {
    for (const race of races.filter((r) => r.name === 'timer' || r.name === 'supervisor restart')) {
      const v = TestRuntime.verify(race.buggy, { check: race.check, preemptions: 1 })
      expect(v._tag, race.name).toBe('Failed')
    }
  })

  it('stops at maxRuns with an Incomplete verdict', () => {
    const v = TestRuntime.verify(depth3.fixed, { check: depth3.check, preemptions: 2, maxRuns: 3 })
    expect(v._tag).toBe('Incomplete')
    expect(v.summary).toMatch(/stopped at 3 runs/)
  })

  it('rejects bad options with a clear error', () => {
    expect(() => TestRuntime.verify(depth3.fixed, { check: depth3.check, preemptions: -1 })).toThrow(/preemptions/)
    expect(() => TestRuntime.verify(depth3.fixed, { check: 1 as never })).toThrow(/check must be a function/)
  })
})

describe('replay never drifts', () => {
  it('a replay follows its schedule exactly; one that cannot says at which decision', () => {
    const f = shrunk(depth3)
    for (let i = 0; i < 3; i++) expect(TestRuntime.replay(depth3.buggy, f.schedule)).toEqual(f.trace)
    expect(() => TestRuntime.replay(depth3.buggy, 'v1:0,0,7')).toThrow(
      /replay diverged at decision 2: it picks ready process #7/
    )
    expect(() => TestRuntime.replay(depth3.buggy, 'v1:0*400,1')).toThrow(
      /replay diverged: the run ended after \d+ slices/
    )
    const rt = TestRuntime.make({ seed: 0, schedule: 'v1:0,0,7' })
    expect(() => rt.runSync(depth3.buggy)).toThrow(/diverged at decision 2/)
    // lenient: goes on
    const lenient = TestRuntime.make({ seed: 0, schedule: 'v1:0,0,7', lenient: true })
    expect(lenient.runSync(depth3.buggy)._tag).toBe('Normal')
  })

  it('old schedule strings (budgets in steps, from the random strategy) replay as before', () => {
    const rt = TestRuntime.make({ seed: 5, strategy: 'random' })
    const r = rt.runSync(depth3.buggy)
    const again = TestRuntime.make({ seed: 0, schedule: rt.schedule })
    expect(again.runSync(depth3.buggy)).toEqual(r)
    expect(TestRuntime.format(again.trace)).toBe(TestRuntime.format(rt.trace))
  })
})

const _typecheck: (e: ReadonlyArray<Runtime.Event>) => TestRuntime.Trace = (e) => e
void _typecheck
void Exit
