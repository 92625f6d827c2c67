/**
 * Fairness by time: event-loop lag and timer lateness while processes hog
 * the scheduler. Three scenarios, each for `SECONDS` (default 3):
 *
 * - `idle`: no hog, only the probes: the machine's own lag and timer
 *   lateness, the baseline the other two are read against (on a shared,
 *   loaded machine the OS, not the runtime, sets it);
 * - `busy`: one process whose every step is 1 ms of synchronous work;
 * - `flood`: 1,000 processes that never block (each sends itself a message
 *   and receives it, forever); also measured: how long a process spawned in
 *   the middle waits for its first slice.
 *
 * Meanwhile a `setInterval(1)` probe measures the event loop's lag, and a
 * process sleeping 10 ms in a loop measures how late its timer fires.
 * Prints one JSON line per scenario.
 *
 * Run: `node --import tsx bench/reliability/fairness.ts [idle|busy|flood]`.
 */
import * as t from 'io-ts'
import { Effect, Process, Runtime } from '../../lib/index.js'

const SECONDS = Number(process.env['SECONDS'] ?? 3)

const spin = (ms: number): void => {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // busy
  }
}

const pct = (xs: ReadonlyArray<number>, p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number)
}

const round = (x: number): number => Math.round(x * 100) / 100

/** Samples how late a 1 ms interval fires (the event loop's lag) until `stop()`. */
const lagProbe = () => {
  const lags: Array<number> = []
  let last = performance.now()
  const h = setInterval(() => {
    const now = performance.now()
    lags.push(Math.max(0, now - last - 1))
    last = now
  }, 1)
  return {
    stop: () => {
      clearInterval(h)
      return { p50: round(pct(lags, 50)), p99: round(pct(lags, 99)), max: round(pct(lags, 100)), samples: lags.length }
    }
  }
}

/** A process that sleeps 10 ms in a loop and records how late each wake-up is. */
const ticker = (late: Array<number>): Effect.Effect<never, never> =>
  Effect.flatMap(
    Effect.sync(() => performance.now()),
    (t0) =>
      Effect.flatMap(Effect.sleep(10), () =>
        Effect.flatMap(
          Effect.sync(() => late.push(performance.now() - t0 - 10)),
          () => ticker(late)
        )
      )
  )

const busy: Effect.Effect<never, never> = Effect.flatMap(
  Effect.sync(() => spin(1)),
  () => busy
)

const flooder: Effect.Effect<Process.NoProcess, never> = Effect.flatMap(Process.self, (me) => {
  const loop: Effect.Effect<Process.NoProcess, never> = Effect.flatMap(Process.send(me, 1), () =>
    Process.receive(Process.on(t.number, () => loop))
  )
  return loop
})

const scenario = async (name: 'idle' | 'busy' | 'flood'): Promise<void> => {
  const rt = Runtime.make()
  const late: Array<number> = []
  rt.spawn(ticker(late))
  if (name === 'busy') rt.spawn(busy)
  else if (name === 'flood') for (let i = 0; i < 1000; i++) rt.spawn(flooder)
  const probe = lagProbe()
  const firstSlice: Array<number> = []
  const spawnProbe = setInterval(() => {
    const t0 = performance.now()
    rt.spawn(Effect.sync(() => firstSlice.push(performance.now() - t0)))
  }, 250)
  await new Promise((r) => setTimeout(r, SECONDS * 1000))
  clearInterval(spawnProbe)
  const lag = probe.stop()
  const shutdownStart = performance.now()
  await rt.shutdown()
  console.log(
    JSON.stringify({
      scenario: name,
      seconds: SECONDS,
      eventLoopLagMs: lag,
      timerLateMs: {
        p50: round(pct(late, 50)),
        p99: round(pct(late, 99)),
        max: round(pct(late, 100)),
        samples: late.length
      },
      firstSliceMs: { p50: round(pct(firstSlice, 50)), max: round(pct(firstSlice, 100)), samples: firstSlice.length },
      shutdownMs: round(performance.now() - shutdownStart)
    })
  )
}

const which = process.argv[2]
for (const name of ['idle', 'busy', 'flood'] as const) if (which === undefined || which === name) await scenario(name)
