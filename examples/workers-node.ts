/**
 * The worker thread's node of `workers-supervisor.ts`: it offers one
 * program, `squarer`, which answers jobs. A job marked `poison` on its first
 * attempt brings the whole thread down (`process.exit`), as a native crash or
 * an out-of-memory would.
 */
import * as t from 'io-ts'
import { Effect, Node, Process } from '../lib/index.js'
import { Worker } from '../lib/node/index.js'

export const Job = t.type({ n: t.number, attempt: t.number, poison: t.boolean, from: Process.pid })

const squarer = Node.program(t.string, (id) =>
  Effect.forever(
    Process.receive(
      Process.on(Job, (job) =>
        job.poison && job.attempt === 1
          ? Effect.sync((): void => process.exit(1))
          : Effect.flatMap(Node.self, (node) =>
              Process.send(job.from, { n: job.n, square: job.n * job.n, by: `${node}/${id}` })
            )
      )
    )
  )
)

if (Worker.isWorker()) Worker.serve({ programs: { squarer } })
