/**
 * A worker node of examples/cluster.ts, as its own OS process (on this
 * machine or another one):
 *
 *   npx tsx examples/cluster-node.ts <node name> <nats url>
 *
 * It exposes one program, `worker`: take a job from the queue (a GenServer
 * on the boss node), work on it, hand in the result, until there is none.
 */
import * as t from 'io-ts'
import { Effect, GenServer, Node, Process, Runtime } from '../lib/index.js'
import { nats } from '../lib/nats/index.js'

export const Job = t.union([t.type({ job: t.number }), t.literal('none')])

export const worker = Node.program(t.type({ queue: Process.pid }), ({ queue }) =>
  Effect.gen(function* () {
    const node = yield* Node.self
    for (;;) {
      const next = yield* GenServer.call<t.TypeOf<typeof Job>>(queue, 'take')
      if (next === 'none') return
      yield* Effect.sleep(20) // the work
      yield* GenServer.cast(queue, { done: next.job, value: next.job * next.job, node })
    }
  })
)

const [name, url] = process.argv.slice(2)
if (name !== undefined && url !== undefined) {
  Runtime.make({ node: { name, transport: nats({ servers: url, prefix: 'cluster' }), programs: { worker } } })
  console.log(`${name} ready`)
}
