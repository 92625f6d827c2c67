/**
 * A supervision tree that survives injected crashes.
 *
 * ```text
 * app (Supervisor, one_for_one)
 * ├── counter        GenServer registered as 'counter': counts the jobs done
 * └── pool (Supervisor, one_for_one)
 *     ├── worker-1   GenServer: squares numbers, tells the counter
 *     ├── worker-2
 *     └── worker-3
 * ```
 *
 * In Elixir:
 *
 * ```elixir
 * children = [
 *   %{id: :counter, start: {GenServer, :start_link, [Counter, 0, [name: :counter]]}},
 *   %{id: :pool, type: :supervisor,
 *     start: {Supervisor, :start_link, [workers, [strategy: :one_for_one, name: :pool]]}}
 * ]
 * Supervisor.start_link(children, strategy: :one_for_one, name: :app)
 * ```
 *
 * The client gives the workers jobs, then breaks things: a job that makes
 * worker-2 throw (the call fails with the crash reason, the pool restarts
 * worker-2), and a `kill` of the counter (the app restarts it under the same
 * name, with a fresh count: its state is lost, as with any crash). The jobs
 * that follow run as if nothing happened. Every child start is logged, so
 * the example prints what restarted.
 *
 * Run it: `npx tsx examples/supervision-tree.ts`
 */
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, Runtime } from '../lib/index.js'
import type { Pid } from '../lib/Pid.js'
import * as GenServer from '../lib/GenServer.js'
import * as Supervisor from '../lib/Supervisor.js'
import { runIfMain } from './run.js'

// -------------------------------------------------------------------------------------
// the counter: a GenServer registered by name
// -------------------------------------------------------------------------------------

type CounterCall = 'count'

const counter: GenServer.Behaviour<number, number, CounterCall, number> = {
  init: (n) => Effect.succeed(GenServer.ok(n)),
  handleCall: (_count, _from, n) => Effect.succeed(GenServer.replyWith(n, n)),
  handleCast: (_done, n) => Effect.succeed(GenServer.noReply(n + 1))
}

// -------------------------------------------------------------------------------------
// the workers
// -------------------------------------------------------------------------------------

type Job = { readonly _tag: 'Square'; readonly n: number } | { readonly _tag: 'Explode' }

const workerBehaviour: GenServer.Behaviour<string, string, Job, number> = {
  init: (id) => Effect.succeed(GenServer.ok(id)),
  handleCall: (job, _from, id) => {
    switch (job._tag) {
      case 'Square':
        // tell the counter (by name: whichever incarnation is there), then answer
        return Effect.as(GenServer.cast('counter', 'done'), GenServer.replyWith(job.n * job.n, id))
      case 'Explode':
        return Effect.sync(() => {
          throw new Error(`${id} exploded`)
        })
    }
  }
}

// -------------------------------------------------------------------------------------
// the tree
// -------------------------------------------------------------------------------------

/** Each start of a child is logged: a second start of the same child is a restart. */
const logged = (starts: Array<string>, path: string, start: Effect.Effect<unknown, Pid<unknown>>) =>
  Effect.tap(start, (pid) =>
    Effect.sync(() => {
      const again = starts.includes(path)
      starts.push(path)
      console.log(`  ${again ? 'restarted' : 'started'} ${path} as ${String(pid)}`)
    })
  )

const workerIds = ['worker-1', 'worker-2', 'worker-3'] as const

const tree = (starts: Array<string>) =>
  Supervisor.startLink(
    [
      { id: 'counter', start: logged(starts, 'counter', GenServer.startLink(counter, 0, { name: 'counter' })) },
      {
        id: 'pool',
        type: 'supervisor',
        start: logged(
          starts,
          'pool',
          Supervisor.startLink(
            workerIds.map((id) => ({
              id,
              start: logged(starts, `pool/${id}`, GenServer.startLink(workerBehaviour, id))
            })),
            { strategy: 'one_for_one', name: 'pool' }
          )
        )
      }
    ],
    { strategy: 'one_for_one', name: 'app', maxRestarts: 5, maxSeconds: 10 }
  )

// -------------------------------------------------------------------------------------
// the client
// -------------------------------------------------------------------------------------

const workerPid = (id: string) =>
  Effect.flatMap(Supervisor.whichChildren('pool'), (children) => {
    const child = children.find((c) => c.id === id)
    return child !== undefined && O.isSome(child.pid)
      ? Effect.succeed(child.pid.value)
      : Effect.die(new Error(`${id} is not running`))
  })

/** Round-robin jobs over the pool. */
const squares = (ns: ReadonlyArray<number>) =>
  Effect.traverseArray((n: number) =>
    Effect.flatMap(workerPid(workerIds[n % workerIds.length] as string), (pid) =>
      GenServer.call<number>(pid, { _tag: 'Square', n } satisfies Job)
    )
  )(ns)

/** Waits until `pid` is gone (its supervisor got the EXIT before this DOWN arrives). */
const gone = (pid: Pid<unknown>) =>
  Effect.flatMap(Process.monitor(pid), (ref) =>
    Process.receive(
      Process.on(Exit.Down, (d) =>
        d.ref === ref ? Effect.succeed(d.reason) : Effect.die(new Error('unexpected DOWN'))
      )
    )
  )

/** What the example returns, so the test can check it. */
export interface SupervisionTreeResult {
  readonly before: ReadonlyArray<number>
  readonly countBefore: number
  /** How the call that made worker-2 throw ended. */
  readonly explosion: string
  readonly after: ReadonlyArray<number>
  /** The counter restarted from 0: only the jobs after its crash. */
  readonly countAfter: number
  /** Every child start, in order (a path seen twice is a restart). */
  readonly starts: ReadonlyArray<string>
  /** The app's children at the end, newest first. */
  readonly appChildren: ReadonlyArray<string>
}

const client = (starts: Array<string>) =>
  Effect.gen(function* () {
    yield* tree(starts)

    const before = yield* squares([1, 2, 3, 4, 5, 6])
    const countBefore = yield* GenServer.call<number>('counter', 'count')
    console.log(`  squares ${before.join(' ')}; counter: ${countBefore}`)

    // crash 1: a job that makes worker-2 throw; the call fails with worker-2's exit reason
    const w2 = yield* workerPid('worker-2')
    const exploded = yield* Effect.either(GenServer.call(w2, { _tag: 'Explode' } satisfies Job))
    const explosion = E.isLeft(exploded) ? Exit.format(exploded.left.reason) : 'no explosion'
    console.log(`  the job on worker-2 failed: ${explosion}`)
    yield* Supervisor.whichChildren('pool') // the pool has handled worker-2's EXIT by now

    // crash 2: the counter is killed; the app restarts it under the same name
    const c = yield* Process.whereis('counter')
    if (O.isSome(c)) {
      yield* Process.exit(c.value, Exit.kill)
      const reason = yield* gone(c.value)
      console.log(`  the counter was killed: ${Exit.format(reason)}`)
    }
    const appChildren = (yield* Supervisor.whichChildren('app')).map((child) => child.id ?? '?')

    const after = yield* squares([7, 8, 9])
    const countAfter = yield* GenServer.call<number>('counter', 'count')
    console.log(`  squares ${after.join(' ')}; counter: ${countAfter}`)

    const restarted = starts.filter((p, i) => starts.indexOf(p) !== i)
    console.log(`  restarted: ${restarted.join(', ')}`)

    yield* Supervisor.stop('app')
    return { before, countBefore, explosion, after, countAfter, starts: [...starts], appChildren }
  })

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

export const main = async (): Promise<SupervisionTreeResult> => {
  const rt = Runtime.make()
  const exit = await rt.run(client([]))
  if (exit._tag !== 'Normal' || exit.value === undefined) throw new Error(`the client ended with ${Exit.format(exit)}`)
  return exit.value
}

runIfMain(import.meta.url, main)
