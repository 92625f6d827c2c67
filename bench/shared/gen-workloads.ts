// The same five workloads as user-workloads.ts, written in the generator style
// of the README's tour: every process is an `Effect.gen` with plain `for` loops
// and `yield*` on every receive and send (no `Effect.flatMap` loop in sight).
// Same codecs, same messages, same sizes, one Runtime per pass with its defaults,
// so `gen / ours` is the price of the style and `gen / floor` the price of both.
import * as t from 'io-ts'
import type { Effect as EffectNS, Pid as PidNS, Process as ProcessNS } from 'fp-ts-actors'
import { main, now, waitUntil, type Workloads } from './harness.mjs'

const lib: typeof import('fp-ts-actors') = await import(process.env.FPTS_ACTORS_LIB ?? 'fp-ts-actors')
const { Effect, Exit, Process, Runtime } = lib

type Eff<A> = EffectNS.Effect<ProcessNS.NoProcess, A>
type Pid = PidNS.Pid<unknown>

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

/** A ring member: learns its successor, then passes the token on, counted down, until it receives 0. */
const member = (root: Pid): Eff<void> =>
  Effect.gen(function* () {
    const next = yield* Process.receive(Process.pid)
    for (;;) {
      const tok = yield* Process.receive(t.number)
      if (tok === 0) return yield* Process.send(root, 'done')
      yield* Process.send(next, tok - 1)
    }
  })

/** Answers every `{from}` with "pong", forever (ended by the runtime's shutdown). */
const ponger: Eff<void> = Effect.gen(function* () {
  for (;;) {
    const m = yield* Process.receive(Ping)
    yield* Process.send(m.from, 'pong')
  }
})

/** Waits for one number, then exits. */
const oneShot: Eff<number> = Effect.gen(function* () {
  return yield* Process.receive(t.number)
})

const w: Workloads = {
  async ring(n, m) {
    return valueOf(
      Effect.gen(function* () {
        const root = yield* Process.self
        const ps: Pid[] = []
        for (let i = 0; i < n; i++) ps.push(yield* Process.spawn(member(root)))
        for (let i = 0; i < n; i++) yield* Process.send(ps[i]!, ps[(i + 1) % n]!)
        // not timed: every member takes its successor and blocks on the token
        yield* Process.sleep(10)
        const t0 = now()
        yield* Process.send(ps[0]!, m)
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
        for (let i = 0; i < n; i++) {
          yield* Process.send(p, { from: me })
          yield* Process.receive(Pong)
        }
        return now() - t0
      })
    )
  },

  async spawn(n) {
    return valueOf(
      Effect.gen(function* () {
        const t0 = now()
        const ps: Pid[] = new Array(n)
        for (let i = 0; i < n; i++) ps[i] = (yield* Process.spawnMonitor(oneShot))[0]
        for (let i = 0; i < n; i++) yield* Process.send(ps[i]!, i)
        // every exit observed the BEAM way: one DOWN message per monitored process
        for (let i = 0; i < n; i++) yield* Process.receive(Exit.Down)
        return now() - t0
      })
    )
  },

  async memory(n, snapshot) {
    const rt = Runtime.make()
    const ps: Pid[] = new Array(n)
    for (let i = 0; i < n; i++) ps[i] = rt.spawn(oneShot)
    // every process has run up to its receive and is parked there
    await waitUntil(() => {
      const all = rt.processes()
      return all.length === n && all.every((p) => p.status === 'waiting')
    })
    const heap = await snapshot()
    for (let i = 0; i < n; i++) rt.send(ps[i]!, i)
    await waitUntil(() => rt.processes().length === 0)
    await rt.shutdown()
    return heap
  },

  async fanin(senders, msgs) {
    return valueOf(
      Effect.gen(function* () {
        const me = yield* Process.self
        const t0 = now()
        const burst = Effect.gen(function* () {
          for (let j = 0; j < msgs; j++) yield* Process.send(me, j)
        })
        for (let s = 0; s < senders; s++) yield* Process.spawn(burst)
        // this process is the receiver: it counts senders * msgs integers
        for (let left = senders * msgs; left > 0; left--) yield* Process.receive(t.number)
        return now() - t0
      })
    )
  }
}

await main(w)
