import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, Runtime } from '../lib/index.js'
import type { Pid } from '../lib/Pid.js'
import type { DeadLetter } from '../lib/Runtime.js'
import * as Task from '../lib/Task.js'

import { run } from './interpreter.js'
import { drain, value } from './support.js'

describe('Task.async / await', () => {
  it('await returns the value of the task', async () => {
    const r = await run(Effect.flatMap(Task.async(Effect.succeed(21)), (task) => Task.await(task)))
    expect(r).toEqual(Exit.returned(21))
  })

  it('the task is linked to and monitored by its owner', async () => {
    const rt = Runtime.make()
    const r = await rt.run(
      Effect.gen(function* () {
        const me = yield* Process.self
        const task = yield* Task.async(Effect.never)
        const info = rt.processes().find((p) => p.pid === task.pid)
        const mine = rt.processes().find((p) => p.pid === me)
        return {
          owner: task.owner === me,
          taskLinks: info?.links.map((p) => p === me),
          ownerMonitors: mine?.monitors.map((p) => p === task.pid)
        }
      })
    )
    expect(value(r)).toEqual({ owner: true, taskLinks: [true], ownerMonitors: [true] })
  })

  it('an await that times out exits the caller with {timeout, {Task.await, [task, ms]}}', async () => {
    let task: Task.Task<never, string> | undefined
    const r = await run(
      Effect.gen(function* () {
        task = yield* Task.async(Effect.as(Effect.sleep(5_000), 'late'))
        return yield* Task.await(task, 20)
      })
    )
    expect(r).toEqual(Exit.callExit(Exit.timeout, 'Task.await', [task, 20]))
  })

  it('a caught await timeout: the task runs on; its late reply is a dead letter, never in the mailbox', async () => {
    const rt = Runtime.make()
    const letters: Array<DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const r = await rt.run(
      Effect.gen(function* () {
        const task = yield* Task.async(Effect.as(Effect.sleep(60), 'late'))
        const first = yield* Effect.either(Task.await(task, 10))
        const alive = yield* Process.isAlive(task.pid)
        yield* Effect.sleep(150)
        const left = yield* drain
        return { first: E.isLeft(first) ? first.left : first.right, alive, left, tag: task.alias }
      })
    )
    const v = value(r)
    expect(v.first).toEqual(Exit.exiting(Exit.callExit(Exit.timeout, 'Task.await', [expect.anything(), 10])))
    expect(v.alive).toBe(true)
    // the task's normal exit reaches a non-trapping owner as nothing: the mailbox is empty
    expect(v.left).toEqual([])
    expect(letters.map((l) => l.message)).toEqual([{ _tag: 'Task.Reply', tag: v.tag, value: 'late' }])
  })

  it('a crashing task kills an owner that does not trap exits, with the same reason', async () => {
    const r = await run(
      Effect.gen(function* () {
        const task = yield* Task.async(Effect.flatMap(Effect.sleep(5), () => Effect.fail('boom')))
        yield* Task.await(task)
        return 'not reached'
      })
    )
    expect(r).toEqual(Exit.failure('boom'))
  })

  it('a trapping owner gets the EXIT message and a failed await with the crash reason', async () => {
    let task: Task.Task<string, never> | undefined
    const r = await run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        task = yield* Task.async(Effect.fail('boom'))
        const awaited = yield* Effect.either(Task.await(task))
        const left = yield* drain
        return { awaited, left }
      })
    )
    const v = value(r)
    expect(v.awaited).toEqual(E.left(Exit.exiting(Exit.callExit(Exit.failure('boom'), 'Task.await', [task, 5000]))))
    expect(v.left).toEqual([{ _tag: 'EXIT', from: task?.pid, reason: Exit.failure('boom') }])
  })

  it('only the owner may await (NotOwner)', async () => {
    const r = await run(
      Effect.gen(function* () {
        const task = yield* Task.async(Effect.never)
        const me = yield* Process.self
        yield* Process.spawn(Effect.flatMap(Effect.either(Task.await(task, 10)), (res) => Process.send(me, { res })))
        return yield* Process.receive(t.type({ res: t.unknown }))
      })
    )
    expect(value(r)).toEqual({ res: E.left({ _tag: 'NotOwner' }) })
  })
})

describe('Task.yield', () => {
  it('yield gives none while the task runs, and a later yield still gets the result', async () => {
    const r = await run(
      Effect.gen(function* () {
        const task = yield* Task.async(Effect.as(Effect.sleep(80), 'done'))
        const first = yield* Task.yield(task, 5)
        const second = yield* Task.yield(task, 5_000)
        const left = yield* drain
        return { first, second, left }
      })
    )
    expect(value(r)).toEqual({ first: O.none, second: O.some(E.right('done')), left: [] })
  })

  it('yield of a crashed task (trapping owner) gives the exit reason', async () => {
    const r = await run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const task = yield* Task.async(Effect.fail('boom'))
        return yield* Task.yield(task, 5_000)
      })
    )
    expect(value(r)).toEqual(O.some(E.left(Exit.failure('boom'))))
  })
})

describe('Task.shutdown', () => {
  it('shutdown of a running task gives none; the owner is unlinked and gets no EXIT', async () => {
    const r = await run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const task = yield* Task.async(Effect.never)
        const result = yield* Task.shutdown(task)
        const alive = yield* Process.isAlive(task.pid)
        const left = yield* drain
        return { result, alive, left }
      })
    )
    expect(value(r)).toEqual({ result: O.none, alive: false, left: [] })
  })

  it('a non-trapping owner survives the shutdown of its task', async () => {
    const r = await run(
      Effect.gen(function* () {
        const a = yield* Task.async(Effect.never)
        const b = yield* Task.async(Effect.never)
        const first = yield* Task.shutdown(a)
        const second = yield* Task.shutdown(b, 'brutal_kill')
        return [first, second]
      })
    )
    expect(value(r)).toEqual([O.none, O.none])
  })

  it('shutdown racing a finished task returns its result', async () => {
    const r = await run(
      Effect.gen(function* () {
        const task = yield* Task.async(Effect.succeed(42))
        yield* Effect.sleep(20)
        return yield* Task.shutdown(task)
      })
    )
    expect(value(r)).toEqual(O.some(E.right(42)))
  })

  it('shutdown of a task that crashed before gives its reason (trapping owner)', async () => {
    const r = await run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const task = yield* Task.async(Effect.fail('boom'))
        yield* Effect.sleep(20)
        return yield* Task.shutdown(task)
      })
    )
    expect(value(r)).toEqual(O.some(E.left(Exit.failure('boom'))))
  })

  it('a task that ignores shutdown (trapping exits) is killed after the timeout: {exit, killed}', async () => {
    const r = await run(
      Effect.gen(function* () {
        const task = yield* Task.async(Effect.flatMap(Process.trapExit(true), () => Effect.never))
        yield* Effect.sleep(10)
        const result = yield* Task.shutdown(task, 30)
        const alive = yield* Process.isAlive(task.pid)
        return { result, alive }
      })
    )
    expect(value(r)).toEqual({ result: O.some(E.left(Exit.killed)), alive: false })
  })
})

describe('Task.awaitMany', () => {
  it('returns the results in the order of the tasks', async () => {
    const r = await run(
      Effect.gen(function* () {
        const slow = yield* Task.async(Effect.as(Effect.sleep(40), 'slow'))
        const fast = yield* Task.async(Effect.succeed('fast'))
        return yield* Task.awaitMany([slow, fast])
      })
    )
    expect(value(r)).toEqual(['slow', 'fast'])
  })

  it('times out as a whole, exiting with {timeout, {Task.awaitMany, [tasks, ms]}}', async () => {
    let tasks: ReadonlyArray<Task.Task<never, string>> = []
    const r = await run(
      Effect.gen(function* () {
        const a = yield* Task.async(Effect.succeed('a'))
        const b = yield* Task.async(Effect.as(Effect.sleep(5_000), 'b'))
        tasks = [a, b]
        return yield* Task.awaitMany(tasks, 30)
      })
    )
    expect(r).toEqual(Exit.callExit(Exit.timeout, 'Task.awaitMany', [tasks, 30]))
  })
})

describe('Task.start / startLink', () => {
  it('start is not linked: its crash does not reach the caller', async () => {
    const r = await run(
      Effect.gen(function* () {
        const pid = yield* Task.start(Effect.fail('boom'))
        const ref = yield* Process.monitor(pid)
        const down = yield* Process.receive(Exit.Down)
        yield* Effect.sleep(5)
        return { sameRef: down.ref === ref, reason: down.reason, left: yield* drain }
      })
    )
    // the process ran only after the monitor was set (spawn does not run it at once)
    expect(value(r)).toEqual({ sameRef: true, reason: Exit.failure('boom'), left: [] })
  })

  it('startLink is linked: its crash kills the caller', async () => {
    const r = await run(
      Effect.gen(function* () {
        yield* Task.startLink(Effect.fail('boom'))
        yield* Effect.never
      })
    )
    expect(r).toEqual(Exit.failure('boom'))
  })
})

describe('Task.asyncStream', () => {
  /**
   * A conductor that releases the waiting tasks in a chosen order: each task
   * says it is ready (with its pid), and returns its item once released. The
   * conductor waits for each released task to end (its reply is then sent)
   * before releasing the next, so the order holds under any scheduler.
   */
  const Ready = t.type({ _tag: t.literal('ready'), item: t.number, pid: Process.pid })
  const conductor = (n: number, order: ReadonlyArray<number>) =>
    Effect.gen(function* () {
      const pids = new Map<number, Pid<unknown>>()
      while (pids.size < n) {
        const m = yield* Process.receive(Ready)
        pids.set(m.item, m.pid)
      }
      for (const item of order) {
        const pid = pids.get(item) as Pid<unknown>
        yield* Process.monitor(pid)
        yield* Process.send(pid, 'go')
        yield* Process.receive(Exit.Down) // one monitor at a time: this is the released task's DOWN
      }
    })
  const waitForGo = (c: Pid<unknown>) => (item: number) =>
    Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.send(c, { _tag: 'ready', item, pid: me })
      yield* Process.receive(t.literal('go'))
      return item * 10
    })

  it('ordered (default): results follow the items, whatever order the tasks end in', async () => {
    const r = await run(
      Effect.gen(function* () {
        const c = yield* Process.spawn(conductor(4, [3, 1, 4, 2]))
        return yield* Task.asyncStream([1, 2, 3, 4], waitForGo(c), { maxConcurrency: 4 })
      })
    )
    expect(value(r)).toEqual([E.right(10), E.right(20), E.right(30), E.right(40)])
  })

  it('unordered: results in the order the tasks end', async () => {
    const r = await run(
      Effect.gen(function* () {
        const c = yield* Process.spawn(conductor(4, [3, 1, 4, 2]))
        return yield* Task.asyncStream([1, 2, 3, 4], waitForGo(c), { maxConcurrency: 4, ordered: false })
      })
    )
    expect(value(r)).toEqual([E.right(30), E.right(10), E.right(40), E.right(20)])
  })

  it('never runs more than maxConcurrency tasks at once, and reaches it', async () => {
    let live = 0
    let peak = 0
    const f = (x: number) =>
      Effect.gen(function* () {
        yield* Effect.sync(() => {
          live++
          peak = Math.max(peak, live)
        })
        yield* Effect.sleep(2)
        yield* Effect.sync(() => live--)
        return x + 1
      })
    const items = Array.from({ length: 30 }, (_, i) => i)
    const r = await run(Task.asyncStream(items, f, { maxConcurrency: 3 }))
    expect(value(r)).toEqual(items.map((x) => E.right(x + 1)))
    expect(peak).toBe(3)
    expect(live).toBe(0)
  })

  it('a timeout (onTimeout exit) kills the running tasks and exits naming the element', async () => {
    const rt = Runtime.make()
    const r = await rt.run(
      Effect.gen(function* () {
        const me = yield* Process.self
        const result = yield* Effect.either(
          Task.asyncStream([1, 2, 3], (x) => (x === 2 ? Effect.never : Effect.succeed(x)), { timeout: 30 })
        )
        yield* Effect.sleep(10)
        const others = rt.processes().filter((p) => p.pid !== me).length
        const left = yield* drain
        return { result, others, left }
      })
    )
    expect(value(r)).toEqual({
      result: E.left(Exit.exiting(Exit.callExit(Exit.timeout, 'Task.asyncStream', [30, 2]))),
      others: 0,
      left: []
    })
  })

  it('uncaught, the stream timeout exits the caller with that reason', async () => {
    const r = await run(
      Task.asyncStream(['a', 'b'], (x) => (x === 'b' ? Effect.never : Effect.succeed(x)), { timeout: 20 })
    )
    expect(r).toEqual(Exit.callExit(Exit.timeout, 'Task.asyncStream', [20, 'b']))
  })

  it('onTimeout killTask gives left(timeout) for that element and goes on', async () => {
    const r = await run(
      Task.asyncStream([1, 2, 3], (x) => (x === 2 ? Effect.never : Effect.succeed(x)), {
        timeout: 30,
        onTimeout: 'killTask'
      })
    )
    expect(value(r)).toEqual([E.right(1), E.left(Exit.timeout), E.right(3)])
  })

  it('a crashing element kills a non-trapping caller; a trapping caller gets left(reason) and no EXIT', async () => {
    const f = (x: number) => (x === 2 ? Effect.fail('boom') : Effect.succeed(x))
    const killed = await run(Task.asyncStream([1, 2, 3], f, { maxConcurrency: 1 }))
    expect(killed).toEqual(Exit.failure('boom'))
    const trapped = await run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const results = yield* Task.asyncStream([1, 2, 3], f, { maxConcurrency: 1 })
        const left = yield* drain
        return { results, left }
      })
    )
    expect(value(trapped)).toEqual({ results: [E.right(1), E.left(Exit.failure('boom')), E.right(3)], left: [] })
  })

  it('is lazy: nothing starts before the Effect runs', async () => {
    let calls = 0
    const stream = Task.asyncStream([10, 20], (x) => Effect.sync(() => ++calls + x))
    expect(calls).toBe(0)
    const r = await run(stream)
    expect(calls).toBe(2)
    // each element ran once, in whatever order the scheduler chose: 10 + (1 or 2), 20 + (the other)
    const [a, b] = value(r).map((e) => (E.isRight(e) ? e.right : NaN))
    expect([(a ?? 0) - 10, (b ?? 0) - 20].sort()).toEqual([1, 2])
  })

  it('rejects bad options with a clear error', () => {
    expect(() => Task.asyncStream([1], Effect.succeed, { maxConcurrency: 0 })).toThrow(
      'Task.asyncStream: maxConcurrency must be an integer >= 1, got 0'
    )
    expect(() => Task.asyncStream([1], Effect.succeed, { onTimeout: 'later' as never })).toThrow(
      `Task.asyncStream: onTimeout must be 'exit' or 'killTask', got "later"`
    )
  })
})
