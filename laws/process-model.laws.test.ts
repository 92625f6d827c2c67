/**
 * The process model's laws, as fast-check properties, on both interpreters:
 * the production `Runtime`, and the deterministic `TestRuntime` under an
 * arbitrary seed and scheduling strategy (so each run checks the law under
 * many interleavings; a counterexample prints the `TestRuntime.make({ seed,
 * strategy })` that reproduces it).
 *
 * - messages between one sender and one receiver arrive in the order sent;
 * - selective receive never reorders the messages it does not take;
 * - links are symmetric, and a death travels both ways;
 * - every monitor yields exactly one DOWN (and a demonitor none);
 *
 * and, on the test runtime only (they need its virtual clock or its
 * run-until-idle): links under arbitrary link/unlink races, DOWNs collected
 * over a long virtual quiet period, no process outliving `shutdown()`, and
 * one interleaving per seed.
 */
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import { Effect, Exit, Process, Runtime, TestRuntime } from '../lib/index.js'
import { smallInt, smallString } from './arbitraries.js'
import { checkLaw, NUM_RUNS, returnedValue } from './helpers.js'

const arbSeed = fc.integer()
const arbStrategy = fc.constantFrom<'random' | 'pct'>('random', 'pct')

const checkSync = <Ts>(property: fc.IProperty<Ts>): void => fc.assert(property, { numRuns: NUM_RUNS })

/** Makes a fresh runtime for one run of a property; prints as the call that makes it. */
type MakeRuntime = () => Runtime.Runtime

const named = (make: MakeRuntime, name: string): MakeRuntime =>
  Object.assign(make, { [fc.toStringMethod]: () => name, toString: () => name })

const interpreters: ReadonlyArray<{ readonly name: string; readonly runtime: fc.Arbitrary<MakeRuntime> }> = [
  { name: 'Runtime', runtime: fc.constant(null).map(() => named(() => Runtime.make(), 'Runtime.make()')) },
  {
    name: 'TestRuntime',
    runtime: fc
      .tuple(arbSeed, arbStrategy)
      .map(([seed, strategy]) =>
        named(
          () => TestRuntime.make({ seed, strategy }),
          `TestRuntime.make({ seed: ${seed}, strategy: '${strategy}' })`
        )
      )
  }
]

const at = <A>(as: ReadonlyArray<A>, i: number): A => {
  const a = as[i]
  if (a === undefined) throw new RangeError(`no element at ${i}`)
  return a
}

const times = (n: number): ReadonlyArray<number> => Array.from({ length: n }, (_, i) => i)

/** The value a process returned (fails the property for any other exit). */
const valueOf = returnedValue

/** Receives `n` messages `codec` accepts, in the order receive takes them. */
const receiveN = <A>(codec: t.Decoder<unknown, A>, n: number): Effect.Effect<never, ReadonlyArray<A>> =>
  Effect.traverseArray(() => Process.receive(codec))(times(n))

/** `true` when no message at all is waiting. */
const mailboxIsEmpty: Effect.Effect<never, boolean> = Process.receive(
  Process.on(t.unknown, () => Effect.succeed(false)),
  Process.after(0, () => Effect.succeed(true))
)

const waitForever = Process.receive(t.literal('never sent'))

const byNumber = (a: number, b: number): number => a - b

// -------------------------------------------------------------------------------------
// on both interpreters
// -------------------------------------------------------------------------------------

describe.each(interpreters)('on $name', ({ runtime }) => {
  describe('per-pair FIFO delivery', () => {
    describe('senders to one receiver', () => {
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
            runtime,
            fc.array(fc.array(arbStep, { maxLength: 25 }), { minLength: 1, maxLength: 4 }),
            async (make, senders) => {
              const total = senders.reduce((n, steps) => n + steps.length, 0)
              const main = Effect.gen(function* () {
                const me = yield* Process.self
                for (const [i, steps] of senders.entries()) yield* Process.spawn(sender(me, i, steps))
                const received = yield* receiveN(Tagged, total)
                const empty = yield* mailboxIsEmpty
                return { received, empty }
              })
              const { received, empty } = returnedValue(await make().run(main))
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

    describe('senders to two receivers', () => {
      const Note = t.type({ sender: t.number, n: t.number })
      const Collected = t.type({ collected: t.array(Note) })
      /** One message: to the main process (0) or to the collector (1); optionally yield after it. */
      const arbStep = fc.record({
        to: fc.constantFrom(0, 1),
        n: fc.integer({ min: 0, max: 99 }),
        yieldAfter: fc.boolean()
      })
      type Step = { readonly to: number; readonly n: number; readonly yieldAfter: boolean }

      /** Senders send to two receivers; returns what each receiver got, in arrival order. */
      const program = (senders: ReadonlyArray<ReadonlyArray<Step>>) =>
        Effect.gen(function* () {
          const me = yield* Process.self
          const toCollector = senders.flat().filter((s) => s.to === 1).length
          const collector = yield* Process.spawn(
            Effect.flatMap(receiveN(Note, toCollector), (collected) => Process.send(me, { collected }))
          )
          for (const [sender, steps] of senders.entries()) {
            yield* Process.spawn(
              Effect.traverseArray((s: Step) =>
                Effect.flatMap(Process.send(s.to === 0 ? me : collector, { sender, n: s.n }), () =>
                  s.yieldAfter ? Effect.yieldNow : Effect.unit
                )
              )(steps)
            )
          }
          const atMain = yield* receiveN(Note, senders.flat().length - toCollector)
          const atCollector = (yield* Process.receive(Collected)).collected
          return [atMain, atCollector] as const
        })

      it('messages from one sender to one receiver arrive in the order sent, with the senders spread over two receivers', async () => {
        await checkLaw(
          fc.asyncProperty(
            runtime,
            fc.array(fc.array(arbStep, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
            async (make, senders) => {
              const [atMain, atCollector] = valueOf(await make().run(program(senders)))
              for (const [receiver, got] of [atMain, atCollector].entries()) {
                for (const [sender, steps] of senders.entries()) {
                  const sent = steps.filter((s) => s.to === receiver).map((s) => s.n)
                  expect(got.filter((m) => m.sender === sender).map((m) => m.n)).toEqual(sent)
                }
              }
            }
          )
        )
      })
    })
  })

  describe('selective receive', () => {
    it('never reorders unmatched messages: each kind comes out in its original relative order', async () => {
      await checkLaw(
        fc.asyncProperty(
          runtime,
          fc.array(fc.oneof(smallInt, smallString), { maxLength: 30 }),
          fc.boolean(),
          async (make, messages, stringsFirst) => {
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
            const { s, n, empty } = returnedValue(await make().run(main))
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
          runtime,
          fc.array(fc.oneof(smallInt, smallString), { maxLength: 30 }),
          smallString,
          async (make, messages, wanted) => {
            const Wanted = t.literal(wanted)
            const main = Effect.gen(function* () {
              const me = yield* Process.self
              for (const m of messages) yield* Process.send(me, m)
              yield* Process.send(me, wanted)
              const taken = yield* Process.receive(Wanted)
              const rest = yield* receiveN(t.union([t.string, t.number]), messages.length)
              return { taken, rest, empty: yield* mailboxIsEmpty }
            })
            const { taken, rest, empty } = returnedValue(await make().run(main))
            const i = messages.indexOf(wanted)
            const expected = i === -1 ? messages : [...messages.slice(0, i), ...messages.slice(i + 1), wanted]
            expect(taken).toBe(wanted)
            expect(rest).toEqual(expected)
            expect(empty).toBe(true)
          }
        )
      )
    })

    type Kind = 'number' | 'string' | 'boolean'
    const codecs = { number: t.number, string: t.string, boolean: t.boolean } as const
    const kindOf = (u: number | string | boolean): Kind => typeof u as Kind
    const arbMessage = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom('a', 'b', 'c'), fc.boolean())
    /** Messages, and an order of kinds to receive them in (a permutation of their kinds). */
    const arbCase = fc
      .array(arbMessage, { maxLength: 20 })
      .chain((messages) =>
        fc
          .shuffledSubarray(messages.map(kindOf), { minLength: messages.length, maxLength: messages.length })
          .map((order) => ({ messages, order }))
      )

    it('never reorders unmatched messages: each kind comes out in its original order, and nothing is lost', async () => {
      await checkLaw(
        fc.asyncProperty(runtime, arbCase, async (make, { messages, order }) => {
          const program = Effect.gen(function* () {
            const me = yield* Process.self
            // a sender process, so the messages arrive while the receiver runs
            yield* Process.spawn(Effect.traverseArray((m: number | string | boolean) => Process.send(me, m))(messages))
            const taken: Array<number | string | boolean> = []
            for (const kind of order) {
              taken.push(yield* Process.receive(codecs[kind] as t.Decoder<unknown, number | string | boolean>))
            }
            return { taken, empty: yield* mailboxIsEmpty }
          })
          const { taken, empty } = valueOf(await make().run(program))
          expect(taken.map(kindOf)).toEqual(order)
          for (const kind of ['number', 'string', 'boolean'] as const) {
            expect(taken.filter((m) => kindOf(m) === kind)).toEqual(messages.filter((m) => kindOf(m) === kind))
          }
          expect(empty).toBe(true)
        })
      )
    })
  })

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
        fc.asyncProperty(
          runtime,
          fc.integer({ min: 2, max: 5 }),
          fc.array(arbOp, { maxLength: 15 }),
          async (make, size, rawOps) => {
            const ops = rawOps.map((o) => ({ op: o.op, from: o.from % size, to: o.to % size }))
            // the model: a set of unordered pairs; linking a process to itself does nothing
            const model = new Set<string>()
            const key = (i: number, j: number): string => (i < j ? `${i}-${j}` : `${j}-${i}`)
            for (const o of ops) {
              if (o.from === o.to) continue
              if (o.op === 'Link') model.add(key(o.from, o.to))
              else model.delete(key(o.from, o.to))
            }
            const rt = make()
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
          }
        )
      )
    })

    it('a link makes a death travel both ways: the other side gets the EXIT, whoever linked', async () => {
      await checkLaw(
        fc.asyncProperty(runtime, fc.boolean(), async (make, childLinks) => {
          const program = Effect.gen(function* () {
            yield* Process.trapExit(true)
            const me = yield* Process.self
            const child = yield* Process.spawn(
              Effect.gen(function* () {
                if (childLinks) yield* Process.link(me)
                yield* Process.send(me, 'linked')
                return yield* Process.exit(Exit.custom('bye'))
              })
            )
            if (!childLinks) yield* Process.link(child)
            if (!childLinks) yield* Process.send(child, 'go')
            yield* Process.receive(t.literal('linked'))
            const m = yield* Process.receive(Exit.ExitSignal)
            return m.from === child ? Exit.format(m.reason) : 'from someone else'
          })
          // when main links, the child may already be gone: linking a dead pid gives EXIT noproc
          const r = valueOf(await make().run(program))
          expect(childLinks ? [':bye'] : [':bye', ':noproc']).toContain(r)
        })
      )
    })
  })

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

    /**
     * Waits until `pid` is gone: the DOWN of a probe monitor, taken by a
     * selective receive (the other DOWNs stay queued). Polling `isAlive`
     * could starve the target under the test runtime's PCT scheduling.
     */
    const awaitDeath = (pid: Process.Pid): Effect.Effect<never, void> =>
      Effect.flatMap(Process.monitor(pid), (probe) => Effect.asUnit(Process.receive(Exit.downOf(probe))))

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
          runtime,
          fc.array(arbMonitor, { minLength: 1, maxLength: 8 }),
          fc.constantFrom<Ending>('return', 'fail', 'exit', 'die'),
          async (make, monitors, how) => {
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
              yield* awaitDeath(target)
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
            const { target, refs, demonitored, downs } = returnedValue(await make().run(main))
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
})

// -------------------------------------------------------------------------------------
// on the test runtime only
// -------------------------------------------------------------------------------------

describe('on TestRuntime only', () => {
  describe('links', () => {
    const Peers = t.type({ peers: t.array(Process.pid) })
    const arbOp = (n: number) => fc.record({ target: fc.integer({ min: 0, max: n - 1 }), link: fc.boolean() })
    type Op = { readonly target: number; readonly link: boolean }
    const arbSystem = fc
      .integer({ min: 2, max: 6 })
      .chain((n) => fc.array(fc.array(arbOp(n), { maxLength: 8 }), { minLength: n, maxLength: n }))

    /** Waits for the peers' pids, links and unlinks as told, then waits forever. */
    const node = (ops: ReadonlyArray<Op>) =>
      Effect.gen(function* () {
        const { peers } = yield* Process.receive(Peers)
        for (const op of ops) {
          const peer = peers[op.target] as Process.Pid
          if (op.link) yield* Process.link(peer)
          else yield* Process.unlink(peer)
        }
        return yield* waitForever
      })

    it('are symmetric, with no self-links; an edge only one side touched ends as its last operation says', () => {
      checkSync(
        fc.property(arbSeed, arbStrategy, arbSystem, (seed, strategy, system) => {
          const rt = TestRuntime.make({ seed, strategy })
          const pids = system.map((ops) => rt.spawn(node(ops)))
          for (const pid of pids) rt.send(pid, { peers: pids })
          rt.runUntilIdle()
          const procs = rt.processes()
          expect(procs.map((p) => p.pid)).toEqual(pids)
          const index = (p: Process.Pid): number => pids.indexOf(p)
          const linked = (a: number, b: number): boolean => (procs[a]?.links ?? []).includes(pids[b] as Process.Pid)
          for (const [a, p] of procs.entries()) {
            expect(p.status).toBe('waiting')
            for (const l of p.links) {
              expect(index(l)).not.toBe(-1)
              expect(index(l)).not.toBe(a)
              expect(linked(index(l), a)).toBe(true)
            }
          }
          // edges only one side touched: the last operation decides
          for (let a = 0; a < pids.length; a++) {
            for (let b = 0; b < pids.length; b++) {
              if (a === b) continue
              const fromA = (system[a] ?? []).filter((o) => o.target === b)
              const fromB = (system[b] ?? []).filter((o) => o.target === a)
              if (fromB.length > 0) continue
              const last = fromA[fromA.length - 1]
              expect(linked(a, b)).toBe(last?.link ?? false)
            }
          }
        })
      )
    })
  })

  describe('monitors', () => {
    type Behavior = 'return' | 'fail' | 'killed' | 'dead'
    const arbTarget = fc.record({
      behavior: fc.constantFrom<Behavior>('return', 'fail', 'killed', 'dead'),
      /** One entry per monitor: `true` when it is demonitored (with flush) before the target ends. */
      monitors: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 })
    })
    type Target = { readonly behavior: Behavior; readonly monitors: ReadonlyArray<boolean> }
    const Go = t.literal('go')
    const expectedReason = (b: Behavior): string =>
      b === 'return'
        ? ':normal (returned :ok)'
        : b === 'fail'
          ? '{:failure, :oops}'
          : b === 'killed'
            ? ':killed'
            : ':noproc'

    const target = (b: Behavior): Effect.Effect<string, unknown> =>
      b === 'return'
        ? Effect.map(Process.receive(Go), () => 'ok')
        : b === 'fail'
          ? Effect.flatMap(Process.receive(Go), () => Effect.fail('oops'))
          : b === 'killed'
            ? waitForever
            : Effect.unit

    /** Monitors every target as told, ends them, and collects DOWNs until a long quiet period. */
    const watcher = (targets: ReadonlyArray<Target>) =>
      Effect.gen(function* () {
        const refs: Array<{ readonly ref: Process.Ref; readonly target: number; readonly dropped: boolean }> = []
        const pids: Array<Process.Pid> = []
        for (const [i, tg] of targets.entries()) {
          const pid = yield* Process.spawn(target(tg.behavior))
          pids.push(pid)
          if (tg.behavior === 'dead') {
            // wait until it is gone (its own probe monitor), so the monitors below find it dead
            const probe = yield* Process.monitor(pid)
            yield* Process.receive(Exit.downOf(probe))
          }
          for (const dropped of tg.monitors) refs.push({ ref: yield* Process.monitor(pid), target: i, dropped })
        }
        for (const r of refs) if (r.dropped) yield* Process.demonitor(r.ref, { flush: true })
        for (const [i, tg] of targets.entries()) {
          const pid = pids[i] as Process.Pid
          if (tg.behavior === 'killed') yield* Process.exit(pid, Exit.kill)
          else if (tg.behavior !== 'dead') yield* Process.send(pid, 'go')
        }
        const downs: Array<{ readonly ref: Process.Ref; readonly reason: string; readonly pid: boolean }> = []
        for (;;) {
          const d = yield* Process.receive(
            Process.on(Exit.Down, (m) => Effect.succeed(m)),
            Process.after(60_000, () => Effect.succeed(undefined))
          )
          if (d === undefined) break
          const of = refs.find((r) => r.ref === d.ref)
          downs.push({ ref: d.ref, reason: Exit.format(d.reason), pid: of !== undefined && d.pid === pids[of.target] })
        }
        return { refs, downs }
      })

    it('every monitor yields exactly one DOWN, with the target and its reason; a flushed demonitor none', () => {
      const arbTargets = fc.array(arbTarget, { minLength: 1, maxLength: 5 })
      checkSync(
        fc.property(arbSeed, arbStrategy, arbTargets, (seed, strategy, targets) => {
          const { refs, downs } = valueOf(TestRuntime.make({ seed, strategy }).runSync(watcher(targets)))
          for (const r of refs) {
            const got = downs.filter((d) => d.ref === r.ref)
            if (r.dropped) expect(got).toEqual([])
            else {
              const behavior = (targets[r.target] as Target).behavior
              expect(got).toEqual([{ ref: r.ref, reason: expectedReason(behavior), pid: true }])
            }
          }
          expect(downs.length).toBe(refs.filter((r) => !r.dropped).length)
        })
      )
    })
  })

  describe('shutdown', () => {
    type Kind = 'receive' | 'sleep' | 'trap' | 'finalizer' | 'linked' | 'spawner' | 'uninterruptible'
    const arbKind = fc.constantFrom<Kind>(
      'receive',
      'sleep',
      'trap',
      'finalizer',
      'linked',
      'spawner',
      'uninterruptible'
    )
    const arbProc = fc.record({ kind: arbKind, ms: fc.integer({ min: 1, max: 10_000_000 }) })

    const proc = (kind: Kind, ms: number): Effect.Effect<unknown, unknown> => {
      switch (kind) {
        case 'receive':
          return waitForever
        case 'sleep':
          return Process.sleep(ms)
        case 'trap':
          return Effect.flatMap(Process.trapExit(true), () => waitForever)
        case 'finalizer':
          // the finalizer takes virtual time, uninterruptibly
          return Effect.ensuring(waitForever, Process.sleep(ms))
        case 'linked':
          return Effect.flatMap(Process.spawnLink(proc('trap', ms)), () => waitForever)
        case 'spawner':
          // keeps spawning children while it can
          return Effect.flatMap(Process.spawn(Process.sleep(ms)), () =>
            Effect.flatMap(Process.sleep(ms), () => proc('spawner', ms))
          )
        case 'uninterruptible':
          // the interruption waits for the end of the region, then takes effect
          return Effect.flatMap(Effect.uninterruptible(Process.sleep(ms)), () => waitForever)
      }
    }

    it('no process outlives shutdown(): after it, running and advancing the clock leaves none', async () => {
      await fc.assert(
        fc.asyncProperty(
          arbSeed,
          arbStrategy,
          fc.array(arbProc, { minLength: 1, maxLength: 8 }),
          fc.integer({ min: 0, max: 1_000 }),
          async (seed, strategy, procs, before) => {
            const rt = TestRuntime.make({ seed, strategy })
            const spawned: Array<string> = []
            const exited: Array<string> = []
            rt.events$.subscribe((e) => {
              if (e._tag === 'Spawn') spawned.push(String(e.pid))
              if (e._tag === 'Exit') exited.push(String(e.pid))
            })
            for (const p of procs) rt.spawn(proc(p.kind, p.ms))
            rt.runUntilIdle()
            rt.advance(before)
            let resolved = false
            void rt.shutdown().then(() => {
              resolved = true
            })
            rt.runUntilIdle()
            rt.advance(24 * 3_600_000)
            expect(rt.processes()).toEqual([])
            // a process spawned after shutdown does not outlive it either
            rt.spawn(waitForever)
            rt.runUntilIdle()
            expect(rt.processes()).toEqual([])
            expect([...exited].sort()).toEqual([...spawned].sort())
            await Promise.resolve()
            expect(resolved).toBe(true)
          }
        ),
        { numRuns: NUM_RUNS }
      )
    })
  })

  describe('determinism', () => {
    it('a seed and a strategy give one interleaving: the same trace twice', () => {
      const racy = Effect.gen(function* () {
        const me = yield* Process.self
        for (const i of times(3)) {
          yield* Process.spawn(Effect.traverseArray((n: number) => Process.send(me, [i, n]))(times(3)))
        }
        return yield* receiveN(t.tuple([t.number, t.number]), 9)
      })
      checkSync(
        fc.property(arbSeed, arbStrategy, (seed, strategy) => {
          const a = TestRuntime.make({ seed, strategy })
          const b = TestRuntime.make({ seed, strategy })
          expect(a.runSync(racy)).toEqual(b.runSync(racy))
          expect(TestRuntime.format(a.trace)).toBe(TestRuntime.format(b.trace))
          expect(a.schedule).toBe(b.schedule)
        })
      )
    })
  })
})
