/**
 * A supervisor on the main thread restarting workers that live on a worker
 * thread, surviving the thread's crash.
 *
 * ```text
 * main thread (node main)                     worker thread (node pool)
 * pool (Supervisor, one_for_one)
 * ├── squarer-1  ── link ──────────────────▶  squarer process
 * └── squarer-2  ── link ──────────────────▶  squarer process
 * ```
 *
 * The squarers are spawned on node `pool` by program name
 * (`Node.spawnLink('pool', 'squarer', id)`); the supervisor is linked to
 * them across the thread. Job 7 is poison: it kills the whole thread. Both
 * links then carry `noconnection`, the supervisor restarts both children,
 * and their start brings the thread back first (a new incarnation of node
 * `pool`). The client retries the job that got no answer and finishes the
 * work.
 *
 * Run it: `npx tsx examples/workers-supervisor.ts`
 */
import * as t from 'io-ts'
import { Effect, Exit, Node, Process, Runtime, Supervisor } from '../lib/index.js'
import { Transport } from '../lib/node/index.js'
import { runIfMain } from './run.js'

const Answer = t.type({ n: t.number, square: t.number, by: t.string })

/** How the main thread starts the worker module: TypeScript goes through the tsx bootstrap (compiled JavaScript would start `./workers-node.js` directly). */
const thread = {
  module: new URL('./workers-tsx.mjs', import.meta.url),
  argv: [new URL('./workers-node.ts', import.meta.url).href]
}

export const main = async (jobs = 12, poison = 7) => {
  const workers = Transport.workers()
  const rt = Runtime.make({ node: { name: 'main', transport: workers } })
  const log: Array<string> = []
  let threadStarts = 0

  /** The `pool` thread, started again after a crash (one start for every child waiting on it). */
  let running: Promise<Transport.WorkerNode> | undefined
  const poolThread = (): Promise<Transport.WorkerNode> => {
    if (running === undefined) {
      threadStarts++
      const starting = workers.start(thread.module, { name: 'pool', argv: thread.argv })
      running = starting
      void starting.then((w) =>
        w.down.then((why) => {
          log.push(`thread pool down: ${why}`)
          running = undefined
        })
      )
    }
    return running
  }

  const squarer = (id: string): Supervisor.ChildSpec => ({
    id,
    start: Effect.gen(function* () {
      yield* Effect.fromTask(poolThread)
      const pid = yield* Node.spawnLink('pool', 'squarer', id)
      log.push(`started ${id} on ${Node.of(pid)}`)
      return pid
    })
  })

  const client = Effect.gen(function* () {
    const me = yield* Process.self
    const sup = yield* Supervisor.startLink([squarer('squarer-1'), squarer('squarer-2')], {
      strategy: 'one_for_one',
      maxRestarts: 5
    })
    const results: Array<number> = []
    let retries = 0
    for (let n = 1; n <= jobs; n++) {
      for (let attempt = 1; ; attempt++) {
        const children = yield* Supervisor.whichChildren(sup)
        const running = children.flatMap((c) => (c.pid._tag === 'Some' ? [c.pid.value] : []))
        const worker = running[n % Math.max(1, running.length)]
        if (worker === undefined) {
          yield* Effect.sleep(50)
          continue
        }
        // watch the worker while it works: a DOWN (noconnection when the thread dies) means no answer is coming
        const ref = yield* Process.monitor(worker)
        yield* Process.send(worker, { n, attempt, poison: n === poison, from: me })
        const answer = yield* Process.receive(
          Process.on(Answer, (a) => Effect.succeed(a.n === n ? a.square : undefined)),
          Process.on(Exit.downOf(ref), () => Effect.succeed(undefined)),
          Process.after(5000, () => Effect.succeed(undefined))
        )
        yield* Process.demonitor(ref, { flush: true })
        if (answer !== undefined) {
          results.push(answer)
          break
        }
        retries++
        log.push(`job ${n}: no answer on attempt ${attempt}, retrying`)
      }
    }
    yield* Supervisor.stop(sup)
    return { results, retries }
  })

  const outcome = await rt.run(client)
  await rt.shutdown()
  if (outcome._tag !== 'Normal' || outcome.value === undefined)
    throw new Error(`the client ended with ${Exit.format(outcome)}`)
  const { results, retries } = outcome.value
  for (const line of log) console.log(`  ${line}`)
  console.log(`  ${results.length} jobs done, ${threadStarts} thread starts`)
  return { results, retries, threadStarts, log }
}

runIfMain(import.meta.url, main)
