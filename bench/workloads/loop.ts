/**
 * loop (receive-loop heap flatness): one process receives `N` messages
 * (default 1,000,000, times `BENCH_SCALE`) in a recursive receive loop. A
 * feeder sends them in windows of `W` and waits for the receiver's ack
 * before the next window, so the mailbox stays bounded and any growth is the
 * loop's own. The receiver reads heapUsed after a forced GC at 10%, 50% and
 * 90% of the run. Reports the growth from the first to the last sample (in
 * bytes; a flat loop stays near 0) and fails when it exceeds `LIMIT`; also
 * checks every message arrived, in order, and the sum.
 */
import * as t from 'io-ts'
import { Effect, Pid, Process, Runtime } from '../../lib/index.js'
import { Floor } from '../floor.js'
import { check, heapAfterGc, impl, main, normalValue, scaled, stopwatch } from '../harness.js'
import type { Elapsed, Result } from '../harness.js'

/** Messages per window: the feeder sends this many, then waits for an ack. */
const W = 1000

/** Largest heap growth between the first and the last sample that still counts as flat. */
const LIMIT = 1024 * 1024

interface Outcome {
  readonly elapsed: Elapsed
  readonly sum: number
  readonly samples: ReadonlyArray<number>
}

/** The message indices at which the receiver samples the heap. */
const marks = (n: number): ReadonlyArray<number> => [Math.floor(n * 0.1), Math.floor(n * 0.5), Math.floor(n * 0.9)]

const ours = async (n: number): Promise<Outcome> => {
  const rt = Runtime.make()
  const at = marks(n)
  const samples: Array<number> = []
  const Ack = t.literal('ack')
  const feeder = (to: Pid.Pid<unknown>): Effect.Effect<Process.NoProcess, void> => {
    const window = (i: number, end: number): Effect.Effect<Process.NoProcess, void> =>
      i === end
        ? end === n
          ? Effect.unit
          : Effect.flatMap(Process.receive(Ack), () => window(end, Math.min(n, end + W)))
        : Effect.flatMap(Process.send(to, i), () => window(i + 1, end))
    return window(0, Math.min(n, W))
  }
  const receiver = (from: Pid.Pid<unknown>): Effect.Effect<Process.NoProcess, number> => {
    const loop = (i: number, sum: number): Effect.Effect<Process.NoProcess, number> =>
      i === n
        ? Effect.succeed(sum)
        : Process.receive(
            Process.on(t.number, (m) => {
              if (m !== i) throw new Error(`message ${i} was ${m}`)
              const k = i + 1
              const rest = loop(k, sum + m)
              const acked = k % W === 0 && k < n ? Effect.flatMap(Process.send(from, 'ack'), () => rest) : rest
              if (!at.includes(k)) return acked
              return Effect.flatMap(
                Effect.sync(() => void samples.push(heapAfterGc())),
                () => acked
              )
            })
          )
    return loop(0, 0)
  }
  let sw = stopwatch()
  const program = Effect.flatMap(Process.self, (me) =>
    Effect.flatMap(Process.spawn(feeder(me)), (from) =>
      Effect.flatMap(
        Effect.sync(() => {
          sw = stopwatch()
        }),
        () => receiver(from)
      )
    )
  )
  const sum = normalValue(await rt.run(program), 'the receiver')
  const elapsed = sw()
  return { elapsed, sum, samples }
}

const floor = (n: number): Promise<Outcome> =>
  new Promise((resolve) => {
    const rt = new Floor()
    const at = marks(n)
    const samples: Array<number> = []
    const sw = stopwatch()
    rt.spawn((me) => {
      const feeder = rt.spawn((self) => {
        let i = 0
        const window = (): void => {
          const end = Math.min(n, i + W)
          for (; i < end; i++) rt.send(me, i)
          if (i < n) rt.receive(self, window)
        }
        window()
      })
      let i = 0
      let sum = 0
      const loop = (u: unknown): void => {
        const m = u as number
        if (m !== i) throw new Error(`message ${i} was ${m}`)
        sum += m
        i++
        if (at.includes(i)) samples.push(heapAfterGc())
        if (i === n) return resolve({ elapsed: sw(), sum, samples })
        if (i % W === 0) rt.send(feeder, 'ack')
        rt.receive(me, loop)
      }
      rt.receive(me, loop)
    })
  })

main(async (): Promise<Result> => {
  const which = impl()
  const n = scaled(1_000_000, 1000)
  const go = which === 'ours' ? ours : floor
  await go(Math.max(1000, Math.round(n / 10))) // warm-up
  const o = await go(n)
  check(o.sum === (n * (n - 1)) / 2, `the messages summed to ${o.sum}, expected ${(n * (n - 1)) / 2}`)
  check(o.samples.length === 3, `took ${o.samples.length} heap samples, expected 3`)
  const first = o.samples[0] as number
  const last = o.samples[2] as number
  const growth = last - first
  check(
    growth <= LIMIT,
    `the heap grew by ${growth} bytes between 10% and 90% of ${n} receives ` +
      `(samples ${o.samples.join(', ')}), limit ${LIMIT}`
  )
  return {
    workload: 'loop',
    impl: which,
    value: growth,
    unit: 'bytes of heap growth',
    higherIsBetter: false,
    ms: o.elapsed.ms,
    details: { messages: n, samples: o.samples, messagesPerSecond: (n * 1000) / o.elapsed.ms, cpuMs: o.elapsed.cpuMs }
  }
})
