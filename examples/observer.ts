/**
 * A small world to watch with the observer (`npm run observer`):
 *
 * ```text
 * app (Supervisor, one_for_one)
 * ├── pool (Supervisor, one_for_one)
 * │   ├── worker-1   GenServer: squares numbers
 * │   ├── worker-2
 * │   ├── worker-3
 * │   └── flaky      GenServer: crashes on every third job (the pool restarts it)
 * ├── ledger         a process with an io-ts mailbox: a bad entry is a dead letter with its report
 * └── client         gives the pool jobs, forever
 * ```
 *
 * Run it: `npm run observer` (PORT=4000 by default), then open the printed
 * URL. The page's exit action is on here, guarded by the printed token.
 */
import * as t from 'io-ts'
import { Effect, Process, Runtime } from '../lib/index.js'
import * as GenServer from '../lib/GenServer.js'
import * as Supervisor from '../lib/Supervisor.js'
import * as Task from '../lib/Task.js'
import * as Observer from '../lib/observer/index.js'
import { runIfMain } from './run.js'

type Job = { readonly _tag: 'Square'; readonly n: number }

const worker: GenServer.Behaviour<string, number, Job, number> = {
  init: () => Effect.succeed(GenServer.ok(0)),
  handleCall: (job, _from, done) => Effect.succeed(GenServer.replyWith(job.n * job.n, done + 1))
}

/** Crashes on every third job: a supervised worker that keeps being restarted. */
const flaky: GenServer.Behaviour<string, number, Job, number> = {
  init: () => Effect.succeed(GenServer.ok(0)),
  handleCall: (job, _from, done) =>
    done === 2
      ? Effect.sync(() => {
          throw new Error(`flaky gave up on job ${job.n}`)
        })
      : Effect.succeed(GenServer.replyWith(job.n * job.n, done + 1))
}

const Entry = t.type({ account: t.string, amount: t.number }, 'Entry')

/** Keeps a balance; its mailbox takes only entries. */
const ledger = (balance: number): Effect.Effect<never, never> =>
  Process.receive(Process.on(Entry, (e) => ledger(balance + e.amount)))

const workers = ['worker-1', 'worker-2', 'worker-3'] as const

/** The client, round after round: a job to each worker and to flaky, a ledger entry (every third one malformed), a pause. */
const client = (every: number, round = 0): Effect.Effect<never, never> =>
  Effect.gen(function* () {
    for (const id of [...workers, 'flaky']) {
      yield* Effect.either(GenServer.call<number>(id, { _tag: 'Square', n: round } satisfies Job, 1000))
    }
    const entry = round % 3 === 2 ? { account: 'cash', amount: 'lots' } : { account: 'cash', amount: 1 }
    yield* Effect.either(Process.send('ledger', entry))
    yield* Effect.sleep(every)
    return yield* client(every, round + 1)
  })

/**
 * The world: the supervision tree and its client. `every` is the client's
 * pause between rounds (ms).
 */
export const world = (every = 700) =>
  Supervisor.startLink(
    [
      {
        id: 'pool',
        type: 'supervisor',
        start: Supervisor.startLink(
          [
            ...workers.map((id) => ({ id, start: GenServer.startLink(worker, id, { name: id }) })),
            { id: 'flaky', start: GenServer.startLink(flaky, 'flaky', { name: 'flaky' }) }
          ],
          { strategy: 'one_for_one', name: 'pool', maxRestarts: 100, maxSeconds: 10 }
        )
      },
      {
        id: 'ledger',
        start: Effect.flatMap(Process.spawnLink(ledger(0), { mailbox: Entry }), (pid) =>
          Effect.as(Process.register('ledger', pid), pid)
        )
      },
      { id: 'client', start: Task.startLink(client(every)) }
    ],
    { strategy: 'one_for_one', name: 'app', maxRestarts: 100, maxSeconds: 10 }
  )

export const main = async (): Promise<Observer.Observer> => {
  const rt = Runtime.make()
  const observer = await Observer.serve(rt, {
    port: Number(process.env['PORT'] ?? 4000),
    allowExit: true,
    title: 'example world'
  })
  rt.spawn(Effect.flatMap(world(), () => Effect.never))
  return observer
}

runIfMain(import.meta.url, main, { print: false })
