// The worker thread's node of the node benchmarks (plain JavaScript: worker threads run the built package, no tsx).
import * as t from 'io-ts'
import { Effect, Node, Process } from 'fp-ts-actors'
import { Worker } from 'fp-ts-actors/node'

const Ping = t.type({ from: Process.pid, i: t.number })
const Count = t.type({ from: Process.pid, n: t.number })

/** Answers `{ from, i }` with `i`, forever. */
const pong = Node.program(t.null, () =>
  Effect.forever(Process.receive(Process.on(Ping, (m) => Process.send(m.from, m.i))))
)

/** Pings `to` (`{ from, i }`, answered with `i`) `n` times, one at a time, then tells `report` how long it took. */
const pinger = Node.program(t.type({ to: Process.pid, n: t.number, report: Process.pid }), ({ to, n, report }) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    const start = performance.now()
    for (let i = 0; i < n; i++) {
      yield* Process.send(to, { from: me, i })
      yield* Process.receive(t.number)
    }
    yield* Process.send(report, { ms: performance.now() - start })
  })
)

/** Takes numbers until it has `n` of them, then tells `from` their sum. */
const sink = Node.program(Count, ({ from, n }) => {
  let sum = 0
  let left = n
  const loop = Process.receive(
    Process.on(t.number, (x) => {
      sum += x
      return --left === 0 ? Process.send(from, { sum }) : loop
    })
  )
  return left === 0 ? Process.send(from, { sum }) : loop
})

/** CPU-bound: the sum of square roots below `n`, sent to `to`. */
const work = Node.program(t.type({ to: Process.pid, n: t.number, job: t.number }), ({ to, n, job }) =>
  Effect.suspend(() => Process.send(to, { job, value: sqrtSum(n) }))
)

export const sqrtSum = (n) => {
  let s = 0
  for (let i = 0; i < n; i++) s += Math.sqrt(i)
  return s
}

if (Worker.isWorker()) Worker.serve({ programs: { pong, pinger, sink, work } })
