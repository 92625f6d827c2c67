/**
 * Our side of the NATS benchmarks: two nodes, each its own OS process, on
 * `Transport.nats`. The pinger's processes send `{ from, body }` to echo
 * processes on the other node and wait for each answer.
 *
 *   tsx bench/nats/ours.ts echo <url> <prefix>      # node "echo": spawnable echo processes
 *   tsx bench/nats/ours.ts ping <url> <prefix> <seqN> <pairs> <perPair>
 *
 * `ping` prints one JSON line like bench/nats/raw.ts.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as t from 'io-ts'
import { report } from './measure.js'

// the built package (dist/, what users run; bench/nats/run.ts builds it first), typed by the sources
// (NATS_BENCH_DIST: another build's dist/ directory, to compare two builds in one run)
const dist = process.env['NATS_BENCH_DIST']
const built =
  dist === undefined ? new URL('../../dist/', import.meta.url).href : pathToFileURL(resolve(dist)).href + '/'
const { Effect, Node, Process, Runtime } = (await import(`${built}index.js`)) as typeof import('../../lib/index.js')
const { nats } = (await import(`${built}nats/index.js`)) as typeof import('../../lib/nats/index.js')

const [role, url = 'nats://127.0.0.1:4222', prefix = 'ours', ...rest] = process.argv.slice(2)
const transport = nats({ servers: url, prefix })
const Msg = t.type({ from: Process.pid, body: t.number })
type Effect<E, A> = import('../../lib/index.js').Effect.Effect<E, A>

const echo = Node.program(t.unknown, () =>
  Effect.forever(Process.receive(Process.on(Msg, (m) => Process.send(m.from, m.body))))
)

if (role === 'echo') {
  Runtime.make({ node: { name: 'echo', transport, programs: { echo } } })
  // connected when the pinger can reach it: it retries Node.connect until then
  process.on('SIGTERM', () => process.exit(0))
  console.log('ready')
} else {
  const [seqN, pairs, perPair] = rest.map(Number) as [number, number, number]
  const rt = Runtime.make({ node: { name: 'ping', transport } })
  const pingPong = (n: number) =>
    Effect.gen(function* () {
      const me = yield* Process.self
      const pid = yield* Node.spawn('echo', 'echo', null)
      for (let i = 0; i < n; i++) {
        yield* Process.send(pid, { from: me, body: i })
        yield* Process.receive(t.number)
      }
    })
  const time = <A>(program: Effect<unknown, A>) =>
    Effect.gen(function* () {
      const t0 = performance.now()
      yield* program
      return performance.now() - t0
    })
  const exit = await rt.run(
    Effect.gen(function* () {
      for (let i = 0; i < 200 && !(yield* Node.connect('echo')); i++) yield* Effect.sleep(25)
      yield* pingPong(2000) // warm-up
      const seqMs = yield* time(pingPong(seqN))
      const parMs = yield* time(
        Effect.gen(function* () {
          const me = yield* Process.self
          for (let p = 0; p < pairs; p++)
            yield* Process.spawn(Effect.flatMap(pingPong(perPair), () => Process.send(me, 'done')))
          for (let p = 0; p < pairs; p++) yield* Process.receive(t.literal('done'))
        })
      )
      return { seqMs, parMs }
    })
  )
  if (exit._tag !== 'Normal' || exit.value === undefined) {
    console.error(exit)
    process.exit(1)
  }
  const { seqMs, parMs } = exit.value
  report({ seqN, pairs, perPair }, seqMs, parMs)
  await rt.shutdown()
  process.exit(0)
}
