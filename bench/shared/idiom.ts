// What the shared workloads' own effects cost with no runtime at all.
//
// `user-workloads.ts` builds new effects per message: the fan-in sender a
// `send`, a `flatMap` and a closure for each message, its receiver an `on`
// clause and a closure; the pinger all of them, the ponger a `send`, a
// `flatMap` and a closure per round trip. Whatever runs them pays for building
// them. Here they are built by the same constructors of the same build and
// stepped by hand, in one loop: no scheduler, no mailbox, no delivery, no
// process. What is left is the idiom's own price, to set beside the floor's
// whole workload (`floor-workloads.ts` builds nothing per message).
//
//   npx tsx bench/shared/idiom.ts [messages] [passes]     # the package (or FPTS_ACTORS_LIB's build)
//
// It prints a line per pass, then one JSON line (`IdiomResult`: nanoseconds
// per message and per round trip, pass by pass) that `bench/run.ts` reads.
//
// Each pass is a fresh set of closures over `messages` messages (fan-in) and
// round trips (pingpong); the first passes include the compiler's warm-up, as
// the harness's measured pass does (its warm-up is a tenth of the size).
import * as t from 'io-ts'
import { pathToFileURL } from 'node:url'
import { instr, type Eff, type Instr, type Pid } from './bare.js'
import { loadBuild } from './build.js'

/** The codec of an `on` clause (its first slot). */
const codecOf = (clause: Instr): t.Any => clause.i0 as t.Any
/** The continuation in the second slot: a `flatMap`'s, or an `on` clause's handler. */
const next = (e: Instr, value: unknown): Instr => (e.i1 as (a: unknown) => Instr)(value)

/** What the script prints last: fan-in's nanoseconds per message and pingpong's per round trip, pass by pass. */
export interface IdiomResult {
  readonly messages: number
  readonly fanin: ReadonlyArray<number>
  readonly pingpong: ReadonlyArray<number>
}

/** What the steppers need of a build. */
export interface IdiomBuild {
  readonly lib: Pick<typeof import('../../lib/index.js'), 'Effect' | 'Process'>
  /** Two pids of the build (the workloads' `self` and their peer); never run. */
  readonly pids: readonly [Pid, Pid]
}

/**
 * The fan-in's effects for `n` messages, as `user-workloads.ts` writes them:
 * the sender's `burst` loop stepped to its end (each `send`'s message put in
 * an array), then the receiver's `count` loop stepped over that array (each
 * message tested by the clause's codec). Nanoseconds per message, each half.
 */
export const fanin = ({ lib: { Effect, Process }, pids: [me] }: IdiomBuild, n: number) => {
  const unit = instr(Effect.unit)
  const burst = (j: number): Eff<void> =>
    j === n ? Effect.unit : Effect.flatMap(Process.send(me, j), () => burst(j + 1))
  const count = (left: number): Eff<void> =>
    left === 0 ? Effect.unit : Process.receive(Process.on(t.number, () => count(left - 1)))
  const box: Array<unknown> = new Array<unknown>(n)
  const t0 = performance.now()
  let sent = 0
  for (let cur = instr(burst(0)); cur !== unit; cur = next(cur, undefined)) box[sent++] = (cur.i0 as Instr).i1
  const t1 = performance.now()
  let taken = 0
  for (let cur = instr(count(n)); cur !== unit;) {
    const message = box[taken++]
    if (!codecOf(cur).is(message)) throw new Error(`fan-in: the clause refused message ${taken - 1}`)
    cur = next(cur, message)
  }
  const t2 = performance.now()
  if (sent !== n || taken !== n) throw new Error(`fan-in: ${sent} sent and ${taken} taken of ${n}`)
  return { sender: ((t1 - t0) * 1e6) / n, receiver: ((t2 - t1) * 1e6) / n }
}

/**
 * The pingpong's effects for `n` round trips, as `user-workloads.ts` writes
 * them: the pinger's `send` and receive, the ponger's hoisted receive loop,
 * each message tested by the codec of the clause that takes it.
 * Nanoseconds per round trip.
 */
export const pingpong = ({ lib: { Effect, Process }, pids: [me, p] }: IdiomBuild, n: number): number => {
  const unit = instr(Effect.unit)
  const Ping = t.type({ from: Process.pid })
  const Pong = t.literal('pong')
  const ponger: Eff<void> = Process.receive(
    Process.on(Ping, (m) => Effect.flatMap(Process.send(m.from, 'pong'), () => ponger))
  )
  const loop = (left: number): Eff<void> =>
    left === 0
      ? Effect.unit
      : Effect.flatMap(Process.send(p, { from: me }), () => Process.receive(Process.on(Pong, () => loop(left - 1))))
  const t0 = performance.now()
  let trips = 0
  let pong = instr(ponger)
  for (let cur = instr(loop(n)); cur !== unit; trips++) {
    const ping = (cur.i0 as Instr).i1 // the pinger's send
    const receive = next(cur, undefined) // then its receive
    if (!codecOf(pong).is(ping)) throw new Error('pingpong: the ponger refused a ping')
    const reply = next(pong, ping) // the ponger's send, then its loop again
    const answer = (reply.i0 as Instr).i1
    pong = next(reply, undefined)
    if (!codecOf(receive).is(answer)) throw new Error('pingpong: the pinger refused a pong')
    cur = next(receive, answer)
  }
  const t1 = performance.now()
  if (trips !== n) throw new Error(`pingpong: ${trips} round trips of ${n}`)
  return ((t1 - t0) * 1e6) / n
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 1_000_000)
  const passes = Number(process.argv[3] ?? 6)
  const { lib, PidImpl } = await loadBuild()
  // the build's own types are those of the sources it was built from
  const pid = (id: number): Pid => new PidImpl(id, undefined) as unknown as Pid
  const build: IdiomBuild = { lib, pids: [pid(1), pid(2)] }
  const ns = (x: number): string => `${x.toFixed(1)} ns`
  const result = { messages: n, fanin: [] as Array<number>, pingpong: [] as Array<number> }
  for (let pass = 1; pass <= passes; pass++) {
    const f = fanin(build, n)
    const pp = pingpong(build, n)
    result.fanin.push(f.sender + f.receiver)
    result.pingpong.push(pp)
    console.log(
      `pass ${pass}: fan-in ${ns(f.sender + f.receiver)} per message (sender ${ns(f.sender)}, receiver ${ns(f.receiver)}); pingpong ${ns(pp)} per round trip`
    )
  }
  console.log(JSON.stringify(result satisfies IdiomResult))
}
