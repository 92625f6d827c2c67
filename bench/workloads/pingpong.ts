/**
 * pingpong: two processes, `R` round trips (default 500,000, times
 * `BENCH_SCALE`). Ping sends `{ n, from }` (a record carrying its pid, as
 * Erlang code does); pong answers with `n`; ping checks every answer is the
 * number it sent. A round trip is two messages and two receives. Reports
 * round trips per second.
 */
import * as t from 'io-ts'
import { Effect, Pid, Process, Runtime } from '../../lib/index.js'
import { Floor, type Proc } from '../floor.js'
import { check, impl, main, normalValue, rateResult, scaled, stopwatch, type Elapsed, type Result } from '../harness.js'

interface Outcome {
  readonly elapsed: Elapsed
  /** Round trips ping completed. */
  readonly trips: number
  /** Pings pong answered. */
  readonly answered: number
}

const Ping = t.type({ n: t.number, from: Pid.pid })

const ours = async (trips: number): Promise<Outcome> => {
  const rt = Runtime.make()
  let answered = 0
  const pong: Effect.Effect<Process.NoProcess, void> = Process.receive(
    Process.on(Ping, (m) => {
      if (m.n < 0) return Effect.unit
      answered++
      return Effect.flatMap(Process.send(m.from, m.n), () => pong)
    })
  )
  const ping = (me: Pid.Pid<unknown>, to: Pid.Pid<unknown>, i: number): Effect.Effect<Process.NoProcess, number> =>
    i === trips
      ? Effect.as(Process.send(to, { n: -1, from: me }), i)
      : Effect.flatMap(Process.send(to, { n: i, from: me }), () =>
          Process.receive(
            Process.on(t.number, (n) => {
              if (n !== i) throw new Error(`ping sent ${i}, pong answered ${n}`)
              return ping(me, to, i + 1)
            })
          )
        )
  let sw = stopwatch()
  const program = Effect.flatMap(Process.self, (me) =>
    Effect.flatMap(Process.spawn(pong), (to) =>
      Effect.flatMap(
        Effect.sync(() => {
          sw = stopwatch()
        }),
        () => ping(me, to, 0)
      )
    )
  )
  const done = normalValue(await rt.run(program), 'ping')
  const elapsed = sw()
  return { elapsed, trips: done, answered }
}

const floor = (trips: number): Promise<Outcome> =>
  new Promise((resolve) => {
    const rt = new Floor()
    let answered = 0
    const pong = rt.spawn((self) => {
      const loop = (u: unknown): void => {
        const m = u as { readonly n: number; readonly from: Proc }
        if (m.n < 0) return
        answered++
        rt.send(m.from, m.n)
        rt.receive(self, loop)
      }
      rt.receive(self, loop)
    })
    rt.spawn((me) => {
      const sw = stopwatch()
      let i = 0
      const loop = (n: unknown): void => {
        if (n !== i) throw new Error(`ping sent ${i}, pong answered ${String(n)}`)
        i++
        if (i === trips) {
          rt.send(pong, { n: -1, from: me })
          resolve({ elapsed: sw(), trips: i, answered })
          return
        }
        rt.send(pong, { n: i, from: me })
        rt.receive(me, loop)
      }
      rt.send(pong, { n: i, from: me })
      rt.receive(me, loop)
    })
  })

main(async (): Promise<Result> => {
  const which = impl()
  const trips = scaled(500_000, 10)
  const go = which === 'ours' ? ours : floor
  await go(Math.round(trips / 10)) // warm-up
  const o = await go(trips)
  check(o.trips === trips, `ping completed ${o.trips} round trips, expected ${trips}`)
  check(o.answered === trips, `pong answered ${o.answered} pings, expected ${trips}`)
  return rateResult('pingpong', which, trips, 'round trips/s', o.elapsed, { trips })
})
