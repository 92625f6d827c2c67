/**
 * Elixir v1.14.5 lib/elixir/test/elixir/task/supervisor_test.exs, translated.
 */
import { describe } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import {
  DynamicSupervisor,
  Effect,
  Exit,
  Process,
  Registry,
  Start,
  Supervisor,
  Task,
  TaskSupervisor
} from '../../lib/index.js'
import type { Pid } from '../../lib/Pid.js'
import { assertReceive, catchExit, eq, elixir, infoOf, ok, refuteReceive } from './support.js'

const { test, skip } = elixir('task/supervisor_test.exs')

const waitAndSend = (caller: Pid<unknown>, atom: string) =>
  Effect.gen(function* () {
    yield* Process.send(caller, 'ready')
    yield* Process.receive(t.literal(true))
    yield* Process.send(caller, atom)
    return atom
  })

const sleep = (n: number) => Effect.as(n === Infinity ? Effect.never : Effect.sleep(n), n)
const yieldAndExit = (value: unknown) => Effect.flatMap(Effect.yieldNow, () => Process.exit(Exit.custom(value)))
const anything = () => true
const linksOf = (rt: Parameters<Parameters<typeof test>[2]>[0]) =>
  Effect.flatMap(Process.self, (me) => Effect.map(infoOf(rt, me), (i) => i.links))

/** The setup: a task supervisor for each test. */
const withSup = <A>(body: (sup: Pid<unknown>) => Effect.Effect<unknown, A>) =>
  Effect.flatMap(TaskSupervisor.startLink(), body)

const maxChildrenReached = (e: unknown) =>
  typeof e === 'object' && e !== null && JSON.stringify(e).includes('MaxChildren')

describe('task/supervisor_test.exs', () => {
  test(24, 'can be supervised directly', () =>
    Effect.gen(function* () {
      yield* Supervisor.startLink([TaskSupervisor.childSpec({ name: 'task_sup_test' })], { strategy: 'one_for_one' })
      yield* ok(O.isSome(yield* Process.whereis('task_sup_test')))
    })
  )

  skip(30, 'start with spawn_opt', 'no process priorities or spawn options')

  test(35, 'multiple supervisors can be supervised and identified with simple child spec', () =>
    Effect.gen(function* () {
      const registry = yield* Registry.startLink<string, undefined>({ keys: 'unique' })
      const via = Registry.via(registry, 'via_name')
      const supsup = yield* Supervisor.startLink(
        [TaskSupervisor.childSpec({ name: 'simple_name' }), TaskSupervisor.childSpec({ name: via })],
        { strategy: 'one_for_one' }
      )
      const noName = yield* Supervisor.startChild(supsup, TaskSupervisor.childSpec())
      yield* eq(yield* TaskSupervisor.children('simple_name'), [])
      yield* eq(yield* TaskSupervisor.children(via), [])
      yield* eq(yield* TaskSupervisor.children(noName), [])
      yield* eq(
        yield* Effect.either(Supervisor.startChild(supsup, TaskSupervisor.childSpec())),
        E.left(Start.alreadyStarted(noName))
      )
    })
  )

  test(59, 'counts and returns children', () =>
    withSup((sup) =>
      Effect.gen(function* () {
        yield* eq(yield* TaskSupervisor.children(sup), [])
        yield* eq(yield* DynamicSupervisor.countChildren(sup), { active: 0, specs: 0, supervisors: 0, workers: 0 })
      })
    )
  )

  const spawnsUnder = (line: number, name: string, linked: boolean) =>
    test(line, name, (rt) =>
      withSup((sup) =>
        Effect.gen(function* () {
          yield* Process.trapExit(true)
          const parent = yield* Process.self
          const task = yield* (linked ? TaskSupervisor.async : TaskSupervisor.asyncNolink)(
            sup,
            waitAndSend(parent, 'done')
          )
          yield* eq(yield* TaskSupervisor.children(sup), [task.pid])
          yield* ok(Process.pid.is(task.pid) && Process.ref.is(task.ref), 'a task struct')
          yield* eq((yield* linksOf(rt)).includes(task.pid), linked)
          yield* assertReceive((u) => u === 'ready')
          yield* Process.send(task.pid, true)
          yield* eq(yield* Task.await(task), 'done')
        })
      )
    )
  spawnsUnder(70, 'async/1 spawns tasks under the supervisor', true)
  spawnsUnder(154, 'async_nolink/1 spawns a task under the supervisor without linking to the caller', false)

  const customShutdown = (line: number, name: string, linked: boolean) =>
    test(line, name, () =>
      withSup((sup) =>
        Effect.gen(function* () {
          yield* Process.trapExit(true)
          const parent = yield* Process.self
          const task = yield* (linked ? TaskSupervisor.async : TaskSupervisor.asyncNolink)(
            sup,
            waitAndSend(parent, 'done'),
            {
              shutdown: 'brutal_kill'
            }
          )
          yield* Process.exit(sup, Exit.shutdown)
          yield* assertReceive((u) => Exit.Down.is(u) && u.pid === task.pid && u.reason._tag === 'Killed')
        })
      )
    )
  customShutdown(100, 'async/1 with custom shutdown', true)
  customShutdown(185, 'async_nolink/1 with custom shutdown', false)

  const maxChildren = (line: number, name: string, linked: boolean) =>
    test(line, name, () =>
      Effect.gen(function* () {
        const sup = yield* TaskSupervisor.startLink({ maxChildren: 1 })
        const start = linked ? TaskSupervisor.async : TaskSupervisor.asyncNolink
        yield* start(sup, Effect.never)
        const r = yield* catchExit(start(sup, Effect.unit))
        yield* ok(maxChildrenReached(r), 'reached the maximum number of tasks')
      })
    )
  maxChildren(111, 'async/1 raises when :max_children is reached', true)
  skip(120, 'async/1 with $callers', 'no $callers / $ancestors process dictionary')

  const asyncThree = (line: number, name: string, linked: boolean) =>
    test(line, name, () =>
      withSup((sup) =>
        Effect.gen(function* () {
          const task = yield* (linked ? TaskSupervisor.async : TaskSupervisor.asyncNolink)(
            sup,
            waitAndSend(yield* Process.self, 'done')
          )
          yield* eq(yield* TaskSupervisor.children(sup), [task.pid])
          yield* assertReceive((u) => u === 'ready')
          yield* Process.send(task.pid, true)
          yield* eq(yield* Task.await(task), 'done')
        })
      )
    )
  asyncThree(139, 'async/3', true)
  maxChildren(196, 'async_nolink/1 raises when :max_children is reached', false)
  asyncThree(207, 'async_nolink/3', false)

  const startChild = (line: number, name: string) =>
    test(line, name, (rt) =>
      withSup((sup) =>
        Effect.gen(function* () {
          const pid = yield* TaskSupervisor.startChild(sup, waitAndSend(yield* Process.self, 'done'))
          yield* eq(yield* TaskSupervisor.children(sup), [pid])
          yield* ok(!(yield* linksOf(rt)).includes(pid), 'not linked')
          yield* assertReceive((u) => u === 'ready')
          yield* Process.send(pid, true)
          yield* assertReceive((u) => u === 'done')
        })
      )
    )
  startChild(221, 'start_child/1')
  startChild(238, 'start_child/3')

  test(265, 'start_child/1 with custom shutdown', () =>
    withSup((sup) =>
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const pid = yield* TaskSupervisor.startChild(sup, waitAndSend(yield* Process.self, 'done'), {
          shutdown: 'brutal_kill'
        })
        yield* Process.monitor(pid)
        yield* Process.exit(sup, Exit.shutdown)
        yield* assertReceive((u) => Exit.Down.is(u) && u.pid === pid && u.reason._tag === 'Killed')
      })
    )
  )

  test(277, 'start_child/1 with custom restart', () =>
    withSup((sup) =>
      Effect.gen(function* () {
        const pid = yield* TaskSupervisor.startChild(sup, waitAndSend(yield* Process.self, 'done'), {
          restart: 'permanent'
        })
        yield* assertReceive((u) => u === 'ready')
        yield* Process.monitor(pid)
        yield* Process.exit(pid, Exit.shutdown)
        yield* assertReceive((u) => Exit.Down.is(u) && u.pid === pid && u.reason._tag === 'Shutdown')
        yield* assertReceive((u) => u === 'ready')
      })
    )
  )

  skip(290, 'start_child/1 with $callers', 'no $callers / $ancestors process dictionary')

  test(309, 'terminate_child/2', () =>
    withSup((sup) =>
      Effect.gen(function* () {
        const pid = yield* TaskSupervisor.startChild(sup, waitAndSend(yield* Process.self, 'done'))
        yield* eq(yield* TaskSupervisor.children(sup), [pid])
        yield* TaskSupervisor.terminateChild(sup, pid)
        yield* eq(yield* TaskSupervisor.children(sup), [])
        yield* eq(yield* Effect.either(TaskSupervisor.terminateChild(sup, pid)), E.left({ _tag: 'NotFound' }))
      })
    )
  )

  test(323, 'await/1 demonitors and unalias on timeout', () =>
    withSup((sup) =>
      Effect.gen(function* () {
        const task = yield* TaskSupervisor.async(sup, Effect.as(Process.receive(t.literal('go')), 'done'))
        yield* eq(yield* catchExit(Task.await(task, 0)), Exit.callExit(Exit.timeout, 'Task.await', [task, 0]))
        const newRef = yield* Process.monitor(task.pid)
        yield* Process.send(task.pid, 'go')
        yield* assertReceive((u) => Exit.Down.is(u) && u.ref === newRef)
        yield* refuteReceive((u) => typeof u === 'object' && u !== null && (u as { value?: unknown }).value === 'done')
        yield* refuteReceive((u) => Exit.Down.is(u) && u.ref === task.ref)
      })
    )
  )

  const awaitExits = (
    line: number,
    name: string,
    program: Effect.Effect<unknown, unknown>,
    check: (r: Exit.Reason) => boolean
  ) =>
    test(line, name, () =>
      withSup((sup) =>
        Effect.gen(function* () {
          yield* Process.trapExit(true)
          const task = yield* TaskSupervisor.async(sup, program)
          const r = yield* catchExit(Task.await(task))
          yield* ok(
            r._tag === 'CallExit' && r.call === 'Task.await' && check(r.reason),
            `exit reason ${Exit.format(r)}`
          )
        })
      )
    )
  awaitExits(
    341,
    'await/1 exits on task throw',
    Effect.sync(() => {
      throw 'unknown'
    }),
    (r) => r._tag === 'Defect' && r.defect === 'unknown'
  )
  awaitExits(
    349,
    'await/1 exits on task error',
    Effect.sync(() => {
      throw new Error('oops')
    }),
    (r) => r._tag === 'Defect' && r.defect instanceof Error
  )
  awaitExits(
    355,
    'await/1 exits on task exit',
    Process.exit(Exit.custom('unknown')),
    (r) => r._tag === 'Custom' && r.reason === 'unknown'
  )

  const streams = (
    nolink: boolean,
    lines: Readonly<Record<'fun' | 'mfa' | 'leak' | 'slowest' | 'exits' | 'unused' | 'unusedLeak' | 'max', number>>
  ) => {
    const label = nolink ? 'async_stream_nolink' : 'async_stream'
    const stream = nolink ? TaskSupervisor.asyncStreamNolink : TaskSupervisor.asyncStream
    const opts = nolink ? { maxConcurrency: 4 } : {}
    const range = (a: number, b: number) =>
      Array.from({ length: Math.abs(b - a) + 1 }, (_, i) => (a < b ? a + i : a - i))
    const r = (xs: ReadonlyArray<number>) => xs.map((x) => E.right(x))
    test(lines.fun, `${label} streams an enumerable with fun`, () =>
      withSup((sup) => Effect.flatMap(stream(sup, range(1, 4), sleep, opts), (out) => eq(out, r([1, 2, 3, 4]))))
    )
    test(lines.mfa, `${label} streams an enumerable with mfa`, () =>
      withSup((sup) => Effect.flatMap(stream(sup, range(1, 4), sleep, opts), (out) => eq(out, r([1, 2, 3, 4]))))
    )
    test(lines.leak, `${label} streams an enumerable without leaking tasks`, () =>
      withSup((sup) =>
        Effect.gen(function* () {
          yield* eq(yield* stream(sup, range(1, 4), sleep, opts), r([1, 2, 3, 4]))
          yield* refuteReceive(anything)
        })
      )
    )
    test(lines.slowest, `${label} streams an enumerable with slowest first`, () =>
      withSup((sup) =>
        Effect.gen(function* () {
          if (!nolink) yield* Process.trapExit(true)
          yield* eq(yield* stream(sup, range(4, 1), sleep, opts), r([4, 3, 2, 1]))
        })
      )
    )
    test(lines.exits, `${label} streams an enumerable with exits`, () =>
      withSup((sup) =>
        Effect.gen(function* () {
          if (!nolink) yield* Process.trapExit(true)
          const out = yield* stream(sup, range(1, 4), (n) => yieldAndExit(nolink ? n : String(n)), opts)
          yield* eq(
            out,
            range(1, 4).map((n) => E.left(Exit.custom(nolink ? n : String(n))))
          )
        })
      )
    )
    test(lines.unused, `${label} shuts down unused tasks`, (rt) =>
      withSup((sup) =>
        Effect.gen(function* () {
          const s = yield* TaskSupervisor.stream(sup, [0, Infinity, Infinity, Infinity], sleep, {
            ...opts,
            link: !nolink
          })
          yield* eq(yield* s.next, O.some(E.right(0)))
          yield* s.halt
          yield* eq(yield* linksOf(rt), [sup])
        })
      )
    )
    test(lines.unusedLeak, `${label} shuts down unused tasks without leaking messages`, () =>
      withSup((sup) =>
        Effect.gen(function* () {
          const s = yield* TaskSupervisor.stream(sup, [0, Infinity, Infinity, Infinity], sleep, {
            ...opts,
            link: !nolink
          })
          yield* eq(yield* s.next, O.some(E.right(0)))
          yield* s.halt
          yield* refuteReceive(anything)
        })
      )
    )
    test(lines.max, `${label} raises an error if :max_children is reached with clean stream shutdown`, (rt) =>
      withSup((unused) =>
        Effect.gen(function* () {
          const sup = yield* TaskSupervisor.startLink({ maxChildren: 1 })
          const e = yield* catchExit(stream(sup, [Infinity, Infinity, Infinity], sleep, { maxConcurrency: 2 }))
          yield* ok(maxChildrenReached(e), 'reached the maximum number of tasks')
          yield* eq(new Set(yield* linksOf(rt)), new Set([unused, sup]))
          yield* refuteReceive(anything)
        })
      )
    )
  }

  streams(false, { fun: 364, mfa: 370, leak: 376, slowest: 384, exits: 392, unused: 400, unusedLeak: 410, max: 420 })
  skip(436, 'async_stream with $callers', 'no $callers / $ancestors process dictionary')

  test(457, 'async_stream consuming from another process', () =>
    withSup((sup) =>
      Effect.gen(function* () {
        const parent = yield* Process.self
        const stream = TaskSupervisor.asyncStream(sup, [1, 2, 3], (n) => Process.send(parent, n))
        yield* Task.start(stream)
        yield* assertReceive((u) => u === 1)
        yield* assertReceive((u) => u === 2)
        yield* assertReceive((u) => u === 3)
      })
    )
  )

  streams(true, { fun: 470, mfa: 476, leak: 482, slowest: 490, exits: 496, unused: 502, unusedLeak: 512, max: 522 })
})
