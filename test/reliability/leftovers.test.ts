/**
 * Issue 8, item 8's leftovers: hostile values are formatted without a throw,
 * an `onExit` handler that throws keeps the outcome, a monitor of another
 * runtime's pid is a `noproc` DOWN, and `TestRuntime.shutdown()` resolves
 * while a process waits forever.
 */
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import { Effect, Exit, Process, Runtime, TestRuntime } from '../../lib/index.js'

const nullProto = (): object => Object.assign(Object.create(null) as object, { a: 1 })
class Hostile {
  toString(): string {
    throw new Error('toString boom')
  }
}
const throwingToString = (): object => new Hostile()
const hostileProxy = (): object =>
  new Proxy(
    {},
    {
      get: () => {
        throw new Error('get trap')
      },
      getPrototypeOf: () => {
        throw new Error('getPrototypeOf trap')
      },
      ownKeys: () => {
        throw new Error('ownKeys trap')
      }
    }
  )

describe('hostile values are formatted, never thrown from formatting', () => {
  it('Exit.format shows a null-prototype object, a throwing toString and a hostile Proxy', () => {
    expect(Exit.format(Exit.custom(nullProto()))).toBe('{"a":1}')
    expect(Exit.format(Exit.failure(nullProto()))).toBe('{:failure, {"a":1}}')
    expect(Exit.format(Exit.defect(throwingToString()))).toBe('{:defect, [an object whose toString throws]}')
    expect(Exit.format(Exit.shutdownWith(hostileProxy()))).toMatch(/^\{:shutdown, \[an object whose prototype/)
    expect(Exit.format(Exit.callExit(Exit.timeout, 'GenServer.call', [nullProto(), throwingToString()]))).toBe(
      '{:timeout, {GenServer.call, [{"a":1}, [an object whose toString throws]]}}'
    )
  })

  it('an error about a bad argument names it', () => {
    const rt = Runtime.make()
    expect(() => rt.spawn(nullProto() as never)).toThrow(
      'Runtime.spawn: expected an Effect to run, got object [Object: null prototype] {"a":1}'
    )
    expect(() => Effect.sleep(throwingToString() as never)).toThrow(
      'Effect.sleep: expected a number of milliseconds >= 0 (or Infinity), got object [an object whose toString throws]'
    )
    expect(() => Process.on(nullProto() as never, () => Effect.unit)).toThrow(/Process\.on: .*null prototype/)
    expect(() => Process.receive(throwingToString() as never, throwingToString() as never)).toThrow(
      /Process\.receive: .*toString throws/
    )
    expect(() => rt.spawn(Effect.unit, { mailbox: hostileProxy() as never })).toThrow(
      /Runtime\.spawn: options\.mailbox must be an io-ts codec/
    )
  })

  it('dead letters and exits carrying such values are reported and formatted', () => {
    const rt = TestRuntime.make({ seed: 1 })
    rt.runSync(
      Effect.gen(function* () {
        const [pid] = yield* Process.spawnMonitor(Effect.die(throwingToString()))
        yield* Process.receive(Exit.Down)
        yield* Process.send(pid, nullProto())
        yield* Process.send(pid, hostileProxy())
      })
    )
    const text = TestRuntime.format(rt.trace)
    expect(text).toContain('{:defect, [an object whose toString throws]}')
    expect(text).toContain('DeadLetter #PID<0.2.0> noproc {"a":1}')
    expect(text).toContain('DeadLetter #PID<0.2.0> noproc [an object whose prototype cannot be read')
  })
})

describe('an onExit handler that throws', () => {
  it('is reported, and the outcome it saw stands (value, failure, interruption)', async () => {
    const errors: Array<string> = []
    const rt = Runtime.make({ onError: (e, where) => errors.push(`${where}: ${(e as Error).message}`) })
    const boom = (): never => {
      throw new Error('handler boom')
    }
    expect(await rt.run(Effect.onExit(Effect.succeed(1), boom))).toEqual(Exit.returned(1))
    expect(await rt.run(Effect.onExit(Effect.fail('e'), boom))).toEqual(Exit.failure('e'))
    const killedReason = await rt.run(
      Effect.gen(function* () {
        const [pid, ref] = yield* Process.spawnMonitor(Effect.onExit(Effect.never, boom))
        yield* Process.sleep(5) // it has started, and waits inside its onExit
        yield* Process.exit(pid, Exit.custom('stop'))
        return yield* Process.receive(Process.on(Exit.downOf(ref), (d) => Effect.succeed(d.reason)))
      })
    )
    expect(killedReason).toEqual(Exit.returned(Exit.custom('stop')))
    expect(errors).toEqual(['finalizer: handler boom', 'finalizer: handler boom', 'finalizer: handler boom'])
    await rt.shutdown()
  })
})

describe('a monitor of another runtime’s pid', () => {
  it('gets a noproc DOWN at once, and the other runtime’s process is untouched', async () => {
    const a = Runtime.make()
    const b = Runtime.make()
    const other = a.spawn(Process.receive(t.literal('stop')))
    const down = await b.run(
      Effect.gen(function* () {
        const ref = yield* Process.monitor(other)
        return yield* Process.receive(
          Process.on(Exit.downOf(ref), (d) => Effect.succeed([d.pid === other, d.reason._tag] as const)),
          Process.after(1_000, () => Effect.succeed('no DOWN'))
        )
      })
    )
    expect(down).toEqual(Exit.returned([true, 'NoProc']))
    expect(a.processes().map((p) => p.pid)).toEqual([other])
    a.send(other, 'stop')
    await a.shutdown()
    await b.shutdown()
  })
})

describe('TestRuntime.shutdown()', () => {
  it('resolves while a process waits forever, with one whose finalizer never ends, and nothing is left', async () => {
    const rt = TestRuntime.make({ seed: 7 })
    rt.spawn(Effect.never)
    rt.spawn(Process.receive(t.literal('never')))
    rt.spawn(Effect.ensuring(Effect.never, Effect.never))
    rt.runUntilIdle()
    const outcome = await Promise.race([
      rt.shutdown().then(() => 'resolved'),
      new Promise((r) => setTimeout(() => r('still pending after 2 s'), 2_000))
    ])
    expect(outcome).toBe('resolved')
    expect(rt.processes()).toEqual([])
  })
})
