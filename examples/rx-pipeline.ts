/**
 * An RxJS pipeline through a pool of worker processes under a supervisor:
 * `Rx.ask`, with a worker crashing midway, and the output still complete and
 * in order.
 *
 * ```
 * range(1, 12) --Rx.ask(rt, 'pool', concurrency 3)--> squares, in input order
 *                      |
 *                      v
 *   supervisor (one_for_one) --- 'pool': the dispatcher (queues jobs, hands them to idle workers)
 *                            \-- worker-1, worker-2, worker-3 (each job runs in a process linked to its worker)
 * ```
 *
 * Each request carries `replyTo`, a one-shot reply alias made by `Rx.ask`;
 * the worker that does the job answers it directly (`Rx.reply`). Job 7 fails
 * the first time: its process throws, the link takes its worker down, the
 * supervisor starts a new worker, and the dispatcher, which monitors the
 * workers, puts the job of the dead one back at the front of its queue. So
 * the crashed job is re-dispatched: the pool answers every request, `ask`
 * itself never has to retry, and the output is complete and ordered.
 *
 * `rt.exits$` shows the crash as it happens, and `Rx.why` explains it.
 *
 * Run it: `npx tsx examples/rx-pipeline.ts`
 */
import * as t from 'io-ts'
import { lastValueFrom, range, tap, toArray } from 'rxjs'
import { Effect, Exit, Pid, Process, Runtime, Rx, Supervisor } from '../lib/index.js'
import { runIfMain } from './run.js'

/** What the example returns, so the test can check it. */
export interface RxPipelineResult {
  /** The answers, in the order of the jobs. */
  readonly results: ReadonlyArray<number>
  /** Jobs the dispatcher handed out again because their worker died. */
  readonly redispatched: ReadonlyArray<number>
  /** Worker starts: three, then the one the supervisor restarted. */
  readonly workerStarts: ReadonlyArray<string>
  /** Why the crashed worker died (`Rx.why`, `Rx.formatWhy`). */
  readonly why: ReadonlyArray<string>
}

const Job = t.type({ _tag: t.literal('Job'), n: t.number, replyTo: Rx.replyTo<number>() }, 'Job')
type Job = t.TypeOf<typeof Job>
const Ready = t.type({ _tag: t.literal('Ready'), worker: Pid.pid }, 'Ready')
const Result = t.type({ _tag: t.literal('Result'), n: t.number, value: t.number }, 'Result')

/** What the processes share with the example (names for `why`, and what happened). */
interface Context {
  readonly names: Map<Pid.Pid<unknown>, string>
  readonly workerStarts: Array<string>
  readonly redispatched: Array<number>
  /** The job that fails, once. */
  readonly failing: number
  failed: boolean
}

const ignore = <E>(e: Effect.Effect<E, void>): Effect.Effect<never, void> => Effect.catchAll(e, () => Effect.unit)

/**
 * The pool: jobs wait in a queue until a worker is ready; a worker that
 * dies with a job is forgotten and its job goes back to the front.
 */
const dispatcher = (ctx: Context): Effect.Effect<never, never> =>
  Effect.suspend(() => {
    const queue: Array<Job> = []
    let idle: Array<Pid.Pid<unknown>> = []
    const busy = new Map<Pid.Pid<unknown>, Job>()
    const known = new Set<Pid.Pid<unknown>>()
    const dispatch = Effect.suspend(() => {
      const sends: Array<Effect.Effect<never, void>> = []
      for (let w = idle.shift(); w !== undefined; w = idle.shift()) {
        const job = queue.shift()
        if (job === undefined) {
          idle.unshift(w)
          break
        }
        busy.set(w, job)
        sends.push(ignore(Process.send(w, job)))
      }
      return Effect.asUnit(Effect.traverseArray((e: Effect.Effect<never, void>) => e)(sends))
    })
    const step = Process.receive(
      Process.on(Job, (job) => Effect.sync(() => void queue.push(job))),
      Process.on(Ready, ({ worker }) =>
        Effect.flatMap(known.has(worker) ? Effect.unit : Effect.asUnit(Process.monitor(worker)), () =>
          Effect.sync(() => {
            known.add(worker)
            busy.delete(worker)
            idle.push(worker)
          })
        )
      ),
      Process.on(Exit.Down, ({ pid }) =>
        Effect.sync(() => {
          const job = busy.get(pid as Pid.Pid<unknown>)
          busy.delete(pid as Pid.Pid<unknown>)
          idle = idle.filter((w) => w !== pid)
          if (job !== undefined) {
            queue.unshift(job)
            ctx.redispatched.push(job.n)
            console.log(`  the pool puts job ${job.n} back in the queue: its worker died`)
          }
        })
      )
    )
    const loop: Effect.Effect<never, never> = Effect.flatMap(step, () => Effect.flatMap(dispatch, () => loop))
    return loop
  })

/** One job, in its own process linked to the worker: squares `n` (and fails once on `ctx.failing`). */
const work = (ctx: Context, n: number, worker: Pid.Pid<unknown>): Effect.Effect<never, void> =>
  Effect.gen(function* () {
    yield* Process.sleep(5)
    if (n === ctx.failing && !ctx.failed) {
      ctx.failed = true
      yield* Effect.sync(() => {
        throw new Error(`job ${n} failed`)
      })
    }
    yield* ignore(Process.send(worker, { _tag: 'Result', n, value: n * n }))
  })

/** A worker: says it is ready, then runs each job it gets and answers the asker directly. */
const worker = (ctx: Context, id: string): Effect.Effect<never, never> =>
  Effect.gen(function* () {
    const me = yield* Process.self
    ctx.names.set(me, 'worker')
    ctx.workerStarts.push(id)
    for (;;) {
      yield* ignore(Process.send('pool', { _tag: 'Ready', worker: me }))
      const job = yield* Process.receive(Job)
      const jobPid = yield* Process.spawnLink(work(ctx, job.n, me))
      ctx.names.set(jobPid, `job ${job.n}`)
      const result = yield* Process.receive(Result)
      yield* Rx.reply(job.replyTo, result.value)
    }
  })

const children = (ctx: Context): ReadonlyArray<Supervisor.ChildSpec> => [
  // the dispatcher is registered as 'pool' before the workers start (children start in order)
  { id: 'pool', start: Effect.tap(Process.spawnLink(dispatcher(ctx)), (pid) => Process.register('pool', pid)) },
  ...['worker-1', 'worker-2', 'worker-3'].map((id) => ({ id, start: Process.spawnLink(worker(ctx, id)) }))
]

export const main = async (): Promise<RxPipelineResult> => {
  const rt = Runtime.make()
  const ctx: Context = { names: new Map(), workerStarts: [], redispatched: [], failing: 7, failed: false }
  const name = { name: (p: Pid.Pid<unknown>) => ctx.names.get(p) }

  // observability: every abnormal exit as it happens, explained
  const why: Array<string> = []
  const watching = rt.exits$.subscribe(({ pid, reason, cause }) => {
    if (reason._tag === 'Normal' || reason._tag === 'Shutdown') return
    // the process a signal or link came from, by its name rather than its pid
    const from = 'from' in cause ? cause.from : undefined
    const fromName = from === undefined ? undefined : ctx.names.get(from)
    const how =
      fromName === undefined ? Exit.formatCause(cause) : Exit.formatCause(cause).replace(String(from), fromName)
    console.log(`  exit: ${ctx.names.get(pid) ?? String(pid)} ${Exit.format(reason)} (${how})`)
    if (ctx.names.get(pid) === 'worker') Rx.why(rt, pid).subscribe((chain) => why.push(Rx.formatWhy(chain, name)))
  })

  // the supervision tree, under a root process that keeps it linked to something alive
  await new Promise<void>((resolve, reject) => {
    rt.spawn(
      Effect.matchEffect(
        Supervisor.startLink(children(ctx), { strategy: 'one_for_one' }),
        (e) => Effect.sync(() => reject(new Error(`the pool did not start: ${JSON.stringify(e)}`))),
        () => Effect.flatMap(Effect.sync(resolve), () => Effect.never)
      )
    )
  })
  console.log(`  pool up: ${ctx.workerStarts.length} workers; 12 jobs, 3 in flight at a time`)

  const results = await lastValueFrom(
    range(1, 12).pipe(
      Rx.ask(rt, 'pool', (n: number, replyTo: Rx.ReplyTo<number>): Job => ({ _tag: 'Job', n, replyTo }), {
        concurrency: 3,
        timeout: 5_000
      }),
      tap((square) => console.log(`  answer: ${square}`)),
      toArray()
    )
  )
  for (const line of why) console.log(`  why: ${line}`)
  console.log(`  all ${results.length} answers, in order: ${results.join(' ')}`)

  watching.unsubscribe()
  await rt.shutdown()
  return { results, redispatched: ctx.redispatched, workerStarts: ctx.workerStarts, why }
}

runIfMain(import.meta.url, main, { print: false })
