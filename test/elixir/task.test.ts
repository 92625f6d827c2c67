/**
 * Elixir v1.14.5 lib/elixir/test/elixir/task_test.exs, translated.
 *
 * Many of Elixir's cases build a `%Task{}` by hand and send its reply or
 * DOWN themselves. Here a task's reply is tagged with an alias only its
 * owner holds (no process can forge it), so those cases are translated with
 * a real task brought into the same state (finished, crashed, still
 * running); the few that need a forged reply are listed as not expressible.
 */
import { describe } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, type Runtime, Supervisor, Task } from '../../lib/index.js'
import type { Pid } from '../../lib/Pid.js'
import { assertReceive, catchExit, eq, elixir, infoOf, ok, refuteReceive } from './support.js'

const { test, skip } = elixir('task_test.exs')

/** `wait_and_send(caller, atom)`: says ready, waits for `true`, sends `atom`. */
const waitAndSend = (caller: Pid<unknown>, atom: string) =>
  Effect.gen(function* () {
    yield* Process.send(caller, 'ready')
    yield* Process.receive(t.literal(true))
    yield* Process.send(caller, atom)
    return atom
  })

const createTaskInOtherProcess = Effect.gen(function* () {
  const caller = yield* Process.self
  yield* Process.spawn(Effect.flatMap(Task.async(Effect.succeed(null)), (task) => Process.send(caller, task)))
  return yield* assertReceive<Task.Task<never, null>>((u) => typeof u === 'object' && u !== null && 'alias' in u)
})

const waitUntilDown = (task: Task.Task<unknown, unknown>) =>
  Effect.gen(function* () {
    const ref = yield* Process.monitor(task.pid)
    yield* assertReceive((u) => Exit.Down.is(u) && u.ref === ref)
  })

const isDown = (u: unknown) => Exit.Down.is(u)
const exitFrom = (pid: Pid<unknown>, reason: Exit.Reason) => (u: unknown) =>
  Exit.ExitSignal.is(u) &&
  u.from === pid &&
  (reason._tag === 'Normal' ? u.reason._tag === 'Normal' : JSON.stringify(u.reason) === JSON.stringify(reason))
const awaitExit = (task: Task.Task<unknown, unknown>, reason: Exit.Reason, timeout = 5000) =>
  Exit.callExit(reason, 'Task.await', [task, timeout])

/** A task that ends with `reason` (the owner must trap exits for an abnormal one). */
const exiting = (reason: Exit.Reason) => Task.async(Process.exit(reason))

/** A task that has ended, and whose end the owner has seen (as create_dummy_task); `kill` comes from outside. */
const ended = (reason: Exit.Reason) =>
  Effect.gen(function* () {
    const task = yield* reason._tag === 'Kill' ? Task.async(Effect.never) : exiting(reason)
    if (reason._tag === 'Kill') yield* Process.exit(task.pid, Exit.kill)
    yield* waitUntilDown(task)
    return task
  })

const notOwner = (f: (task: Task.Task<never, null>) => Effect.Effect<unknown, unknown>) =>
  Effect.gen(function* () {
    const task = yield* createTaskInOtherProcess
    yield* eq(yield* Effect.either(f(task)), E.left({ _tag: 'NotOwner' }))
  })

const noconnection = 'needs distribution (a :noconnection DOWN from another node)'
const forged = "sends a forged reply for a hand-built %Task{}: a task's reply is tagged with its owner's private alias"

describe('task_test.exs', () => {
  test(39, 'can be supervised directly', () =>
    Effect.asUnit(Supervisor.startLink([Task.childSpec(Effect.unit)], { strategy: 'one_for_one' }))
  )

  test(43, 'generates child_spec/1', () =>
    Effect.gen(function* () {
      const p = Effect.unit
      const spec = Task.childSpec(p)
      yield* eq([spec.id, spec.restart, spec.start === undefined], ['Task', 'temporary', false])
      const custom = Task.childSpec(p, { id: 'id', restart: 'permanent', shutdown: 'infinity' })
      yield* eq([custom.id, custom.restart, custom.shutdown], ['id', 'permanent', 'infinity'])
    })
  )

  const asyncCase = (line: number, name: string) =>
    test(line, name, () =>
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const parent = yield* Process.self
        const task = yield* Task.async(waitAndSend(parent, 'done'))
        yield* ok(Process.pid.is(task.pid) && Process.ref.is(task.ref), 'a task struct')
        yield* assertReceive((u) => u === 'ready')
        yield* Process.send(task.pid, true)
        yield* eq(yield* Task.await(task), 'done')
        yield* assertReceive((u) => u === 'done')
        // the link: the task's normal exit reaches the trapping owner
        yield* assertReceive(exitFrom(task.pid, Exit.normal))
      })
    )
  asyncCase(66, 'async/1')
  asyncCase(96, 'async/3')
  skip(112, 'async with $callers', 'no $callers process dictionary')

  const startCase = (line: number, name: string, linked: boolean) =>
    test(line, name, () =>
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const parent = yield* Process.self
        const pid = yield* (linked ? Task.startLink : Task.start)(waitAndSend(parent, 'done'))
        yield* assertReceive((u) => u === 'ready')
        yield* Process.send(pid, true)
        yield* assertReceive((u) => u === 'done')
        if (linked) yield* assertReceive(exitFrom(pid, Exit.normal))
        else {
          yield* Process.receive(
            Process.on(Exit.Down, () => Effect.unit),
            Process.after(20, () => Effect.unit)
          )
          yield* refuteReceive((u) => Exit.ExitSignal.is(u) && u.from === pid, 20)
        }
      })
    )
  startCase(127, 'start/1', false)
  startCase(144, 'start/3', false)

  test(158, 'completed/1', () =>
    Effect.gen(function* () {
      const task = yield* Task.completed('done')
      yield* eq(yield* Task.await(task), 'done')
      yield* Process.sleep(1)
      yield* ok(!(yield* Process.isAlive(task.pid)), 'no running task process')
    })
  )

  startCase(167, 'start_link/1', true)
  startCase(184, 'start_link/3', true)
  skip(198, 'start_link with $callers', 'no $callers process dictionary')

  test(216, 'ignore/1 discards on time replies', () =>
    Effect.gen(function* () {
      const task = yield* Task.async(Effect.succeed('ok'))
      yield* waitUntilDown(task)
      yield* eq(yield* Task.ignore(task), O.some(E.right('ok')))
      yield* eq(yield* catchExit(Task.await(task, 0)), awaitExit(task, Exit.timeout, 0))
    })
  )

  test(223, 'ignore/1 discards late replies', () =>
    Effect.gen(function* () {
      const task = yield* Task.async(Effect.as(Process.receive(t.literal('go')), 'ok'))
      yield* eq(yield* Task.ignore(task), O.none)
      yield* Process.send(task.pid, 'go')
      yield* waitUntilDown(task)
      yield* eq(yield* catchExit(Task.await(task, 0)), awaitExit(task, Exit.timeout, 0))
    })
  )

  test(231, 'ignore/1 discards on-time failures', () =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const task = yield* exiting(Exit.custom('oops'))
      yield* waitUntilDown(task)
      yield* eq(yield* Task.ignore(task), O.some(E.left(Exit.custom('oops'))))
      yield* eq(yield* catchExit(Task.await(task, 0)), awaitExit(task, Exit.timeout, 0))
    })
  )

  test(239, 'ignore/1 discards late failures', () =>
    Effect.gen(function* () {
      const task = yield* Task.async(
        Effect.flatMap(Process.receive(t.literal('go')), () => Process.exit(Exit.custom('oops')))
      )
      yield* eq(yield* Task.ignore(task), O.none)
      yield* Process.send(task.pid, 'go')
      yield* waitUntilDown(task)
      yield* eq(yield* catchExit(Task.await(task, 0)), awaitExit(task, Exit.timeout, 0))
    })
  )

  skip(247, 'ignore/1 exits on :noconnection', noconnection)

  test(258, 'await/2 demonitors and unalias on timeout', () =>
    Effect.gen(function* () {
      const task = yield* Task.async(Effect.as(Process.receive(t.literal('go')), 'done'))
      yield* eq(yield* catchExit(Task.await(task, 0)), awaitExit(task, Exit.timeout, 0))
      yield* Process.send(task.pid, 'go')
      yield* waitUntilDown(task)
      yield* refuteReceive((u) => typeof u === 'object' && u !== null && (u as { value?: unknown }).value === 'done')
      yield* refuteReceive((u) => Exit.Down.is(u) && u.ref === task.ref)
    })
  )

  test(275, 'await/2 exits on timeout', () =>
    Effect.gen(function* () {
      const task = yield* Task.async(Effect.never)
      yield* eq(yield* catchExit(Task.await(task, 0)), awaitExit(task, Exit.timeout, 0))
    })
  )

  test(280, 'await/2 exits on normal exit', () =>
    Effect.gen(function* () {
      const task = yield* exiting(Exit.normal)
      yield* eq(yield* catchExit(Task.await(task)), awaitExit(task, Exit.normal))
    })
  )

  test(285, 'await/2 exits on task throw', () =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const task = yield* Task.async(
        Effect.sync(() => {
          throw 'unknown'
        })
      )
      yield* eq(yield* catchExit(Task.await(task)), awaitExit(task, Exit.defect('unknown')))
    })
  )

  test(293, 'await/2 exits on task error', () =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const task = yield* Task.async(
        Effect.sync(() => {
          throw new Error('oops')
        })
      )
      const r = yield* catchExit(Task.await(task))
      yield* ok(
        r._tag === 'CallExit' && r.reason._tag === 'Defect' && (r.reason.defect as Error).message === 'oops',
        '{{%RuntimeError{}, _}, {Task, :await, [task, 5000]}}'
      )
    })
  )

  const undef = (line: number, name: string) =>
    test(line, name, () =>
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const missing = {} as { undef?: () => void }
        const task = yield* Task.async(Effect.sync(() => (missing.undef as () => void)()))
        const r = yield* catchExit(Task.await(task))
        yield* ok(
          r._tag === 'CallExit' && r.reason._tag === 'Defect' && r.reason.defect instanceof TypeError,
          'an undefined function: a TypeError defect'
        )
      })
    )
  undef(301, 'await/2 exits on task undef module error')
  undef(312, 'await/2 exits on task undef function error')

  test(320, 'await/2 exits on task exit', () =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const task = yield* exiting(Exit.custom('unknown'))
      yield* eq(yield* catchExit(Task.await(task)), awaitExit(task, Exit.custom('unknown')))
    })
  )

  skip(326, 'await/2 exits on :noconnection', noconnection)
  skip(333, 'await/2 exits on :noconnection from named monitor', noconnection)
  test(340, 'await/2 raises when invoked from a non-owner process', () => notOwner((task) => Task.await(task, 1)))

  test(352, 'await_many/2 returns list of replies', () =>
    Effect.gen(function* () {
      const tasks = []
      for (const v of [1, 3, 9]) tasks.push(yield* Task.async(Effect.succeed(v)))
      yield* eq(yield* Task.awaitMany(tasks), [1, 3, 9])
    })
  )

  test(357, 'await_many/2 returns replies in input order ignoring response order', () =>
    Effect.gen(function* () {
      const tasks = []
      for (const [v, ms] of [
        [1, 30],
        [3, 0],
        [9, 15]
      ])
        tasks.push(yield* Task.async(Effect.as(Effect.sleep(ms as number), v)))
      yield* eq(yield* Task.awaitMany(tasks), [1, 3, 9])
    })
  )

  test(371, 'await_many/2 returns an empty list immediately', () =>
    Effect.flatMap(Task.awaitMany([], 0), (r) => eq(r, []))
  )

  test(375, 'await_many/2 ignores messages from other processes', () =>
    Effect.gen(function* () {
      const me = yield* Process.self
      const otherRef = yield* Process.makeRef
      const tasks = [yield* Task.async(Effect.succeed('a')), yield* Task.async(Effect.succeed('b'))]
      const down: Exit.Down = { _tag: 'DOWN', ref: otherRef, pid: me, reason: Exit.custom('goodbye') }
      yield* Process.send(me, otherRef)
      yield* Process.send(me, [otherRef, 'z'])
      yield* Process.send(me, down)
      yield* eq(yield* Task.awaitMany(tasks), ['a', 'b'])
      yield* assertReceive((u) => u === otherRef, 0)
      yield* assertReceive((u) => Array.isArray(u) && u[0] === otherRef && u[1] === 'z', 0)
      yield* assertReceive((u) => u === down, 0)
    })
  )

  skip(387, 'await_many/2 ignores additional messages after reply', forged)

  test(402, 'await_many/2 exits on timeout', () =>
    Effect.gen(function* () {
      const tasks = [yield* Task.async(Effect.never)]
      yield* eq(yield* catchExit(Task.awaitMany(tasks, 0)), Exit.callExit(Exit.timeout, 'Task.awaitMany', [tasks, 0]))
    })
  )

  test(407, 'await_many/2 exits with same reason when task exits', () =>
    Effect.gen(function* () {
      const tasks = [yield* exiting(Exit.normal)]
      yield* eq(yield* catchExit(Task.awaitMany(tasks)), Exit.callExit(Exit.normal, 'Task.awaitMany', [tasks, 5000]))
    })
  )

  test(412, 'await_many/2 exits immediately when any task exits', () =>
    Effect.gen(function* () {
      const tasks = [yield* Task.async(Effect.never), yield* exiting(Exit.normal)]
      yield* eq(yield* catchExit(Task.awaitMany(tasks)), Exit.callExit(Exit.normal, 'Task.awaitMany', [tasks, 5000]))
    })
  )

  test(421, 'await_many/2 exits immediately when any task crashes', () =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const tasks = [yield* Task.async(Effect.never), yield* exiting(Exit.custom('unknown'))]
      yield* eq(
        yield* catchExit(Task.awaitMany(tasks)),
        Exit.callExit(Exit.custom('unknown'), 'Task.awaitMany', [tasks, 5000])
      )
      for (const task of tasks) yield* Process.exit(task.pid, Exit.kill)
      yield* refuteReceive(isDown, 20)
    })
  )

  test(436, 'await_many/2 exits immediately when any task throws', () =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const tasks = [
        yield* Task.async(Effect.never),
        yield* Task.async(
          Effect.sync(() => {
            throw 'unknown'
          })
        )
      ]
      yield* eq(
        yield* catchExit(Task.awaitMany(tasks)),
        Exit.callExit(Exit.defect('unknown'), 'Task.awaitMany', [tasks, 5000])
      )
    })
  )

  test(448, 'await_many/2 exits immediately on any task error', () =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const oops = new Error('oops')
      const tasks = [
        yield* Task.async(Effect.never),
        yield* Task.async(
          Effect.sync(() => {
            throw oops
          })
        )
      ]
      yield* eq(
        yield* catchExit(Task.awaitMany(tasks)),
        Exit.callExit(Exit.defect(oops), 'Task.awaitMany', [tasks, 5000])
      )
    })
  )

  skip(460, 'await_many/2 exits immediately on :noconnection', noconnection)
  skip(470, 'await_many/2 exits immediately on :noconnection from named monitor', noconnection)
  test(480, 'await_many/2 raises when invoked from a non-owner process', () =>
    Effect.gen(function* () {
      const tasks = [yield* Task.async(Effect.never), yield* createTaskInOtherProcess]
      yield* eq(yield* Effect.either(Task.awaitMany(tasks, 1)), E.left({ _tag: 'NotOwner' }))
    })
  )

  test(495, 'yield/2 returns {:ok, result} when reply and :DOWN in message queue', () =>
    Effect.gen(function* () {
      const task = yield* Task.async(Effect.succeed('result'))
      yield* waitUntilDown(task)
      yield* eq(yield* Task.yield(task, 0), O.some(E.right('result')))
      yield* refuteReceive(isDown)
    })
  )

  test(503, 'yield/2 returns nil on timeout', () =>
    Effect.gen(function* () {
      const task = yield* Task.async(Effect.never)
      yield* eq(yield* Task.yield(task, 0), O.none)
    })
  )

  test(508, 'yield/2 return exit on normal exit', () =>
    Effect.gen(function* () {
      const task = yield* exiting(Exit.normal)
      yield* eq(yield* Task.yield(task), O.some(E.left(Exit.normal)))
    })
  )

  skip(513, 'yield/2 exits on :noconnection', noconnection)
  test(520, 'yield/2 raises when invoked from a non-owner process', () => notOwner((task) => Task.yield(task, 1)))

  test(532, 'yield_many/2 returns {:ok, result} when reply and :DOWN in message queue', () =>
    Effect.gen(function* () {
      const task = yield* Task.async(Effect.succeed('result'))
      yield* waitUntilDown(task)
      yield* eq(yield* Task.yieldMany([task], 0), [[task, O.some(E.right('result'))]])
      yield* refuteReceive(isDown)
    })
  )

  test(540, 'yield_many/2 returns nil on timeout', () =>
    Effect.gen(function* () {
      const task = yield* Task.async(Effect.never)
      yield* eq(yield* Task.yieldMany([task], 0), [[task, O.none]])
    })
  )

  test(545, 'yield_many/2 return exit on normal exit', () =>
    Effect.gen(function* () {
      const task = yield* exiting(Exit.normal)
      yield* eq(yield* Task.yieldMany([task]), [[task, O.some(E.left(Exit.normal))]])
    })
  )

  skip(550, 'yield_many/2 exits on :noconnection', noconnection)
  test(557, 'yield_many/2 raises when invoked from a non-owner process', () =>
    notOwner((task) => Task.yieldMany([task], 1))
  )

  const multiple = (line: number, name: string, timeout: number) =>
    test(line, name, () =>
      Effect.gen(function* () {
        const task1 = yield* Task.async(Effect.succeed('result'))
        const task2 = yield* Task.async(timeout === Infinity ? Effect.succeed('result') : Effect.never)
        const task3 = yield* exiting(Exit.normal)
        yield* waitUntilDown(task1)
        yield* waitUntilDown(task3)
        yield* eq(yield* Task.yieldMany([task1, task2, task3], timeout), [
          [task1, O.some(E.right('result'))],
          [task2, timeout === Infinity ? O.some(E.right('result')) : O.none],
          [task3, O.some(E.left(Exit.normal))]
        ])
      })
    )
  multiple(567, 'yield_many/2 returns results from multiple tasks', 0)
  multiple(579, 'yield_many/2 returns results on infinity timeout', Infinity)

  interface Lines {
    readonly abnormalReply: number
    readonly normalReply: number
    readonly shutdownReply: number
    readonly abnormal: number
    readonly normal: number
    readonly shutdown: number
    readonly killed: number
    readonly noconnection: number
    readonly noproc: number
  }
  const shutdownCases = (how: number | 'brutal_kill', lines: Lines) => {
    const label = how === 'brutal_kill' ? 'shutdown/2 with :brutal_kill' : 'shutdown/2'
    skip(lines.abnormalReply, `${label} returns {:ok, result} when reply and abnormal :DOWN in message queue`, forged)
    test(lines.normalReply, `${label} returns {:ok, result} when reply and normal :DOWN in message queue`, () =>
      Effect.gen(function* () {
        const task = yield* Task.async(Effect.succeed('result'))
        yield* waitUntilDown(task)
        yield* eq(yield* Task.shutdown(task, how), O.some(E.right('result')))
        yield* refuteReceive(isDown)
      })
    )
    skip(lines.shutdownReply, `${label} returns {:ok, result} when reply and shut down :DOWN in message queue`, forged)
    const downCase = (
      line: number,
      name: string,
      reason: Exit.Reason,
      expected: O.Option<E.Either<Exit.Reason, never>>
    ) =>
      test(line, `${label} ${name}`, () =>
        Effect.gen(function* () {
          yield* Process.trapExit(true)
          const task = yield* ended(reason)
          yield* eq(yield* Task.shutdown(task, how), expected)
        })
      )
    const abnormal = Exit.custom('abnormal')
    downCase(lines.abnormal, 'returns exit on abnormal :DOWN in message queue', abnormal, O.some(E.left(abnormal)))
    downCase(lines.normal, 'returns exit on normal :DOWN in message queue', Exit.normal, O.some(E.left(Exit.normal)))
    if (how === 'brutal_kill') {
      downCase(
        lines.shutdown,
        'returns exit on shutdown :DOWN in message queue',
        Exit.shutdown,
        O.some(E.left(Exit.shutdown))
      )
      downCase(lines.killed, 'returns nil on killed :DOWN in message queue', Exit.kill, O.none)
    } else {
      downCase(lines.shutdown, 'returns nil on shutdown :DOWN in message queue', Exit.shutdown, O.none)
      downCase(lines.killed, 'returns exit on killed :DOWN in message queue', Exit.kill, O.some(E.left(Exit.killed)))
    }
    skip(lines.noconnection, `${label} exits on noconnection :DOWN in message queue`, noconnection)
    test(lines.noproc, `${label} returns {:exit, :noproc} if task handled`, () =>
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const task = yield* exiting(Exit.custom('gone'))
        // the owner handles the task's DOWN itself
        yield* assertReceive((u) => Exit.Down.is(u) && u.ref === task.ref)
        yield* eq(yield* Task.shutdown(task, how), O.some(E.left(Exit.noproc)))
      })
    )
  }

  shutdownCases(5000, {
    abnormalReply: 594,
    normalReply: 602,
    shutdownReply: 610,
    abnormal: 623,
    normal: 629,
    shutdown: 635,
    killed: 641,
    noconnection: 647,
    noproc: 687
  })

  test(618, 'shutdown/2 returns nil on shutting down task', () =>
    Effect.gen(function* () {
      const task = yield* Task.async(Effect.never)
      yield* eq(yield* Task.shutdown(task), O.none)
    })
  )
  skip(
    655,
    'shutdown/2 raises if task PID is nil',
    'every Task has a process (Task.completed gives one that has ended)'
  )
  test(661, 'shutdown/2 raises when invoked from a non-owner process', () => notOwner((task) => Task.shutdown(task)))

  test(671, 'shutdown/2 returns nil on killing task', () =>
    Effect.gen(function* () {
      const caller = yield* Process.self
      const task = yield* Task.async(
        Effect.gen(function* () {
          yield* Process.trapExit(true)
          yield* waitAndSend(caller, 'ready')
          return yield* Effect.never
        })
      )
      yield* assertReceive((u) => u === 'ready')
      yield* eq(yield* Task.shutdown(task, 'brutal_kill'), O.none)
      yield* refuteReceive(isDown)
    })
  )

  shutdownCases('brutal_kill', {
    abnormalReply: 694,
    normalReply: 702,
    shutdownReply: 710,
    killed: 718,
    abnormal: 724,
    normal: 730,
    shutdown: 736,
    noconnection: 742,
    noproc: 764
  })

  test(750, 'shutdown/2 with :brutal_kill returns exit on killing task after shutdown timeout', () =>
    Effect.gen(function* () {
      const caller = yield* Process.self
      const task = yield* Task.async(
        Effect.gen(function* () {
          yield* Process.trapExit(true)
          yield* waitAndSend(caller, 'ready')
          return yield* Effect.never
        })
      )
      yield* assertReceive((u) => u === 'ready')
      yield* eq(yield* Task.shutdown(task, 1), O.some(E.left(Exit.killed)))
    })
  )
})

describe('task_test.exs async_stream', () => {
  const sleep = (n: number) => Effect.as(n === Infinity ? Effect.never : Effect.sleep(n), n)
  const range = (a: number, b: number) => Array.from({ length: Math.abs(b - a) + 1 }, (_, i) => (a < b ? a + i : a - i))
  const oks = (xs: ReadonlyArray<number>) => xs.map((x) => E.right(x))
  const exits = (xs: ReadonlyArray<number>) => xs.map((x) => E.left(Exit.custom(x)))
  const exitWith = (n: number) => Process.exit(Exit.custom(n))
  const anything = () => true
  /** `Enum.take(stream, n)`: the first n results, then the stream halts. */
  const take = <A>(s: Task.Stream<A>, n: number) =>
    Effect.gen(function* () {
      const out: Array<A> = []
      while (out.length < n) {
        const o = yield* s.next
        if (O.isNone(o)) break
        out.push(o.value)
      }
      yield* s.halt
      return out
    })
  const toList = <A>(s: Task.Stream<A>) => take(s, Infinity)

  test(771, 'async_stream/2 timeout', () =>
    Effect.gen(function* () {
      yield* eq(
        yield* catchExit(Task.asyncStream([Infinity], sleep, { timeout: 0 })),
        Exit.callExit(Exit.timeout, 'Task.asyncStream', [0, Infinity])
      )
      yield* refuteReceive(anything)
    })
  )

  test(778, 'async_stream/2 streams an enumerable with ordered: false', () =>
    Effect.gen(function* () {
      const f = (n: number) => sleep(n * 100)
      yield* eq(
        yield* Task.asyncStream(range(4, 1), f, { maxConcurrency: 1, ordered: false }),
        oks([400, 300, 200, 100])
      )
      yield* eq(
        yield* Task.asyncStream(range(4, 1), f, { maxConcurrency: 4, ordered: false }),
        oks([100, 200, 300, 400])
      )
    })
  )

  test(792, 'async_stream/2 streams an enumerable with ordered: false, on_timeout: :kill_task', () =>
    Effect.gen(function* () {
      const opts = { maxConcurrency: 4, ordered: false, onTimeout: 'killTask', timeout: 50 } as const
      yield* eq(yield* Task.asyncStream([100, 1, 100, 1], sleep, opts), [
        E.right(1),
        E.right(1),
        E.left(Exit.timeout),
        E.left(Exit.timeout)
      ])
      yield* refuteReceive(anything)
    })
  )

  test(802, 'async_stream/2 streams an enumerable with infinite timeout', () =>
    Effect.flatMap(
      Task.asyncStream([1], () => Effect.succeed('ok'), { timeout: Infinity }),
      (out) => eq(out, [E.right('ok')])
    )
  )

  test(806, 'async_stream/2 does not allow streaming with max_concurrency = 0', () =>
    Effect.sync(() => {
      let thrown: unknown
      try {
        Task.asyncStream([1], () => Effect.succeed('ok'), { maxConcurrency: 0 })
      } catch (e) {
        thrown = e
      }
      if (!(thrown instanceof TypeError) || !/maxConcurrency must be an integer >= 1/.test(thrown.message))
        throw new Error('expected a TypeError about maxConcurrency')
    })
  )

  test(812, 'async_stream/2 streams with fake down messages on the inbox', () =>
    Effect.gen(function* () {
      const parent = yield* Process.self
      const out = yield* Task.asyncStream(['ok'], () =>
        Effect.gen(function* () {
          const fake: Exit.Down = {
            _tag: 'DOWN',
            ref: yield* Process.makeRef,
            pid: parent,
            reason: Exit.custom('oops')
          }
          yield* Process.send(parent, fake)
          return 'ok'
        })
      )
      yield* eq(out, [E.right('ok')])
    })
  )

  skip(827, 'async_stream/2 with $callers', 'no $callers process dictionary')

  test(845, 'async_stream/2 consuming from another process', () =>
    Effect.gen(function* () {
      const parent = yield* Process.self
      const stream = Task.asyncStream([1, 2, 3], (n) => Process.send(parent, n))
      yield* Task.start(stream)
      yield* assertReceive((u) => u === 1)
      yield* assertReceive((u) => u === 2)
      yield* assertReceive((u) => u === 3)
    })
  )

  /** Elixir runs these with max_concurrency 4, 2 and 8: so does each test here. */
  const each = (
    line: number,
    name: string,
    body: (maxConcurrency: number, rt: Runtime.Runtime) => Effect.Effect<unknown, unknown>
  ) =>
    test(line, `async_stream with max_concurrency (4, 2, 8) ${name}`, (rt) =>
      Effect.asUnit(Effect.traverseArray((m: number) => body(m, rt))([4, 2, 8]))
    )

  each(859, 'streams an enumerable with fun', (m) =>
    Effect.flatMap(Task.asyncStream(range(1, 4), sleep, { maxConcurrency: m }), (o) => eq(o, oks([1, 2, 3, 4])))
  )
  each(865, 'streams an enumerable with mfa', (m) =>
    Effect.flatMap(Task.asyncStream(range(1, 4), sleep, { maxConcurrency: m }), (o) => eq(o, oks([1, 2, 3, 4])))
  )
  each(871, 'streams an enumerable without leaking tasks', (m) =>
    Effect.gen(function* () {
      yield* eq(yield* Task.asyncStream(range(1, 4), sleep, { maxConcurrency: m }), oks([1, 2, 3, 4]))
      yield* refuteReceive(anything)
    })
  )
  each(879, 'streams an enumerable with slowest first', (m) =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      yield* eq(yield* Task.asyncStream(range(4, 1), sleep, { maxConcurrency: m }), oks([4, 3, 2, 1]))
    })
  )
  each(887, 'streams an enumerable with exits', (m) =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      yield* eq(yield* Task.asyncStream(range(1, 4), exitWith, { maxConcurrency: m }), exits([1, 2, 3, 4]))
      yield* refuteReceive((u) => Exit.ExitSignal.is(u))
    })
  )
  each(897, 'shuts down unused tasks', (m, rt) =>
    Effect.gen(function* () {
      const s = yield* Task.stream([0, Infinity, Infinity, Infinity], sleep, { maxConcurrency: m })
      yield* eq(yield* take(s, 1), oks([0]))
      yield* eq((yield* infoOf(rt, yield* Process.self)).links, [])
    })
  )
  each(905, 'shuts down unused tasks without leaking messages', (m) =>
    Effect.gen(function* () {
      const s = yield* Task.stream([0, Infinity, Infinity, Infinity], sleep, { maxConcurrency: m })
      yield* eq(yield* take(s, 1), oks([0]))
      yield* refuteReceive(anything)
    })
  )
  const zipped = (items: ReadonlyArray<number>, f: (n: number) => Effect.Effect<unknown, number>, m: number) =>
    Effect.gen(function* () {
      const a = yield* Task.stream(items, f, { maxConcurrency: m })
      const b = yield* Task.stream(items, f, { maxConcurrency: m })
      const out: Array<readonly [unknown, unknown]> = []
      for (;;) {
        const x = yield* a.next
        const y = yield* b.next
        if (O.isNone(x) || O.isNone(y)) break
        out.push([
          E.isRight(x.value) ? x.value.right : (x.value.left as Exit.Reason & { reason?: unknown }).reason,
          E.isRight(y.value) ? y.value.right : (y.value.left as Exit.Reason & { reason?: unknown }).reason
        ])
      }
      yield* a.halt
      yield* b.halt
      return out
    })
  each(913, 'is zippable on success', (m) =>
    Effect.flatMap(zipped(range(1, 4), sleep, m), (o) =>
      eq(o, [
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4]
      ])
    )
  )
  each(918, 'is zippable on failure', (m) =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      yield* eq(yield* zipped(range(1, 4), exitWith, m), [
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4]
      ])
    })
  )
  each(924, 'is zippable with slowest first', (m) =>
    Effect.flatMap(zipped(range(4, 1), sleep, m), (o) =>
      eq(o, [
        [4, 4],
        [3, 3],
        [2, 2],
        [1, 1]
      ])
    )
  )
  each(929, 'with inner halt on success', (m) =>
    Effect.flatMap(Task.asyncStream(range(1, 8).slice(0, 4), sleep, { maxConcurrency: m }), (o) =>
      eq(o, oks([1, 2, 3, 4]))
    )
  )
  each(936, 'with inner halt on failure', (m) =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      yield* eq(yield* Task.asyncStream(range(1, 8).slice(0, 4), exitWith, { maxConcurrency: m }), exits([1, 2, 3, 4]))
    })
  )
  each(945, 'with inner halt and slowest first', (m) =>
    Effect.flatMap(Task.asyncStream(range(8, 1).slice(0, 4), sleep, { maxConcurrency: m }), (o) =>
      eq(o, oks([8, 7, 6, 5]))
    )
  )
  each(952, 'with outer halt on success', (m) =>
    Effect.flatMap(
      Effect.flatMap(Task.stream(range(1, 8), sleep, { maxConcurrency: m }), (s) => take(s, 4)),
      (o) => eq(o, oks([1, 2, 3, 4]))
    )
  )
  each(958, 'with outer halt on failure', (m) =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const s = yield* Task.stream(range(1, 8), exitWith, { maxConcurrency: m })
      yield* eq(yield* take(s, 4), exits([1, 2, 3, 4]))
    })
  )
  each(966, 'with outer halt and slowest first', (m) =>
    Effect.flatMap(
      Effect.flatMap(Task.stream(range(8, 1), sleep, { maxConcurrency: m }), (s) => take(s, 4)),
      (o) => eq(o, oks([8, 7, 6, 5]))
    )
  )
  each(972, 'terminates inner effect', (m) =>
    Effect.gen(function* () {
      // Stream.transform's after-callback on the consuming side: runs once the stream is done
      let transformed = false
      const s = yield* Task.stream(range(1, 4), sleep, { maxConcurrency: m })
      const out = yield* Effect.ensuring(
        toList(s),
        Effect.sync(() => (transformed = true))
      )
      yield* eq(out, oks([1, 2, 3, 4]))
      yield* ok(transformed, 'the after-callback ran')
    })
  )
  each(985, 'terminates outer effect', (m) =>
    Effect.gen(function* () {
      // the source's after-callback (a generator's finally) runs when the stream is done with it
      let transformed = false
      function* source() {
        try {
          yield* range(1, 4)
        } finally {
          transformed = true
        }
      }
      yield* eq(yield* Task.asyncStream(source(), sleep, { maxConcurrency: m }), oks([1, 2, 3, 4]))
      yield* ok(transformed, 'the after-callback ran')
    })
  )
  each(998, 'with :on_timeout set to :kill_task', (m) =>
    Effect.gen(function* () {
      const out = yield* Task.asyncStream([100, 1, 100, 1], sleep, {
        maxConcurrency: m,
        onTimeout: 'killTask',
        timeout: 50
      })
      yield* eq(out, [E.left(Exit.timeout), E.right(1), E.left(Exit.timeout), E.right(1)])
      yield* refuteReceive(anything)
    })
  )
  each(1008, 'with timeout and :zip_input_on_exit set to true', (m) =>
    Effect.gen(function* () {
      const out = yield* Task.asyncStream([1, 100], sleep, {
        maxConcurrency: m,
        zipInputOnExit: true,
        onTimeout: 'killTask',
        timeout: 50
      })
      yield* eq(out, [E.right(1), E.left([100, Exit.timeout])])
    })
  )
  each(1016, 'with outer halt on failure and :zip_input_on_exit', (m) =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const s = yield* Task.stream(range(1, 8), exitWith, { maxConcurrency: m, zipInputOnExit: true })
      yield* eq(
        yield* take(s, 4),
        [1, 2, 3, 4].map((n) => E.left([n, Exit.custom(n)]))
      )
    })
  )
})
