// The five workloads written with fp-ts-actors' public API, as a user of the
// library writes them (README "A tour"): processes are Effect values built with
// Effect.flatMap / Effect.gen, Process.spawn / send, and selective
// Process.receive(Process.on(codec, handler)) with io-ts codecs; one Runtime
// per pass, with its defaults.
//
// The library is the package built and packed from a checkout and
// installed here like any dependency (io-ts, fp-ts and rxjs are its peers, one
// copy each). FPTS_ACTORS_LIB=<path to another build's dist/index.js> measures
// another revision with the same file.
import * as t from 'io-ts'
import type { Effect as EffectNS, Pid as PidNS, Process as ProcessNS } from 'fp-ts-actors'
import { main, now, waitUntil, type Workloads } from './harness.mjs'

const lib: typeof import('fp-ts-actors') = await import(process.env.FPTS_ACTORS_LIB ?? 'fp-ts-actors')
const { Effect, Exit, Process, Runtime } = lib

type Eff<A> = EffectNS.Effect<ProcessNS.NoProcess, A>
type Pid = PidNS.Pid<unknown>

/** `{from: self}` requests; the reply is the string "pong". */
const Ping = t.type({ from: Process.pid })
const Pong = t.literal('pong')
const Done = t.literal('done')

/** `rt.run(program)`: the value of a normal exit, or throws. */
const valueOf = async <A>(program: EffectNS.Effect<unknown, A>): Promise<A> => {
  const rt = Runtime.make()
  const r = await rt.run(program)
  await rt.shutdown()
  if (r._tag !== 'Normal' || r.value === undefined) throw new Error(`the workload process ended with ${Exit.format(r)}`)
  return r.value
}

// ring ------------------------------------------------------------------------------------

/**
 * A ring member: learns its successor, then passes the token on, counted down,
 * until it receives 0. The receive loop is built once per process and
 * re-entered (the pattern the project README recommends for a loop whose
 * state does not change); FPTS_RING=rebuild builds it at every hop instead.
 */
const member = (root: Pid): Eff<void> =>
  Effect.flatMap(Process.receive(Process.pid), (next) => {
    if (process.env.FPTS_RING === 'rebuild') {
      const step = (): Eff<void> =>
        Process.receive(
          Process.on(t.number, (tok) =>
            tok === 0 ? Process.send(root, 'done') : Effect.flatMap(Process.send(next, tok - 1), step)
          )
        )
      return step()
    }
    const loop: Eff<void> = Process.receive(
      Process.on(t.number, (tok) =>
        tok === 0 ? Process.send(root, 'done') : Effect.flatMap(Process.send(next, tok - 1), () => loop)
      )
    )
    return loop
  })

// pingpong --------------------------------------------------------------------------------

/** Answers every `{from}` with "pong", forever (ended by the runtime's shutdown). */
const ponger: Eff<void> = Process.receive(
  Process.on(Ping, (m) => Effect.flatMap(Process.send(m.from, 'pong'), () => ponger))
)

const w: Workloads = {
  async ring(n, m) {
    return valueOf(
      Effect.gen(function* () {
        const root = yield* Process.self
        const ps: Pid[] = []
        for (let i = 0; i < n; i++) ps.push(yield* Process.spawn(member(root)))
        for (let i = 0; i < n; i++) yield* Process.send(ps[i], ps[(i + 1) % n])
        // not timed: every member takes its successor and blocks on the token
        yield* Process.sleep(10)
        const t0 = now()
        yield* Process.send(ps[0], m)
        yield* Process.receive(Done)
        return now() - t0
      })
    )
  },

  async pingpong(n) {
    return valueOf(
      Effect.gen(function* () {
        const me = yield* Process.self
        const p = yield* Process.spawn(ponger)
        const t0 = now()
        const loop = (left: number): Eff<number> =>
          left === 0
            ? Effect.sync(() => now() - t0)
            : Effect.flatMap(Process.send(p, { from: me }), () =>
                Process.receive(Process.on(Pong, () => loop(left - 1)))
              )
        return yield* loop(n)
      })
    )
  },

  async spawn(n) {
    return valueOf(
      Effect.gen(function* () {
        const t0 = now()
        const ps: Pid[] = new Array(n)
        for (let i = 0; i < n; i++) ps[i] = (yield* Process.spawnMonitor(Process.receive(t.number)))[0]
        for (let i = 0; i < n; i++) yield* Process.send(ps[i], i)
        // every exit observed the BEAM way: one DOWN message per monitored process
        const downs = (left: number): Eff<void> =>
          left === 0 ? Effect.unit : Process.receive(Process.on(Exit.Down, () => downs(left - 1)))
        yield* downs(n)
        return now() - t0
      })
    )
  },

  async memory(n, snapshot) {
    const rt = Runtime.make()
    const idle = Process.receive(t.number)
    const ps: Pid[] = new Array(n)
    for (let i = 0; i < n; i++) ps[i] = rt.spawn(idle)
    // every process has run up to its receive and is parked there
    await waitUntil(() => {
      const all = rt.processes()
      return all.length === n && all.every((p) => p.status === 'waiting')
    })
    const heap = await snapshot()
    for (let i = 0; i < n; i++) rt.send(ps[i], i)
    await waitUntil(() => rt.processes().length === 0)
    await rt.shutdown()
    return heap
  },

  async fanin(senders, msgs) {
    return valueOf(
      Effect.gen(function* () {
        const me = yield* Process.self
        const t0 = now()
        const burst = (j: number): Eff<void> =>
          j === msgs ? Effect.unit : Effect.flatMap(Process.send(me, j), () => burst(j + 1))
        for (let s = 0; s < senders; s++) yield* Process.spawn(burst(0))
        // this process is the receiver: it counts senders * msgs integers
        const count = (left: number): Eff<void> =>
          left === 0 ? Effect.unit : Process.receive(Process.on(t.number, () => count(left - 1)))
        yield* count(senders * msgs)
        return now() - t0
      })
    )
  }
}

await main(w)
