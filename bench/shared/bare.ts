// The shared workloads' own effects on the least interpreter that can run them.
//
// `user-workloads.ts` builds its processes from the package's constructors
// (`Process.send`, `Effect.flatMap`, `Process.receive(Process.on(codec, handler))`),
// and some of them build new effects per message. Whatever runs those effects
// pays for building them. This interpreter runs the very same effects, built
// by the same constructors of the same build, with nothing else: no budget
// clock, no interruption, no links or monitors, no tracing, no test-runtime
// hooks, a plain array for a mailbox. It is a bound, not a runtime: no
// interpreter of these effects can be much faster, so `bare / floor` is what
// the idiom itself leaves of the floor, and `ours / bare` what the runtime
// keeps of that.
//
// It runs the instructions the ring, pingpong and fan-in workloads use:
// `succeed`, `sync`, `flatMap`, `send` and `receive` without `after`
// (selective: a message no clause takes stays, in order). Anything else is
// refused with the instruction's opcode.
import * as t from 'io-ts'
import type { Effect as EffectNS, Pid as PidNS } from '../../lib/index.js'
import type { Workloads } from './harness.mjs'

export type Eff<A> = EffectNS.Effect<unknown, A>
export type Pid = PidNS.Pid<unknown>

/** An effect as the build represents it: an opcode and three slots (`lib/internal/op.ts`). */
export interface Instr {
  readonly _op: number
  readonly i0: unknown
  readonly i1: unknown
  readonly i2: unknown
}

/** What the interpreter needs of a build of the package. */
export interface Build {
  readonly lib: Pick<typeof import('../../lib/index.js'), 'Effect' | 'Process'>
  /** A pid of the build (its `PidImpl`) standing for the bare process `proc`. */
  readonly pid: (id: number, proc: Proc) => Pid
  /** The build's opcodes. */
  readonly op: {
    readonly SUCCEED: number
    readonly SYNC: number
    readonly FLATMAP: number
    readonly SEND: number
    readonly RECEIVE: number
    readonly ON: number
  }
}

export const instr = (e: Eff<unknown>): Instr => e as unknown as Instr

/** No clause takes the message. */
const NO = Symbol('no match')

/** A bare process: its next instruction, its continuations, its mailbox. */
export class Proc {
  /** `flatMap`s waiting for their first step's value, innermost last. */
  readonly stack: Array<Instr> = []
  /** Messages in `mail[head .. tail)`, oldest first; the slots are reused when it empties. */
  private mail: Array<unknown> = []
  private head = 0
  private tail = 0
  cur: Instr | undefined
  queued = false
  /** Waiting in a receive that nothing in the mailbox matched. */
  waiting = false
  done = false
  value: unknown = undefined

  constructor(cur: Eff<unknown> | undefined) {
    this.cur = cur === undefined ? undefined : instr(cur)
  }

  get mailboxSize(): number {
    return this.tail - this.head
  }

  push(message: unknown): void {
    this.mail[this.tail++] = message
  }

  /**
   * The handler's instruction for the first message (oldest first) a clause
   * of `receive` takes, which leaves the mailbox; `undefined` when none does.
   */
  take(receive: Instr, on: number): Instr | undefined {
    const clauses = (receive._op === on ? receive : receive.i0) as Instr | ReadonlyArray<Instr>
    const mail = this.mail
    for (let i = this.head; i < this.tail; i++) {
      const message = mail[i]
      let clause: Instr | undefined
      let decoded: unknown = NO
      if (!Array.isArray(clauses)) decoded = decode((clause = clauses as Instr), message)
      else for (let c = 0; c < clauses.length && decoded === NO; c++) decoded = decode((clause = clauses[c]), message)
      if (decoded === NO) continue
      if (i === this.head) {
        mail[i] = undefined
        if (++this.head === this.tail) {
          if (this.tail > 1024) this.mail = []
          this.head = this.tail = 0
        }
      } else {
        mail.copyWithin(i, i + 1, this.tail)
        mail[--this.tail] = undefined
      }
      return ((clause as Instr).i1 as (m: unknown) => Instr)(decoded)
    }
    return undefined
  }
}

/** What `clause` (an `on(codec, handler)`) makes of `message`, or `NO`. */
const decode = (clause: Instr, message: unknown): unknown => {
  if (clause.i2 === true) return (clause.i0 as t.Any).is(message) ? message : NO
  const v = (clause.i0 as t.Decoder<unknown, unknown>).decode(message)
  return v._tag === 'Right' ? v.right : NO
}

/** The interpreter: a run queue drained in a loop, each process run for at most `budget` instructions at a time. */
export class Bare {
  private queue: Array<Proc> = []
  private head = 0

  constructor(
    private readonly op: Build['op'],
    private readonly budget = 2000
  ) {}

  schedule(p: Proc): void {
    if (p.queued) return
    p.queued = true
    this.queue.push(p)
  }

  /** Delivers `message` to the process of `pid` (a pid made by `Build.pid`). */
  deliver(pid: unknown, message: unknown): void {
    const p = (pid as { readonly _fiber: Proc })._fiber
    p.push(message)
    if (p.waiting) {
      p.waiting = false
      this.schedule(p)
    }
  }

  /** Runs processes until none is ready. */
  drain(): void {
    while (this.head < this.queue.length) {
      const p = this.queue[this.head++] as Proc
      p.queued = false
      this.run(p)
      if (this.head >= 4096 && this.head * 2 >= this.queue.length) {
        this.queue = this.queue.slice(this.head)
        this.head = 0
      }
    }
    this.queue.length = this.head = 0
  }

  /** A value goes back to the innermost `flatMap`; `undefined` when the process has returned it. */
  private back(p: Proc, value: unknown): Instr | undefined {
    const k = p.stack.pop()
    if (k !== undefined) return (k.i1 as (a: unknown) => Instr)(value)
    p.done = true
    p.value = value
    return undefined
  }

  private run(p: Proc): void {
    const { SUCCEED, SYNC, FLATMAP, SEND, RECEIVE, ON } = this.op
    let cur = p.cur
    p.cur = undefined
    for (let left = this.budget; cur !== undefined; left--) {
      if (left === 0) {
        p.cur = cur
        this.schedule(p)
        return
      }
      const o = cur._op
      if (o === FLATMAP) {
        const first = cur.i0 as Instr
        const k = cur.i1 as (a: unknown) => Instr
        if (first._op === SEND) {
          this.deliver(first.i0, first.i1)
          cur = k(undefined)
        } else if (first._op === SUCCEED) cur = k(first.i0)
        else {
          p.stack.push(cur)
          cur = first
        }
      } else if (o === ON || (o === RECEIVE && cur.i1 === undefined)) {
        const next = p.take(cur, ON)
        if (next === undefined) {
          p.cur = cur
          p.waiting = true
          return
        }
        cur = next
      } else if (o === SEND) {
        this.deliver(cur.i0, cur.i1)
        cur = this.back(p, undefined)
      } else if (o === SUCCEED) cur = this.back(p, cur.i0)
      else if (o === SYNC) cur = this.back(p, (cur.i0 as () => unknown)())
      else throw new Error(`the bare interpreter does not run instruction ${o}`)
    }
  }
}

/**
 * The ring, pingpong and fan-in workloads with the processes of
 * `user-workloads.ts` (each effect written as it is there), set up by hand:
 * the interpreter has no `spawn`, so what `user-workloads.ts`'s coordinator
 * does outside the timed part (spawning, handing out pids) is done directly.
 */
export const workloads = (build: Build, now: () => number): Workloads => {
  const { Effect, Process } = build.lib
  const Ping = t.type({ from: Process.pid })
  const Pong = t.literal('pong')
  const Done = t.literal('done')
  let ids = 0
  const spawn = (bare: Bare, effect: Eff<unknown> | undefined): readonly [Proc, Pid] => {
    const p = new Proc(effect)
    if (effect !== undefined) bare.schedule(p)
    return [p, build.pid(++ids, p)]
  }
  const finished = (what: string, p: Proc): void => {
    if (!p.done || p.mailboxSize !== 0)
      throw new Error(`bare ${what}: the process did not finish with an empty mailbox`)
  }

  // as in user-workloads.ts
  const member = (root: Pid): Eff<void> =>
    Effect.flatMap(Process.receive(Process.pid), (next) => {
      if (process.env['FPTS_RING'] === 'rebuild') {
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

  // as in user-workloads.ts
  const ponger: Eff<void> = Process.receive(
    Process.on(Ping, (m) => Effect.flatMap(Process.send(m.from, 'pong'), () => ponger))
  )

  const unused = (name: string) => (): Promise<number> =>
    Promise.reject(new Error(`the bare interpreter runs ring, pingpong and fanin, not ${name}`))

  return {
    async ring(n, m) {
      const bare = new Bare(build.op)
      const [root, rootPid] = spawn(bare, Process.receive(Done))
      const ps: Array<Pid> = []
      for (let i = 0; i < n; i++) ps.push(spawn(bare, member(rootPid))[1])
      for (let i = 0; i < n; i++) bare.deliver(ps[i], ps[(i + 1) % n])
      bare.drain()
      const t0 = now()
      bare.deliver(ps[0], m)
      bare.drain()
      const ms = now() - t0
      finished('ring', root)
      return ms
    },

    async pingpong(n) {
      const bare = new Bare(build.op)
      const p = spawn(bare, ponger)[1]
      const [pinger, me] = spawn(bare, undefined)
      const t0 = now()
      // as in user-workloads.ts
      const loop = (left: number): Eff<number> =>
        left === 0
          ? Effect.sync(() => now() - t0)
          : Effect.flatMap(Process.send(p, { from: me }), () => Process.receive(Process.on(Pong, () => loop(left - 1))))
      pinger.cur = instr(loop(n))
      bare.schedule(pinger)
      bare.drain()
      finished('pingpong', pinger)
      return pinger.value as number
    },

    async fanin(senders, msgs) {
      const bare = new Bare(build.op)
      const [receiver, me] = spawn(bare, undefined)
      const t0 = now()
      // as in user-workloads.ts
      const burst = (j: number): Eff<void> =>
        j === msgs ? Effect.unit : Effect.flatMap(Process.send(me, j), () => burst(j + 1))
      const count = (left: number): Eff<void> =>
        left === 0 ? Effect.unit : Process.receive(Process.on(t.number, () => count(left - 1)))
      // the receiver (the coordinator) waits in its receive before the senders run
      receiver.cur = instr(count(senders * msgs))
      bare.schedule(receiver)
      for (let s = 0; s < senders; s++) spawn(bare, burst(0))
      bare.drain()
      const ms = now() - t0
      finished('fanin', receiver)
      return ms
    },

    spawn: unused('spawn'),
    memory: unused('memory')
  }
}
