/**
 * Task.yieldMany / ignore / completed, the lazy async stream (Effect cursor
 * and Observable), and TaskSupervisor.
 */
import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { firstValueFrom, take, toArray } from 'rxjs'
import { Effect, Exit, Process, Runtime, Task, TaskSupervisor, TestRuntime } from '../lib/index.js'

import { run, onTestRuntime } from './interpreter.js'
import { drain, value } from './support.js'

function* naturals(counter: { started: number }) {
  for (let n = 0; ; n++) {
    counter.started++
    yield n
  }
}

describe('Task.yieldMany, ignore, completed', () => {
  it('yieldMany: results so far in task order; none for a running task; killTask stops it', async () => {
    const r = await run(
      Effect.gen(function* () {
        const fast = yield* Task.async(Effect.succeed(1))
        const slow = yield* Task.async(Effect.as(Effect.sleep(10_000), 2))
        const res = yield* Task.yieldMany([slow, fast], { timeout: 50, onTimeout: 'killTask' })
        const alive = yield* Process.isAlive(slow.pid)
        return { res: res.map(([t, o]) => [t === slow ? 'slow' : 'fast', o]), alive, left: yield* drain }
      })
    )
    expect(value(r)).toEqual({
      res: [
        ['slow', O.none],
        ['fast', O.some(E.right(1))]
      ],
      alive: false,
      left: []
    })
  })

  it("yieldMany 'nothing' leaves a task running; a later yield gets it", async () => {
    const r = await run(
      Effect.gen(function* () {
        const slow = yield* Task.async(Effect.as(Effect.sleep(100), 2))
        const first = yield* Task.yieldMany([slow], 10)
        const later = yield* Task.yield(slow, 5000)
        return { first: first[0]?.[1], later }
      })
    )
    expect(value(r)).toEqual({ first: O.none, later: O.some(E.right(2)) })
  })

  it('ignore: the result if there, else none; the late reply is not in the mailbox', async () => {
    const r = await run(
      Effect.gen(function* () {
        const done = yield* Task.async(Effect.succeed('now'))
        yield* Effect.sleep(20)
        const got = yield* Task.ignore(done)
        const late = yield* Task.async(Effect.as(Effect.sleep(20), 'late'))
        const none = yield* Task.ignore(late)
        yield* Effect.sleep(60)
        return { got, none, left: yield* drain }
      })
    )
    expect(value(r)).toEqual({ got: O.some(E.right('now')), none: O.none, left: [] })
  })

  it('completed: await gives the value at once', async () => {
    const r = await run(Effect.flatMap(Task.completed(42), (t) => Task.await(t, 0)))
    expect(value(r)).toBe(42)
  })
})

describe('the lazy async stream', () => {
  it('Task.stream: taking 3 of an infinite source starts at most 3 + maxConcurrency tasks', async () => {
    const counter = { started: 0 }
    const r = await run(
      Effect.gen(function* () {
        const s = yield* Task.stream(naturals(counter), (n) => Effect.succeed(n * n), { maxConcurrency: 4 })
        const out = [yield* s.next, yield* s.next, yield* s.next]
        yield* s.halt
        return out
      })
    )
    expect(value(r)).toEqual([O.some(E.right(0)), O.some(E.right(1)), O.some(E.right(4))])
    expect(counter.started).toBeLessThanOrEqual(3 + 4)
    expect(counter.started).toBeGreaterThanOrEqual(3)
  })

  it('Task.asyncStream$: take(3) over an infinite source starts at most 3 + maxConcurrency tasks, and stops them', async () => {
    const trt = onTestRuntime() ? TestRuntime.make({ seed: 7 }) : undefined
    const rt = trt ?? Runtime.make()
    const counter = { started: 0 }
    let spawned = 0
    rt.events$.subscribe((e) => {
      if (e._tag === 'Spawn') spawned++
    })
    const stream = Task.asyncStream$(rt, naturals(counter), (n) => Effect.as(Effect.sleep(n % 3), n), {
      maxConcurrency: 5
    }).pipe(take(3), toArray())
    let out: ReadonlyArray<unknown> = []
    if (trt !== undefined) {
      // the virtual clock moves only when told
      stream.subscribe((xs) => (out = xs))
      trt.advance(100)
    } else out = await firstValueFrom(stream)
    expect(out).toEqual([E.right(0), E.right(1), E.right(2)])
    expect(counter.started).toBeLessThanOrEqual(3 + 5)
    // the emitting process and its tasks: at most 1 + 3 + 5 spawns
    expect(spawned).toBeLessThanOrEqual(1 + 3 + 5)
    expect(spawned).toBeGreaterThanOrEqual(1 + 3)
    await rt.shutdown()
  })

  it('ordered: false, onTimeout killTask, zipInputOnExit', async () => {
    const r = await run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        return yield* Task.asyncStream([30, 1000, 10], (ms) => Effect.as(Effect.sleep(ms), ms), {
          ordered: false,
          timeout: 100,
          onTimeout: 'killTask',
          zipInputOnExit: true
        })
      })
    )
    expect(value(r)).toEqual([E.right(10), E.right(30), E.left([1000, Exit.timeout])])
  })
})

describe('TaskSupervisor', () => {
  it('async: a supervised task linked to the caller; children lists it', async () => {
    const r = await run(
      Effect.gen(function* () {
        const sup = yield* TaskSupervisor.startLink()
        const task = yield* TaskSupervisor.async(sup, Effect.as(Effect.sleep(20), 'done'))
        const kids = yield* TaskSupervisor.children(sup)
        const res = yield* Task.await(task)
        return { listed: kids.includes(task.pid), res }
      })
    )
    expect(value(r)).toEqual({ listed: true, res: 'done' })
  })

  it('asyncNolink: a crash is a DOWN, the caller lives', async () => {
    const r = await run(
      Effect.gen(function* () {
        const sup = yield* TaskSupervisor.startLink()
        const task = yield* TaskSupervisor.asyncNolink(sup, Process.exit(Exit.custom('boom')))
        return yield* Task.yield(task, 1000)
      })
    )
    expect(value(r)).toEqual(O.some(E.left(Exit.custom('boom'))))
  })

  it('startChild / terminateChild', async () => {
    const r = await run(
      Effect.gen(function* () {
        const sup = yield* TaskSupervisor.startLink()
        const pid = yield* TaskSupervisor.startChild(sup, Effect.never)
        const before = yield* TaskSupervisor.children(sup)
        yield* TaskSupervisor.terminateChild(sup, pid)
        const after = yield* TaskSupervisor.children(sup)
        return { before: before.length, after: after.length, alive: yield* Process.isAlive(pid) }
      })
    )
    expect(value(r)).toEqual({ before: 1, after: 0, alive: false })
  })

  it('asyncStreamNolink: crashed elements are left(reason); the caller lives', async () => {
    const r = await run(
      Effect.gen(function* () {
        const sup = yield* TaskSupervisor.startLink()
        return yield* TaskSupervisor.asyncStreamNolink(sup, [1, 0, 2], (n) =>
          n === 0 ? Process.exit(Exit.custom('zero')) : Effect.succeed(10 / n)
        )
      })
    )
    expect(value(r)).toEqual([E.right(10), E.left(Exit.custom('zero')), E.right(5)])
  })
})
