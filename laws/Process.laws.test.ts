/**
 * Actor laws on the production runtime: per-pair FIFO delivery, selective
 * receive keeps unmatched messages in order, links are symmetric, and every
 * monitor yields exactly one DOWN.
 */
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import { Effect, Exit, Process, Runtime } from '../lib/index.js'
import { smallInt, smallString } from './arbitraries.js'
import { checkLaw, returnedValue } from './helpers.js'

const at = <A>(as: ReadonlyArray<A>, i: number): A => {
  const a = as[i]
  if (a === undefined) throw new RangeError(`no element at ${i}`)
  return a
}

const times = (n: number): ReadonlyArray<number> => Array.from({ length: n }, (_, i) => i)

/** Receives `n` messages `codec` accepts, in the order receive takes them. */
const receiveN = <A>(codec: t.Decoder<unknown, A>, n: number): Effect.Effect<never, ReadonlyArray<A>> =>
  Effect.traverseArray(() => Process.receive(codec))(times(n))

/** Succeeds with `true` when no message at all is waiting. */
const mailboxIsEmpty: Effect.Effect<never, boolean> = Process.receive(
  Process.on(t.unknown, () => Effect.succeed(false)),
  Process.after(0, () => Effect.succeed(true))
)

const byNumber = (a: number, b: number): number => a - b

// -------------------------------------------------------------------------------------
// FIFO
// -------------------------------------------------------------------------------------

describe('per-pair FIFO delivery', () => {
  const Tagged = t.type({ sender: t.number, n: t.number })
  const arbStep = fc.record({ n: smallInt, yieldAfter: fc.boolean() })
  type Step = { readonly n: number; readonly yieldAfter: boolean }

  const sender = (
    to: Process.Pid,
    sender: number,
    steps: ReadonlyArray<Step>
  ): Effect.Effect<Process.NoProcess, void> =>
    Effect.asUnit(
      Effect.traverseArray((s: Step) =>
        pipe(
          Process.send(to, { sender, n: s.n }),
          Effect.flatMap(() => (s.yieldAfter ? Effect.yieldNow : Effect.unit))
        )
      )(steps)
    )

  it('messages from one sender to one receiver arrive in the order sent, whatever the interleaving', async () => {
    await checkLaw(
      fc.asyncProperty(
        fc.array(fc.array(arbStep, { maxLength: 25 }), { minLength: 1, maxLength: 4 }),
        async (senders) => {
          const total = senders.reduce((n, steps) => n + steps.length, 0)
          const main = Effect.gen(function* () {
            const me = yield* Process.self
            for (const [i, steps] of senders.entries()) yield* Process.spawn(sender(me, i, steps))
            const received = yield* receiveN(Tagged, total)
            const empty = yield* mailboxIsEmpty
            return { received, empty }
          })
          const { received, empty } = returnedValue(await Runtime.make().run(main))
          for (const [i, steps] of senders.entries()) {
            expect(received.filter((m) => m.sender === i).map((m) => m.n)).toEqual(steps.map((s) => s.n))
          }
          expect(received.length).toBe(total)
          expect(empty).toBe(true)
        }
      )
    )
  })
})

// -------------------------------------------------------------------------------------
// selective receive
// -------------------------------------------------------------------------------------

describe('selective receive', () => {
  it('never reorders unmatched messages: each kind comes out in its original relative order', async () => {
    await checkLaw(
      fc.asyncProperty(
        fc.array(fc.oneof(smallInt, smallString), { maxLength: 30 }),
        fc.boolean(),
        async (messages, stringsFirst) => {
          const strings = messages.filter((m): m is string => typeof m === 'string')
          const numbers = messages.filter((m): m is number => typeof m === 'number')
          const main = Effect.gen(function* () {
            const me = yield* Process.self
            for (const m of messages) yield* Process.send(me, m)
            if (stringsFirst) {
              const s = yield* receiveN(t.string, strings.length)
              const n = yield* receiveN(t.number, numbers.length)
              return { s, n, empty: yield* mailboxIsEmpty }
            }
            const n = yield* receiveN(t.number, numbers.length)
            const s = yield* receiveN(t.string, strings.length)
            return { s, n, empty: yield* mailboxIsEmpty }
          })
          const { s, n, empty } = returnedValue(await Runtime.make().run(main))
          expect(s).toEqual(strings)
          expect(n).toEqual(numbers)
          expect(empty).toBe(true)
        }
      )
    )
  })

  it('a receive that takes one message leaves all the others queued, in order', async () => {
    await checkLaw(
      fc.asyncProperty(
        fc.array(fc.oneof(smallInt, smallString), { maxLength: 30 }),
        smallString,
        async (messages, wanted) => {
          const Wanted = t.literal(wanted)
          const main = Effect.gen(function* () {
            const me = yield* Process.self
            for (const m of messages) yield* Process.send(me, m)
            yield* Process.send(me, wanted)
            const taken = yield* Process.receive(Wanted)
            const rest = yield* receiveN(t.union([t.string, t.number]), messages.length)
            return { taken, rest, empty: yield* mailboxIsEmpty }
          })
          const { taken, rest, empty } = returnedValue(await Runtime.make().run(main))
          const i = messages.indexOf(wanted)
          const expected = i === -1 ? messages : [...messages.slice(0, i), ...messages.slice(i + 1), wanted]
          expect(taken).toBe(wanted)
          expect(rest).toEqual(expected)
          expect(empty).toBe(true)
        }
      )
    )
  })
})

// -------------------------------------------------------------------------------------
// links
// -------------------------------------------------------------------------------------

describe('links', () => {
  const Command = t.union([
    t.type({ _tag: t.literal('Link'), to: Process.pid, replyTo: Process.pid }),
    t.type({ _tag: t.literal('Unlink'), to: Process.pid, replyTo: Process.pid }),
    t.type({ _tag: t.literal('Stop') })
  ])

  /** Links or unlinks as told, acknowledging each command, until told to stop. */
  const worker: Effect.Effect<Process.NoProcess, void> = Effect.suspend(() =>
    pipe(
      Process.receive(Command),
      Effect.flatMap((c) =>
        c._tag === 'Stop'
          ? Effect.unit
          : pipe(
              c._tag === 'Link' ? Process.link(c.to) : Process.unlink(c.to),
              Effect.flatMap(() => Process.send(c.replyTo, 'ack')),
              Effect.flatMap(() => worker)
            )
      )
    )
  )

  const arbOp = fc.record({ op: fc.constantFrom('Link' as const, 'Unlink' as const), from: fc.nat(), to: fc.nat() })

  it('are symmetric: rt.processes() lists exactly the linked pairs, on both sides', async () => {
    await checkLaw(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.array(arbOp, { maxLength: 15 }), async (size, rawOps) => {
        const ops = rawOps.map((o) => ({ op: o.op, from: o.from % size, to: o.to % size }))
        // the model: a set of unordered pairs; linking a process to itself does nothing
        const model = new Set<string>()
        const key = (i: number, j: number): string => (i < j ? `${i}-${j}` : `${j}-${i}`)
        for (const o of ops) {
          if (o.from === o.to) continue
          if (o.op === 'Link') model.add(key(o.from, o.to))
          else model.delete(key(o.from, o.to))
        }
        const rt = Runtime.make()
        const main = Effect.gen(function* () {
          const me = yield* Process.self
          const pids: Array<Process.Pid> = []
          for (let i = 0; i < size; i++) pids.push(yield* Process.spawn(worker))
          for (const o of ops) {
            yield* Process.send(at(pids, o.from), { _tag: o.op, to: at(pids, o.to), replyTo: me })
            yield* Process.receive(t.literal('ack'))
          }
          const snapshot = yield* Effect.sync(() => rt.processes())
          for (const pid of pids) yield* Process.send(pid, { _tag: 'Stop' })
          return { me, pids, snapshot }
        })
        const { me, pids, snapshot } = returnedValue(await rt.run(main))
        const index = new Map<Process.Pid, number>(pids.map((p, i) => [p, i]))
        const indexOf = (p: Process.Pid): number => {
          const i = index.get(p)
          if (i === undefined) throw new Error(`${String(p)} is not one of the workers`)
          return i
        }
        const linksOf = new Map<number, ReadonlyArray<number>>()
        for (const info of snapshot) {
          if (info.pid === me) {
            expect(info.links).toEqual([])
            continue
          }
          linksOf.set(indexOf(info.pid), info.links.map(indexOf).sort(byNumber))
        }
        expect([...linksOf.keys()].sort(byNumber)).toEqual(times(size))
        for (const [i, links] of linksOf) {
          const expected = times(size).filter((j) => j !== i && model.has(key(i, j)))
          expect(links).toEqual(expected)
          for (const j of links) expect(linksOf.get(j)).toContain(i)
        }
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// monitors
// -------------------------------------------------------------------------------------

describe('monitors', () => {
  type Ending = 'return' | 'fail' | 'exit' | 'die'

  const ending = (how: Ending): Effect.Effect<string | Exit.Exiting, number> => {
    switch (how) {
      case 'return':
        return Effect.succeed(7)
      case 'fail':
        return Effect.fail('boom')
      case 'exit':
        return Process.exit(Exit.custom('bye'))
      case 'die':
        return Effect.die('bug')
    }
  }

  const endingReason = (how: Ending): Exit.Reason => {
    switch (how) {
      case 'return':
        return Exit.returned(7)
      case 'fail':
        return Exit.failure('boom')
      case 'exit':
        return Exit.custom('bye')
      case 'die':
        return Exit.defect('bug')
    }
  }

  /** Waits (yielding, at most `tries` times) until `pid` is no longer alive. */
  const awaitDeath = (pid: Process.Pid, tries: number): Effect.Effect<string, void> =>
    pipe(
      Process.isAlive(pid),
      Effect.flatMap((alive) =>
        !alive
          ? Effect.unit
          : tries <= 0
            ? Effect.fail(`${String(pid)} is still alive`)
            : Effect.flatMap(Effect.yieldNow, () => awaitDeath(pid, tries - 1))
      )
    )

  /** Takes every DOWN already in the mailbox. */
  const drainDowns = (acc: ReadonlyArray<Exit.Down>): Effect.Effect<never, ReadonlyArray<Exit.Down>> =>
    Process.receive(
      Process.on(Exit.Down, (d) => drainDowns([...acc, d])),
      Process.after(0, () => Effect.succeed(acc))
    )

  const arbMonitor = fc.record({ late: fc.boolean(), demonitor: fc.boolean() })

  it('every monitor yields exactly one DOWN (noproc once the target is dead), and a demonitor none', async () => {
    await checkLaw(
      fc.asyncProperty(
        fc.array(arbMonitor, { minLength: 1, maxLength: 8 }),
        fc.constantFrom<Ending>('return', 'fail', 'exit', 'die'),
        async (monitors, how) => {
          const main = Effect.gen(function* () {
            const target = yield* Process.spawn(
              pipe(
                Process.receive(t.literal('go')),
                Effect.flatMap(() => ending(how))
              )
            )
            const refs: Array<Process.Ref> = []
            const demonitored: Array<boolean> = []
            // monitors set while the target lives, then some removed
            for (const m of monitors) if (!m.late) refs.push(yield* Process.monitor(target))
            for (const [i, m] of monitors.filter((m) => !m.late).entries()) {
              if (m.demonitor) demonitored.push(yield* Process.demonitor(at(refs, i)))
            }
            yield* Process.send(target, 'go')
            yield* awaitDeath(target, 10_000)
            // monitors set once it is dead
            for (const m of monitors) {
              if (!m.late) continue
              const ref = yield* Process.monitor(target)
              refs.push(ref)
              if (m.demonitor) demonitored.push(yield* Process.demonitor(ref))
            }
            const downs = yield* drainDowns([])
            return { target, refs, demonitored, downs }
          })
          const { target, refs, demonitored, downs } = returnedValue(await Runtime.make().run(main))
          const early = monitors.filter((m) => !m.late)
          const late = monitors.filter((m) => m.late)
          // refs: the early monitors in order, then the late ones
          const expected = [
            ...early.flatMap((m, i) => (m.demonitor ? [] : [i])),
            ...late.map((_, i) => early.length + i)
          ]
          const got = downs.map((d) => refs.indexOf(d.ref))
          expect([...got].sort(byNumber)).toEqual(expected)
          for (const d of downs) {
            expect(d.pid).toBe(target)
            expect(d.reason).toEqual(refs.indexOf(d.ref) < early.length ? endingReason(how) : Exit.noproc)
          }
          // demonitor tells whether the monitor was still active
          expect(demonitored).toEqual([
            ...early.filter((m) => m.demonitor).map(() => true),
            ...late.filter((m) => m.demonitor).map(() => false)
          ])
        }
      )
    )
  })
})
