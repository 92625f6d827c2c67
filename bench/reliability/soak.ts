/**
 * Memory under a long message soak: `MESSAGES` (default 1e7) messages around
 * a ring of 100 processes (each receives a number and sends it on), with the
 * heap measured after a forced GC at 11 evenly spaced points. Prints the heap
 * before and after (MB) and the least-squares slope of heap over messages:
 * the bytes each message leaves behind, about 0 when nothing leaks.
 *
 * Run: `node --expose-gc --import tsx bench/reliability/soak.ts [MESSAGES]`.
 */
import * as t from 'io-ts'
import { Effect, Process, Runtime } from '../../lib/index.js'
import { heap, heapSummary } from './heap.js'

const MESSAGES = Number(process.argv[2] ?? 1e7)
const RING = 100
const SAMPLES = 10

const rt = Runtime.make()
/** One leg of the soak: `n` messages around the ring, resolved when the last arrives back. */
const leg = (first: Process.Pid<unknown>, n: number): Promise<unknown> =>
  rt.run(
    Effect.gen(function* () {
      yield* Process.send(first, { left: n, home: yield* Process.self })
      return yield* Process.receive(t.literal('lap done'))
    })
  )

const Token = t.type({ left: t.number, home: t.unknown })
const member = (next: () => Process.Pid<unknown>): Effect.Effect<never, never> =>
  Effect.forever(
    Process.receive(
      Process.on(Token, (m) =>
        m.left <= 1
          ? Effect.asUnit(Effect.either(Process.send(m.home as Process.Pid<unknown>, 'lap done')))
          : Effect.asUnit(Effect.either(Process.send(next(), { left: m.left - 1, home: m.home })))
      )
    )
  )

const pids: Array<Process.Pid<unknown>> = []
for (let i = 0; i < RING; i++) pids.push(rt.spawn(member(() => pids[(i + 1) % RING] as Process.Pid<unknown>)))
const first = pids[0] as Process.Pid<unknown>

await leg(first, MESSAGES / 100) // warm-up, not measured
const points: Array<[number, number]> = [[0, heap()]]
const started = performance.now()
const step = MESSAGES / SAMPLES
for (let i = 1; i <= SAMPLES; i++) {
  await leg(first, step)
  points.push([i * step, heap()])
}
const seconds = (performance.now() - started) / 1000
await rt.shutdown()

const { slope, ...heapSeen } = heapSummary(points)
console.log(
  JSON.stringify({
    messages: MESSAGES,
    ring: RING,
    seconds: Math.round(seconds * 10) / 10,
    messagesPerSecond: Math.round(MESSAGES / seconds),
    ...heapSeen,
    bytesPerMessage: Math.round(slope * 1e4) / 1e4
  })
)
