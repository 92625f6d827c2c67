/**
 * spawn: one parent spawns `N` processes (default 100,000, times
 * `BENCH_SCALE`) and sends each one message, its index; each child receives
 * it, adds it to a sum and exits. The sum must be `N(N-1)/2`, every child must
 * have received exactly one message, and no process may be left. Reports
 * processes per second (spawn + message + exit), from the first spawn to the
 * last child's exit.
 */
import * as t from 'io-ts'
import { Effect, Process, Runtime } from '../../lib/index.js'
import { Floor, type Proc } from '../floor.js'
import { check, impl, main, normalValue, rateResult, scaled, stopwatch, type Elapsed, type Result } from '../harness.js'

/** Spawns per slice of the floor's parent (the production parent spawns about 300 per 2000-step slice). */
const CHUNK = 256

interface Outcome {
  readonly elapsed: Elapsed
  readonly received: number
  readonly sum: number
}

const ours = async (n: number): Promise<Outcome> => {
  const rt = Runtime.make()
  let received = 0
  let sum = 0
  let allDone: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    allDone = resolve
  })
  const child = Process.receive(
    Process.on(t.number, (i) =>
      Effect.sync(() => {
        sum += i
        if (++received === n) allDone()
      })
    )
  )
  const parent = (i: number): Effect.Effect<Process.NoProcess, number> =>
    i === n
      ? Effect.succeed(i)
      : Effect.flatMap(Process.spawn(child), (pid) => Effect.flatMap(Process.send(pid, i), () => parent(i + 1)))
  const sw = stopwatch()
  const spawned = normalValue(await rt.run(parent(0)), 'the parent')
  await done
  const elapsed = sw()
  check(spawned === n, `the parent spawned ${spawned} processes, expected ${n}`)
  // the last child exits in the same slice that ran its handler, before `done` resolves
  check(rt.processes().length === 0, `${rt.processes().length} processes are left`)
  return { elapsed, received, sum }
}

const floor = (n: number): Promise<Outcome> =>
  new Promise((resolve) => {
    const rt = new Floor()
    let received = 0
    let sum = 0
    const sw = stopwatch()
    const take = (i: unknown): void => {
      sum += i as number
      if (++received === n) resolve({ elapsed: sw(), received, sum })
    }
    const child = (self: Proc): void => rt.receive(self, take)
    // the parent spawns in chunks and yields in between, as the production runtime's step budget makes it do
    let i = 0
    const parent = (self: Proc): void => {
      const end = Math.min(n, i + CHUNK)
      for (; i < end; i++) rt.send(rt.spawn(child), i)
      if (i < n) rt.yield(self, parent)
    }
    rt.spawn(parent)
  })

main(async (): Promise<Result> => {
  const which = impl()
  const n = scaled(100_000, 10)
  const go = which === 'ours' ? ours : floor
  await go(Math.round(n / 10)) // warm-up
  const o = await go(n)
  check(o.received === n, `${o.received} children received their message, expected ${n}`)
  check(o.sum === (n * (n - 1)) / 2, `the children summed ${o.sum}, expected ${(n * (n - 1)) / 2}`)
  return rateResult('spawn', which, n, 'processes/s', o.elapsed, { processes: n })
})
