/**
 * memory: `N` idle processes (default 100,000, times `BENCH_SCALE`), each
 * blocked in a receive. Heap bytes per process = (heapUsed after spawning
 * them and letting them block - heapUsed before) / N, both read after a
 * forced full GC. Every process runs the same program (a receive of a
 * number), so this is what the runtime itself holds per process. Then the
 * check: all `N` are alive and waiting, and each one takes the one message
 * sent to it and exits (the sum is right, none is left). Lower is better.
 */
import * as t from 'io-ts'
import { Effect, Process, Runtime } from '../../lib/index.js'
import { Floor, type Proc } from '../floor.js'
import { check, heapAfterGc, impl, main, scaled, tick, type Result } from '../harness.js'

interface Outcome {
  readonly bytes: number
  readonly sum: number
}

/** Waits (letting the runtime drain) until `ready()`, failing after `ms`. */
const until = async (ready: () => boolean, what: string, ms = 60_000): Promise<void> => {
  const end = performance.now() + ms
  while (!ready()) {
    check(performance.now() < end, `timed out waiting until ${what}`)
    await tick(5)
  }
}

const ours = async (n: number): Promise<Outcome> => {
  let sum = 0
  let received = 0
  const idle = Process.receive(
    Process.on(t.number, (i) =>
      Effect.sync(() => {
        sum += i
        received++
      })
    )
  )
  const rt = Runtime.make()
  const pids: Array<Process.Pid<unknown>> = new Array(n)
  for (let i = 0; i < n; i++) pids[i] = undefined as never // the array is allocated before the first reading
  const before = heapAfterGc()
  for (let i = 0; i < n; i++) pids[i] = rt.spawn(idle)
  const blocked = (): boolean => {
    const ps = rt.processes()
    return ps.length === n && ps.every((p) => p.status === 'waiting' && p.mailbox === 0)
  }
  await until(blocked, `${n} processes wait in receive`)
  const after = heapAfterGc()
  for (let i = 0; i < n; i++) rt.send(pids[i] as Process.Pid<unknown>, i)
  await until(() => received === n, `${n} processes took their message`)
  await until(() => rt.processes().length === 0, 'every process has exited')
  return { bytes: (after - before) / n, sum }
}

const floor = async (n: number): Promise<Outcome> => {
  let sum = 0
  let received = 0
  let started = 0
  const take = (i: unknown): void => {
    sum += i as number
    received++
  }
  const idle = (self: Proc): void => {
    started++
    rt.receive(self, take)
  }
  const rt = new Floor()
  const pids: Array<Proc> = new Array(n)
  for (let i = 0; i < n; i++) pids[i] = undefined as never
  const before = heapAfterGc()
  for (let i = 0; i < n; i++) pids[i] = rt.spawn(idle)
  await until(() => started === n, `${n} processes wait in receive`)
  const after = heapAfterGc()
  check(
    pids.every((p) => p.k === take && p.head === p.tail),
    'every process waits in receive with an empty mailbox'
  )
  for (let i = 0; i < n; i++) rt.send(pids[i] as Proc, i)
  await until(() => received === n, `${n} processes took their message`)
  return { bytes: (after - before) / n, sum }
}

main(async (): Promise<Result> => {
  const which = impl()
  const n = scaled(100_000, 100)
  const go = which === 'ours' ? ours : floor
  await go(Math.max(100, Math.round(n / 10))) // warm-up
  const t0 = performance.now()
  const o = await go(n)
  const ms = performance.now() - t0
  check(o.sum === (n * (n - 1)) / 2, `the processes summed ${o.sum}, expected ${(n * (n - 1)) / 2}`)
  check(o.bytes > 0, `a process took ${o.bytes} bytes: the reading is wrong`)
  return {
    workload: 'memory',
    impl: which,
    value: o.bytes,
    unit: 'bytes/process',
    higherIsBetter: false,
    ms,
    details: { processes: n }
  }
})
