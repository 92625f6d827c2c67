/**
 * One run of one node benchmark (`bench/nodes/run.ts` runs many, each in a
 * fresh Node process): `--workload pingpong|oneway|fanout --side ours|raw|one|two`.
 * Prints one JSON line `{ workload, side, value, unit, ms, details }`.
 *
 * - pingpong: a process on the main thread and one on a worker-thread node
 *   exchange a number, one at a time (round trips/s); raw: the same over a
 *   bare `MessageChannel` port (one `postMessage` each way); nowait: ours
 *   with `busyWaitMicros: 0` (threads that sleep as soon as they are idle).
 * - oneway: the main-thread process sends numbers to a process on the worker,
 *   which answers once with their sum (messages/s); raw: one `postMessage`
 *   per number.
 * - fanout: CPU-bound jobs spawned by program name on two worker nodes
 *   (`two`) or on one (`one`); jobs/s.
 * - relay: a process on worker w1 and one on worker w2 exchange a number, one
 *   at a time, through the main thread (three threads); `ours` or `nowait`.
 */
import * as t from 'io-ts'
import { MessageChannel, Worker as Thread } from 'node:worker_threads'
import { Effect, Exit, Node, Process, Runtime } from '../../lib/index.js'
import { Transport } from '../../lib/node/index.js'
import { scaled } from '../harness.js'

const arg = (name: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  const v = i >= 0 ? process.argv[i + 1] : undefined
  if (v === undefined) throw new Error(`expected --${name} on the command line`)
  return v
}
const workload = arg('workload')
const side = arg('side')
const nodeModule = new URL('./node.mjs', import.meta.url)
const rawModule = new URL('./raw.mjs', import.meta.url)

const print = (value: number, unit: string, ms: number, details: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ workload, side, value, unit, ms, details }))

/** CPU time of the whole process (every thread) since `from`, in ms. */
const cpuSince = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from)
  return (d.user + d.system) / 1000
}

const value = <A>(r: Exit.Reason<unknown, A>): A => {
  if (r._tag !== 'Normal') throw new Error(`benchmark process ended with ${Exit.format(r)}`)
  return r.value as A
}

/** A main node and worker nodes w1..wn. */
const cluster = async (n: number) => {
  const workers = Transport.workers(side === 'nowait' ? { busyWaitMicros: 0 } : {})
  const rt = Runtime.make({ node: { name: 'main', transport: workers } })
  for (let i = 1; i <= n; i++) await workers.start(nodeModule, { name: `w${i}` })
  return { workers, rt }
}

const ours = {
  pingpong: async (rounds: number) => {
    const { rt, workers } = await cluster(1)
    const pass = (n: number) =>
      Effect.gen(function* () {
        const me = yield* Process.self
        const pong = yield* Node.spawn('w1', 'pong', null)
        const start = performance.now()
        for (let i = 0; i < n; i++) {
          yield* Process.send(pong, { from: me, i })
          yield* Process.receive(t.number)
        }
        return performance.now() - start
      })
    value(await rt.run(pass(Math.ceil(rounds / 10))))
    const before = workers.stats().posts
    const cpu = process.cpuUsage()
    const ms = value(await rt.run(pass(rounds)))
    const cpuMs = cpuSince(cpu)
    const posts = workers.stats().posts - before
    await rt.shutdown()
    return { ms, posts, cpuMs }
  },
  oneway: async (messages: number) => {
    const { rt, workers } = await cluster(1)
    const pass = (n: number) =>
      Effect.gen(function* () {
        const me = yield* Process.self
        const sink = yield* Node.spawn('w1', 'sink', { from: me, n })
        const start = performance.now()
        for (let i = 0; i < n; i++) yield* Process.send(sink, 1)
        const { sum } = yield* Process.receive(t.type({ sum: t.number }))
        if (sum !== n) throw new Error(`sink summed ${sum}, expected ${n}`)
        return performance.now() - start
      })
    value(await rt.run(pass(Math.ceil(messages / 10))))
    const before = workers.stats().posts
    const ms = value(await rt.run(pass(messages)))
    const posts = workers.stats().posts - before
    await rt.shutdown()
    return { ms, posts }
  },
  relay: async (rounds: number) => {
    const { rt } = await cluster(2)
    const pass = (n: number) =>
      Effect.gen(function* () {
        const me = yield* Process.self
        const pong = yield* Node.spawn('w2', 'pong', null)
        yield* Node.spawn('w1', 'pinger', { to: pong, n, report: me })
        return (yield* Process.receive(t.type({ ms: t.number }))).ms
      })
    value(await rt.run(pass(Math.ceil(rounds / 10))))
    const ms = value(await rt.run(pass(rounds)))
    await rt.shutdown()
    return ms
  },
  fanout: async (jobs: number, size: number, threads: number) => {
    const { rt } = await cluster(threads)
    const pass = (n: number) =>
      Effect.gen(function* () {
        const me = yield* Process.self
        const start = performance.now()
        for (let job = 0; job < n; job++) yield* Node.spawn(`w${1 + (job % threads)}`, 'work', { to: me, n: size, job })
        for (let job = 0; job < n; job++) yield* Process.receive(t.type({ job: t.number, value: t.number }))
        return performance.now() - start
      })
    value(await rt.run(pass(threads * 2)))
    const ms = value(await rt.run(pass(jobs)))
    await rt.shutdown()
    return ms
  }
}

/** A worker running raw.mjs and the main thread's end of its channel. */
const rawWorker = async () => {
  const { port1, port2 } = new MessageChannel()
  const thread = new Thread(rawModule, { workerData: { port: port2 }, transferList: [port2] })
  await new Promise((resolve) => thread.once('online', resolve))
  const next = () => new Promise<unknown>((resolve) => port1.once('message', resolve))
  return { port: port1, next, close: () => thread.terminate().then(() => port1.close()) }
}

const raw = {
  pingpong: async (rounds: number) => {
    const w = await rawWorker()
    const pass = async (n: number) => {
      const start = performance.now()
      for (let i = 0; i < n; i++) {
        const answer = w.next()
        w.port.postMessage({ kind: 'ping', i })
        await answer
      }
      return performance.now() - start
    }
    await pass(Math.ceil(rounds / 10))
    const cpu = process.cpuUsage()
    const ms = await pass(rounds)
    const cpuMs = cpuSince(cpu)
    await w.close()
    return { ms, cpuMs }
  },
  oneway: async (messages: number) => {
    const w = await rawWorker()
    const pass = async (n: number) => {
      const done = w.next()
      const start = performance.now()
      w.port.postMessage({ kind: 'count', n })
      for (let i = 0; i < n; i++) w.port.postMessage(1)
      const { sum } = (await done) as { readonly sum: number }
      if (sum !== n) throw new Error(`raw sink summed ${sum}, expected ${n}`)
      return performance.now() - start
    }
    await pass(Math.ceil(messages / 10))
    const ms = await pass(messages)
    await w.close()
    return ms
  }
}

const main = async () => {
  if (workload === 'pingpong') {
    const rounds = scaled(20_000, 100)
    const { ms, posts, cpuMs } =
      side === 'raw' ? { ...(await raw.pingpong(rounds)), posts: rounds } : await ours.pingpong(rounds)
    // CPU per round trip, every thread: busy waiting spends CPU to save wake-ups
    print((rounds / ms) * 1000, 'round trips/s', ms, { rounds, posts, cpuUsPerRoundTrip: (cpuMs / rounds) * 1000 })
  } else if (workload === 'oneway') {
    const messages = scaled(200_000, 1000)
    if (side === 'raw') {
      const ms = await raw.oneway(messages)
      print((messages / ms) * 1000, 'messages/s', ms, { messages, posts: messages + 1 })
    } else {
      const { ms, posts } = await ours.oneway(messages)
      print((messages / ms) * 1000, 'messages/s', ms, { messages, posts })
    }
  } else if (workload === 'relay') {
    const rounds = scaled(20_000, 100)
    const ms = await ours.relay(rounds)
    print((rounds / ms) * 1000, 'round trips/s', ms, { rounds })
  } else if (workload === 'fanout') {
    const jobs = scaled(64, 8)
    const size = 3_000_000
    const ms = await ours.fanout(jobs, size, side === 'two' ? 2 : 1)
    print((jobs / ms) * 1000, 'jobs/s', ms, { jobs, size, threads: side === 'two' ? 2 : 1 })
  } else throw new Error(`unknown workload ${workload}`)
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
