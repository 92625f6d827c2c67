/**
 * In the page: a supervised pool of three workers bridged to an RxJS pipeline fed by DOM
 * events. A real `EventTarget` (a stand-in for a button) fires a `job` event per click;
 * `fromEvent` turns them into a stream; each job is `Rx.ask`ed of a worker (by name, three
 * in flight). The worker that gets job 7 first crashes; the ask fails with `Rx.AskFailed`,
 * the supervisor restarts the worker under its name, and `retry` asks again: every job is
 * answered.
 */
import * as t from 'io-ts'
import { defer, fromEvent, lastValueFrom, map, mergeMap, of, retry, take, toArray } from 'rxjs'
import { Effect, Exit, Process, Runtime, Rx, Scheduler, Supervisor } from '../../../lib/index.js'

const JOBS = 12
const Job = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })

const crashes: Array<string> = []
const starts: Array<string> = []
let crashed = false

/** Registered as `id`: squares each job; crashes on the first job 7 it sees. */
const worker = (id: string) =>
  Effect.gen(function* () {
    yield* Process.register(id, yield* Process.self)
    starts.push(id)
    for (;;) {
      const job = yield* Process.receive(Job)
      if (job.n === 7 && !crashed) {
        crashed = true
        return yield* Effect.die(new Error(`${id} dropped job 7`))
      }
      yield* Rx.reply(job.replyTo, job.n * job.n)
    }
  })

const ids = ['worker-0', 'worker-1', 'worker-2']
const rt = Runtime.make()
rt.exits$.subscribe(({ reason }) => {
  if (reason._tag === 'Defect') crashes.push(Exit.format(reason))
})
const pool = rt.spawn(
  Effect.flatMap(
    Supervisor.startLink(
      ids.map((id) => ({ id, start: Process.spawnLink(worker(id)) })),
      { strategy: 'one_for_one', maxRestarts: 5, maxSeconds: 5 }
    ),
    () => Effect.never
  )
)

// the "button" and its clicks
const button = new EventTarget()
const answers = lastValueFrom(
  fromEvent(button, 'job').pipe(
    map((e) => (e as CustomEvent<number>).detail),
    take(JOBS),
    mergeMap(
      (n) =>
        defer(() =>
          of(n).pipe(
            Rx.ask(rt, ids[n % ids.length] ?? '', (n: number, replyTo: Rx.ReplyTo<number>) => ({ n, replyTo }), {
              timeout: 5_000
            })
          )
        ).pipe(retry({ count: 3, delay: 10 })),
      3
    ),
    toArray()
  )
)
while (starts.length < ids.length) await new Promise((k) => setTimeout(k, 1))
for (let n = 1; n <= JOBS; n++) {
  button.dispatchEvent(new CustomEvent('job', { detail: n }))
  await new Promise((k) => setTimeout(k, 2))
}
const squares = await answers
const alive = rt.processes().map((p) => p.pid)
await rt.shutdown()

export const result = {
  squares: [...squares].sort((a, b) => a - b),
  crashes,
  starts,
  poolAlive: alive.includes(pool),
  macrotask: Scheduler.macrotask()
}
