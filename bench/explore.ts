/**
 * The explorer's benchmark: schedules per second, and schedules needed to
 * find each seeded race (test/races/races.ts), before and after the
 * scheduling-point strategies.
 *
 * "before" is the explorer as it was: a random walk (uniform picks, slices
 * cut after 1-16 steps) alternating with PCT whose change points are drawn
 * over slices. "after" is `explore`'s default now: POS, PCT over scheduling
 * points (depth 3) and the random walk taking turns. Also: every fixed twin
 * over 1,000 schedules at each of the 10 seeds, and `verify` on the depth-3
 * race and its twin.
 *
 * Run: npx tsx bench/explore.ts [--quick]
 */
import * as O from 'fp-ts/lib/Option.js'
import { TestRuntime } from '../lib/index.js'
import type { Fiber } from '../lib/internal/fiber.js'
import { runOnce, type Check } from '../lib/testing/driver.js'
import { prng, randomStrategy, replayStrategy, type Strategy } from '../lib/testing/schedule.js'
import { races, depth3 } from '../test/races/races.js'

const quick = process.argv.includes('--quick')
const SEEDS = quick ? [1, 2, 3] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
const CAP = 1000

/** The PCT the explorer had: change points over slices, a preempted slice cut after 1-16 steps. */
const slicePct = (seed: number, depth: number, expectedSlices: number): Strategy => {
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
      return 1 + Math.floor(rnd() * 16)
    }
  }
}

/** The old explore loop: random and slice-PCT alternating; the run that first fails, or -1. */
const before = (program: unknown, check: Check, seed: number, cap: number): number => {
  const slices = runOnce(program, replayStrategy([]), check).decisions.length
  for (let run = 0; run < cap; run++) {
    const s = (seed + Math.imul(run, 0x9e3779b9)) >>> 0
    const strategy = run % 2 === 0 ? randomStrategy(s) : slicePct(s, 3, slices)
    if (runOnce(program, strategy, check).failure !== undefined) return run
  }
  return -1
}

const after = (program: unknown, check: Check, seed: number, cap: number, strategy?: 'pos' | 'pct' | 'random') => {
  const f = TestRuntime.explore(program as never, {
    runs: cap,
    seed,
    check: check as never,
    shrinkBudget: 0,
    ...(strategy === undefined ? {} : { strategy })
  })
  return O.isSome(f) ? { run: f.value.run, by: f.value.strategy } : { run: -1, by: '-' }
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}
const show = (runs: ReadonlyArray<number>): string => {
  const hit = runs.filter((r) => r >= 0)
  return `${hit.length}/${runs.length} seeds, median ${hit.length === 0 ? '-' : median(hit) + 1} schedules`
}

/** Schedules per second on a program that never fails (every run goes to the end). */
const rate = (f: () => void, runs: number): number => {
  const t = performance.now()
  f()
  return Math.round((runs * 1000) / (performance.now() - t))
}

console.log(`schedules needed to find each race (first failing run, ${SEEDS.length} seeds, cap ${CAP})`)
console.log('| race | before (random + slice PCT) | after (mixed) | found by | POS alone | PCT alone | random alone |')
console.log('|---|---|---|---|---|---|---|')
for (const r of races) {
  const b = SEEDS.map((s) => before(r.buggy, r.check as Check, s, CAP))
  const a = SEEDS.map((s) => after(r.buggy, r.check as Check, s, CAP))
  const by = new Map<string, number>()
  for (const x of a) by.set(x.by, (by.get(x.by) ?? 0) + 1)
  const alone = (st: 'pos' | 'pct' | 'random') =>
    show(SEEDS.map((s) => after(r.buggy, r.check as Check, s, CAP, st).run))
  console.log(
    `| ${r.name} | ${show(b)} | ${show(a.map((x) => x.run))} | ${[...by].map(([k, n]) => `${k} ${n}`).join(', ')} | ${alone('pos')} | ${alone('pct')} | ${alone('random')} |`
  )
}

console.log(`\nschedules per second (each fixed twin, 1,000 schedules; before / after)`)
console.log('| program | before | after |')
console.log('|---|---|---|')
for (const r of races) {
  const check = r.check as Check
  const b = rate(() => before(r.fixed, check, 1, 1000), 1000)
  const a = rate(() => after(r.fixed, check, 1, 1000), 1000)
  console.log(`| ${r.name} (fixed) | ${b.toLocaleString('en-US')} | ${a.toLocaleString('en-US')} |`)
}

console.log(`\nfixed twins clean over 1,000 schedules at each seed`)
for (const r of races) {
  const dirty = SEEDS.filter((s) => after(r.fixed, r.check as Check, s, 1000).run >= 0)
  console.log(
    `  ${r.name}: ${dirty.length === 0 ? `clean at all ${SEEDS.length} seeds` : `FAILS at seeds ${dirty.join(', ')}`}`
  )
}

console.log('\nverify (systematic: bounded preemptions, sleep sets)')
for (const bound of [1, 2, 3]) {
  for (const [name, program] of [
    ['depth 3', depth3.buggy],
    ['depth 3 (fixed)', depth3.fixed]
  ] as const) {
    const t = performance.now()
    const v = TestRuntime.verify(program, { check: depth3.check as never, preemptions: bound })
    const plain = TestRuntime.verify(program, { check: depth3.check as never, preemptions: bound, reduction: false })
    console.log(
      `  ${name}, ${bound}: ${v.summary} (${Math.round(performance.now() - t)} ms with and without reduction; without: ${plain.interleavings.toLocaleString('en-US')} interleavings)`
    )
  }
}

console.log('\nshrunk schedules (seed 1)')
for (const r of races) {
  const f = TestRuntime.explore(r.buggy, { runs: CAP, seed: 1, check: r.check as never })
  if (O.isNone(f)) continue
  const x = f.value
  console.log(
    `  ${r.name}: ${x.unshrunk} -> ${x.preemptions} choices (${x.minimal ? '1-minimal' : 'not shown minimal'})`
  )
  for (const line of x.explanation) console.log(`    ${line}`)
}
