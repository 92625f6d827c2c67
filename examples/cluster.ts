/**
 * Three nodes on one machine over NATS, each its own OS process: the boss
 * (this process) runs a job queue and a supervisor; the workers it
 * supervises live on nodes `w1` and `w2` (examples/cluster-node.ts). Midway
 * `w2` is killed (`kill -9`): its workers' links give the supervisor
 * `noconnection`, it starts them again on a node that is up, the queue
 * hands the jobs they held to others, and every job is done exactly once.
 *
 * ```text
 * boss                                  w1, w2
 * ├── queue   GenServer: jobs, results  worker  takes a job, works, hands it in
 * └── crew    Supervisor, one_for_one   ...
 *     ├── worker-1  on w1   (Node.spawnLink)
 *     ├── worker-2  on w2
 *     ├── worker-3  on w1
 *     └── worker-4  on w2
 * ```
 *
 * Run it (needs nats-server on PATH, or a server's URL):
 * `npx tsx examples/cluster.ts [nats://host:4222]`. On several machines:
 * run `npx tsx examples/cluster-node.ts w1 nats://server:4222` on one worker
 * machine, `... w2 ...` on another, and
 * `npx tsx examples/cluster.ts nats://server:4222 --remote-workers` on a third.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import * as t from 'io-ts'
import { Effect, GenServer, Node, Process, Runtime, Supervisor } from '../lib/index.js'
import { nats } from '../lib/nats/index.js'
import { natsServerBinary, startNatsServer } from '../test/nats/server.js'
import { runIfMain } from './run.js'

const JOBS = 40

interface Queue {
  readonly todo: ReadonlyArray<number>
  /** The job each worker holds, by the worker's pid. */
  readonly held: ReadonlyMap<Process.Pid, number>
  readonly done: ReadonlyMap<number, { readonly value: number; readonly node: string }>
  readonly doneTwice: number
  readonly boss: Process.Pid
}

const Done = t.type({ done: t.number, value: t.number, node: t.string })
type Take = 'take' & GenServer.Call<{ readonly job: number } | 'none'>
type Report = 'report' & GenServer.Call<Queue>

/** The queue: hands out jobs, takes results, and puts back the job of a worker that is lost. */
const queue: GenServer.Behaviour<
  Process.Pid,
  Queue,
  Take | Report,
  { job: number } | 'none' | Queue,
  unknown,
  t.TypeOf<typeof Done>
> = {
  init: (boss) =>
    Effect.succeed(
      GenServer.ok({
        todo: Array.from({ length: JOBS }, (_, i) => i + 1),
        held: new Map(),
        done: new Map(),
        doneTwice: 0,
        boss
      })
    ),
  handleCall: (req, from, q) =>
    Effect.gen(function* () {
      if (req === 'report') return GenServer.replyWith(q, q)
      const [job, ...rest] = q.todo
      if (job === undefined) return GenServer.replyWith('none' as const, q)
      if (![...q.held.keys()].includes(from.pid)) yield* Process.monitor(from.pid)
      return GenServer.replyWith({ job }, { ...q, todo: rest, held: new Map(q.held).set(from.pid, job) })
    }),
  handleCast: (d, q) =>
    Effect.gen(function* () {
      const held = new Map(q.held)
      for (const [pid, job] of held) if (job === d.done) held.delete(pid)
      const done = new Map(q.done).set(d.done, { value: d.value, node: d.node })
      yield* Process.send(q.boss, { progress: done.size })
      return GenServer.noReply({ ...q, held, done, doneTwice: q.doneTwice + (q.done.has(d.done) ? 1 : 0) })
    }),
  handleInfo: (message, q) => {
    // a worker ended (or its node was lost) while holding a job: put the job back
    const down = message as { readonly _tag?: string; readonly pid?: Process.Pid }
    const job = down._tag === 'DOWN' && down.pid !== undefined ? q.held.get(down.pid) : undefined
    if (job === undefined || down.pid === undefined) return Effect.succeed(GenServer.noReply(q))
    const held = new Map(q.held)
    held.delete(down.pid)
    return Effect.succeed(GenServer.noReply({ ...q, todo: [job, ...q.todo], held }))
  }
}

/** What the run shows: every job done once, who did them, and the restarts after the kill. */
export interface Result {
  readonly jobs: number
  readonly doneOnce: boolean
  readonly byNode: Readonly<Record<string, number>>
  readonly killedAfter: number
  readonly restartedOn: ReadonlyArray<string>
}

/**
 * Runs the boss. Without `servers` it starts its own nats-server; unless
 * `remoteWorkers`, it starts w1 and w2 as child processes here (and kills w2
 * midway); with `remoteWorkers` they run elsewhere and you stop w2 yourself.
 */
export const main = async (servers?: string, remoteWorkers = false): Promise<Result> => {
  const bin = servers === undefined ? natsServerBinary() : undefined
  if (servers === undefined && bin === undefined) throw new Error('nats-server not found on PATH: give a server URL')
  const server = servers === undefined ? await startNatsServer(bin!) : undefined
  const url = servers ?? server!.url
  const nodes: Record<string, ChildProcess> = {}
  const startNode = (name: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('cluster-node.ts', import.meta.url)), name, url],
        { stdio: ['ignore', 'pipe', 'inherit'] }
      )
      nodes[name] = child
      child.stdout!.on('data', (d: Buffer) => (String(d).includes('ready') ? resolve() : undefined))
      child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)))
    })
  if (!remoteWorkers) await Promise.all([startNode('w1'), startNode('w2')])
  const rt = Runtime.make({ node: { name: 'boss', transport: nats({ servers: url, prefix: 'cluster' }) } })
  try {
    const exit = await rt.run(
      Effect.gen(function* () {
        const me = yield* Process.self
        for (const n of ['w1', 'w2']) while (!(yield* Node.connect(n))) yield* Effect.sleep(20)
        const q = yield* GenServer.startLink(queue, me)
        const restartedOn: Array<string> = []
        let firstStarts = 4
        /** A worker on its home node, or on a node that is up when home is lost. */
        const workerOn = (id: string, home: string): Supervisor.ChildSpec => ({
          id,
          restart: 'transient',
          start: Effect.gen(function* () {
            const up = yield* Node.list
            const node = up.includes(home) ? home : (up[0] ?? home)
            if (firstStarts > 0) firstStarts--
            else restartedOn.push(node)
            return yield* Node.spawnLink(node, 'worker', { queue: q })
          })
        })
        const crew = yield* Supervisor.startLink(
          [
            workerOn('worker-1', 'w1'),
            workerOn('worker-2', 'w2'),
            workerOn('worker-3', 'w1'),
            workerOn('worker-4', 'w2')
          ],
          { strategy: 'one_for_one', maxRestarts: 10, maxSeconds: 5 }
        )
        let killedAfter = 0
        for (let progress = 0; progress < JOBS;) {
          progress = (yield* Process.receive(t.type({ progress: t.number }))).progress
          if (progress >= JOBS / 4 && killedAfter === 0) {
            killedAfter = progress
            if (remoteWorkers) console.log(`now stop w2 (kill -9, or Ctrl-C on its machine)`)
            else {
              nodes['w2']!.kill('SIGKILL')
              console.log(`w2 killed (kill -9) after ${progress} of ${JOBS} jobs`)
            }
          }
        }
        const report = yield* GenServer.call(q, 'report' as Report)
        yield* Supervisor.stop(crew)
        const byNode: Record<string, number> = {}
        for (const { node } of report.done.values()) byNode[node] = (byNode[node] ?? 0) + 1
        const result: Result = {
          jobs: report.done.size,
          doneOnce: report.doneTwice === 0 && [...report.done].every(([job, r]) => r.value === job * job),
          byNode,
          killedAfter,
          restartedOn
        }
        console.log(
          `${result.jobs} of ${JOBS} jobs done, each once: ${result.doneOnce}; by node: ${JSON.stringify(byNode)}`
        )
        console.log(`workers restarted on: ${restartedOn.join(', ')}`)
        return result
      })
    )
    if (exit._tag !== 'Normal' || exit.value === undefined)
      throw new Error(`the boss ended with ${JSON.stringify(exit)}`)
    return exit.value
  } finally {
    Object.values(nodes).forEach((c) => c.kill('SIGKILL'))
    await rt.shutdown()
    await server?.dispose()
  }
}

runIfMain(import.meta.url, () => main(process.argv[2], process.argv[3] === '--remote-workers'), { print: false })
