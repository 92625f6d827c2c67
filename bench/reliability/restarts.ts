/**
 * Crash/restart cycles under a supervisor: one `one_for_one` supervisor with
 * 10 children, each crashing as soon as it starts (`Effect.die`), restarted
 * at once (`maxRestarts` high enough never to give up), until `CYCLES`
 * (default 300,000) crashes. The heap is measured after a forced GC at 11
 * evenly spaced points. Prints cycles per second, the heap before and after
 * (MB) and the least-squares slope (bytes per cycle, about 0 when flat).
 *
 * Run: `node --expose-gc --import tsx bench/reliability/restarts.ts [CYCLES]`.
 */
import { Effect, Process, Runtime } from '../../lib/index.js'
import { heap, heapSummary } from './heap.js'
import * as Supervisor from '../../lib/Supervisor.js'

const CYCLES = Number(process.argv[2] ?? 300_000)
const CHILDREN = 10
const SAMPLES = 10

let crashes = 0
let target = 0
let reached: (() => void) | undefined
/** A child that crashes once started; it waits while the bench measures (crashes == target). */
const child = (id: number): Supervisor.ChildSpec => ({
  id: `crasher-${id}`,
  start: Process.spawnLink(
    Effect.suspend(() => {
      if (crashes >= target) {
        reached?.()
        return Effect.flatMap(Process.sleep(1), () => Effect.die(new Error('crash')))
      }
      crashes++
      return Effect.die(new Error('crash'))
    })
  )
})

const rt = Runtime.make({ onError: () => {} })
const until = (n: number): Promise<void> =>
  new Promise((resolve) => {
    target = n
    reached = resolve
  })

const warm = until(CYCLES / 100)
// the supervisor's parent waits forever: a supervisor stops when its parent exits
rt.spawn(
  Effect.flatMap(
    Supervisor.startLink(
      Array.from({ length: CHILDREN }, (_, i) => child(i)),
      { strategy: 'one_for_one', maxRestarts: Number.MAX_SAFE_INTEGER, maxSeconds: 1 }
    ),
    () => Effect.never
  )
)
await warm
const points: Array<[number, number]> = [[0, heap()]]
const base = crashes
const started = performance.now()
let measuring = 0
const step = CYCLES / SAMPLES
for (let i = 1; i <= SAMPLES; i++) {
  const t0 = performance.now()
  await until(base + i * step)
  measuring += performance.now() - t0
  points.push([i * step, heap()])
}
const seconds = (performance.now() - started) / 1000
target = Infinity
await rt.shutdown()

const { slope, ...heapSeen } = heapSummary(points)
console.log(
  JSON.stringify({
    cycles: CYCLES,
    children: CHILDREN,
    seconds: Math.round(seconds * 10) / 10,
    cyclesPerSecond: Math.round(CYCLES / (measuring / 1000)),
    ...heapSeen,
    bytesPerCycle: Math.round(slope * 100) / 100
  })
)
