/**
 * Process.sendAfter / cancelTimer (Elixir's Process.send_after/3, cancel_timer/1),
 * on the production runtime, the test runtime's virtual clock, and TestKit.
 */
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, Runtime, TestKit, TestRuntime } from '../lib/index.js'
import type { DeadLetter } from '../lib/Runtime.js'

describe('Process.sendAfter', () => {
  it('delivers the message after the delay, not before (virtual clock)', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.sendAfter(me, 'tick', 1000)
      const early = yield* Process.receive(
        Process.on(t.literal('tick'), () => Effect.succeed('early' as const)),
        Process.after(999, () => Effect.succeed('not yet' as const))
      )
      const tick = yield* Process.receive(t.literal('tick'))
      return [early, tick] as const
    })
    expect(rt.runSync(program)).toEqual(Exit.returned(['not yet', 'tick']))
    expect(rt.now).toBe(1000)
  })

  it('cancelTimer answers the time left and the message never comes; a second cancel answers none', () => {
    const rt = TestRuntime.make({ seed: 2 })
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      const timer = yield* Process.sendAfter(me, 'tick', 1000)
      yield* Process.sleep(300)
      const left = yield* Process.cancelTimer(timer)
      const again = yield* Process.cancelTimer(timer)
      const got = yield* Process.receive(
        Process.on(t.literal('tick'), () => Effect.succeed('tick' as const)),
        Process.after(5000, () => Effect.succeed('nothing' as const))
      )
      return { left, again, got }
    })
    expect(rt.runSync(program)).toEqual(Exit.returned({ left: O.some(700), again: O.none, got: 'nothing' }))
  })

  it('a timer aimed at a pid is cancelled when that process exits: nothing keeps the runtime busy', () => {
    const rt = TestRuntime.make({ seed: 3 })
    const program = Effect.gen(function* () {
      const [pid] = yield* Process.spawnMonitor(Process.receive(t.literal('stop')))
      const timer = yield* Process.sendAfter(pid, 'late', 60_000)
      yield* Process.send(pid, 'stop')
      yield* Process.receive(Exit.Down) // its only monitor
      return yield* Process.cancelTimer(timer)
    })
    expect(rt.runSync(program)).toEqual(Exit.returned(O.none))
    expect(rt.clock.nextAt()).toBeUndefined()
  })

  it('a name unregistered when the timer fires makes the message a dead letter', async () => {
    const rt = Runtime.make()
    const letters: Array<DeadLetter> = []
    rt.deadLetters$.subscribe((d) => letters.push(d))
    const program = Effect.gen(function* () {
      yield* Process.sendAfter('nobody', 'hello', 5)
      yield* Process.sleep(30)
    })
    expect(await rt.run(program)).toEqual(Exit.returned(undefined))
    expect(letters).toEqual([{ to: 'nobody', message: 'hello', reason: 'noproc' }])
  })

  it('under TestKit the timer fires on kit.advance and the send is recorded', () => {
    const kit = TestKit.spawn(
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Process.sendAfter('server', 'ping', 100)
        yield* Process.sendAfter(me, 'wake', 200)
        return yield* Process.receive(t.literal('wake'))
      })
    )
    expect(kit.sent()).toEqual([])
    kit.advance(100)
    expect(kit.sent()).toEqual([{ to: 'server', message: 'ping' }])
    expect(kit.status).toBe('waiting')
    kit.advance(100)
    expect(kit.exit).toEqual(O.some(Exit.returned('wake')))
  })

  it('rejects bad input with a clear error', () => {
    expect(() => Process.sendAfter(42 as never, 'x', 10)).toThrow(/Process.sendAfter/)
    expect(() => Process.sendAfter('a', 'x', -1)).toThrow(/Process.sendAfter/)
    expect(() => Process.cancelTimer('x' as never)).toThrow(/Process.cancelTimer/)
  })
})
