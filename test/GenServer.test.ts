import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, Runtime } from '../lib/index.js'
import type { Pid } from '../lib/Pid.js'
import type { DeadLetter } from '../lib/Runtime.js'
import * as GenServer from '../lib/GenServer.js'
import * as Start from '../lib/Start.js'
import * as TestRuntime from '../lib/testing/TestRuntime.js'

import { run } from './interpreter.js'
import { drain, value } from './support.js'

type Req = { readonly _tag: 'get' } | { readonly _tag: 'slow'; readonly ms: number } | { readonly _tag: 'later' }

/** A counter that records what happens to it in `log`. */
const counter = (log: Array<string>): GenServer.Behaviour<number, number, Req, number | string> => ({
  init: (n) => Effect.sync(() => (log.push(`init ${n}`), GenServer.ok(n))),
  handleCall: (req, from, n) => {
    switch (req._tag) {
      case 'get':
        return Effect.succeed(GenServer.replyWith(n, n))
      case 'slow':
        return Effect.as(Effect.sleep(req.ms), GenServer.replyWith(n, n))
      case 'later':
        // a deferred reply, from another process
        return Effect.as(Process.spawn(GenServer.reply(from, 'later')), GenServer.noReply(n))
    }
  },
  handleCast: (req, n) =>
    req === 'crash'
      ? Effect.sync(() => {
          throw new Error('crash')
        })
      : req === 'stop'
        ? Effect.succeed(GenServer.stopWith(Exit.custom('asked'), n))
        : Effect.succeed(GenServer.noReply(n + 1)),
  handleInfo: (m, n) => Effect.sync(() => (log.push(`info ${JSON.stringify(m)}`), GenServer.noReply(n))),
  terminate: (reason, n) => Effect.sync(() => log.push(`terminate ${Exit.format(reason)} ${n}`))
})

describe('GenServer start', () => {
  it('init runs in the new process before start returns; calls and casts reach the callbacks', async () => {
    const log: Array<string> = []
    const r = await run(
      Effect.gen(function* () {
        const pid = yield* GenServer.startLink(counter(log), 41)
        log.push('started')
        yield* GenServer.cast(pid, 'inc')
        return yield* GenServer.call(pid, { _tag: 'get' })
      })
    )
    expect(value(r)).toBe(42)
    expect(log).toEqual(['init 41', 'started'])
  })

  it('init stopping: start fails with InitFailed(reason)', async () => {
    const b: GenServer.Behaviour<void, never> = { init: () => Effect.succeed(GenServer.stopWith(Exit.custom('bad'))) }
    const r = await run(Effect.either(GenServer.start(b, undefined)))
    expect(value(r)).toEqual(E.left(Start.initFailed(Exit.custom('bad'))))
  })

  it('init stopping under startLink kills a non-trapping caller with the reason (as Elixir)', async () => {
    const b: GenServer.Behaviour<void, never> = { init: () => Effect.succeed(GenServer.stopWith(Exit.custom('bad'))) }
    const r = await run(
      Effect.flatMap(Effect.either(GenServer.startLink(b, undefined)), () => Effect.succeed('survived'))
    )
    expect(r).toEqual(Exit.custom('bad'))
  })

  it('init stopping under startLink: a trapping caller gets InitFailed and the EXIT', async () => {
    const b: GenServer.Behaviour<void, never> = { init: () => Effect.succeed(GenServer.stopWith(Exit.custom('bad'))) }
    const r = await run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const started = yield* Effect.either(GenServer.startLink(b, undefined))
        const left = yield* drain
        return { started, exits: left.map((m) => (Exit.ExitSignal.is(m) ? m.reason : m)) }
      })
    )
    expect(value(r)).toEqual({ started: E.left(Start.initFailed(Exit.custom('bad'))), exits: [Exit.custom('bad')] })
  })

  it('init throwing: InitFailed with the defect; init failing: InitFailed with Failure', async () => {
    const boom = new Error('boom')
    const throws: GenServer.Behaviour<void, never> = {
      init: () =>
        Effect.sync(() => {
          throw boom
        })
    }
    const fails: GenServer.Behaviour<void, never, unknown, unknown, string> = { init: () => Effect.fail('nope') }
    const r = await run(
      Effect.all([Effect.either(GenServer.start(throws, undefined)), Effect.either(GenServer.start(fails, undefined))])
    )
    expect(value(r)).toEqual([
      E.left(Start.initFailed(Exit.defect(boom))),
      E.left(Start.initFailed(Exit.failure('nope')))
    ])
  })

  it('init ignoring: start fails with Ignore', async () => {
    const b: GenServer.Behaviour<void, never> = { init: () => Effect.succeed(GenServer.ignore) }
    const r = await run(Effect.either(GenServer.start(b, undefined)))
    expect(value(r)).toEqual(E.left(Start.ignore))
  })

  it('a taken name: AlreadyStarted with the holder; the name is freed when the server exits', async () => {
    const log: Array<string> = []
    const r = await run(
      Effect.gen(function* () {
        const first = yield* GenServer.start(counter(log), 1, { name: 'counter' })
        const second = yield* Effect.either(GenServer.start(counter(log), 2, { name: 'counter' }))
        const byName = yield* GenServer.call<number>('counter', { _tag: 'get' })
        yield* GenServer.stop('counter')
        const after = yield* Process.whereis('counter')
        return {
          second: E.isLeft(second) && second.left._tag === 'AlreadyStarted' && second.left.pid === first,
          byName,
          after
        }
      })
    )
    expect(value(r)).toEqual({ second: true, byName: 1, after: O.none })
    expect(log).toEqual(['init 1', 'terminate :normal 1'])
  })
})

describe('GenServer.call', () => {
  it('noproc for an unregistered name: {noproc, {GenServer.call, [server, request, timeout]}}', async () => {
    const r = await run(GenServer.call('nobody', 'ping'))
    expect(r).toEqual(Exit.callExit(Exit.noproc, 'GenServer.call', ['nobody', 'ping', 5000]))
  })

  it('calling itself: calling_self', async () => {
    let me: Pid<unknown> | undefined
    const r = await run(
      Effect.flatMap(Process.self, (pid) => {
        me = pid
        return GenServer.call(pid, 'ping', 100)
      })
    )
    expect(r).toEqual(Exit.callExit(Exit.custom('calling_self'), 'GenServer.call', [me, 'ping', 100]))
  })

  it('a late reply never reaches the caller: it is a dead letter (one-shot alias, unaliased on timeout)', async () => {
    const rt = Runtime.make()
    const letters: Array<DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const log: Array<string> = []
    let me: Pid<unknown> | undefined
    const r = await rt.run(
      Effect.gen(function* () {
        me = yield* Process.self
        const pid = yield* GenServer.startLink(counter(log), 7)
        const first = yield* Effect.either(GenServer.call(pid, { _tag: 'slow', ms: 60 }, 10))
        yield* Effect.sleep(120)
        const mailbox = rt.processes().find((p) => p.pid === me)?.mailbox
        const left = yield* drain
        const again = yield* GenServer.call(pid, { _tag: 'get' })
        return { first, mailbox, left, again }
      })
    )
    const v = value(r)
    expect(v.first).toEqual(
      E.left(
        Exit.exiting(Exit.callExit(Exit.timeout, 'GenServer.call', [expect.anything(), { _tag: 'slow', ms: 60 }, 10]))
      )
    )
    expect(v.mailbox).toBe(0)
    expect(v.left).toEqual([])
    expect(v.again).toBe(7)
    expect(letters).toHaveLength(1)
    expect(letters[0]?.message).toEqual({ _tag: 'GenServer.Reply', ref: letters[0]?.to, reply: 7 })
    expect(letters[0]?.reason).toBe('noproc')
  })

  it('the server exiting during the call: the call fails with its reason', async () => {
    const b: GenServer.Behaviour<void, void, string> = {
      init: () => Effect.succeed(GenServer.ok(undefined)),
      handleCall: () => Effect.flatMap(Effect.sleep(5), () => Process.exit(Exit.custom('gone')))
    }
    const r = await run(
      Effect.gen(function* () {
        const pid = yield* GenServer.start(b, undefined)
        return yield* Effect.either(GenServer.call(pid, 'x'))
      })
    )
    expect(value(r)).toEqual(
      E.left(Exit.exiting(Exit.callExit(Exit.custom('gone'), 'GenServer.call', [expect.anything(), 'x', 5000])))
    )
  })

  it('a deferred reply (noReply, then reply(from) from another process) reaches the caller', async () => {
    const r = await run(
      Effect.flatMap(GenServer.start(counter([]), 0), (pid) => GenServer.call(pid, { _tag: 'later' }))
    )
    expect(value(r)).toBe('later')
  })

  it('handleCall stopping with a reply: the caller gets the reply, terminate runs, the server exits', async () => {
    const log: Array<string> = []
    const b: GenServer.Behaviour<void, string, string, string> = {
      init: () => Effect.succeed(GenServer.ok('s')),
      handleCall: (req, _from, s) => Effect.succeed(GenServer.stopWith(Exit.normal, s, `bye ${req}`)),
      terminate: (reason, s) => Effect.sync(() => log.push(`terminate ${Exit.format(reason)} ${s}`))
    }
    const r = await run(
      Effect.gen(function* () {
        const pid = yield* GenServer.start(b, undefined)
        const ref = yield* Process.monitor(pid)
        const answer = yield* GenServer.call(pid, 'now')
        const down = yield* Process.receive(Exit.Down)
        return { answer, reason: down.ref === ref ? down.reason : 'other' }
      })
    )
    expect(value(r)).toEqual({ answer: 'bye now', reason: Exit.normal })
    expect(log).toEqual(['terminate :normal s'])
  })
})

describe('GenServer.cast / stop / terminate', () => {
  it('cast never fails, whatever the target', async () => {
    const r = await run(Effect.as(GenServer.cast('nobody', 'x'), 'ok'))
    expect(r).toEqual(Exit.returned('ok'))
  })

  it('stop runs terminate(reason) and returns once the server has exited', async () => {
    const log: Array<string> = []
    const r = await run(
      Effect.gen(function* () {
        const pid = yield* GenServer.start(counter(log), 3)
        yield* GenServer.stop(pid, Exit.shutdownWith('done'))
        return yield* Process.isAlive(pid)
      })
    )
    expect(value(r)).toBe(false)
    expect(log).toEqual(['init 3', 'terminate {:shutdown, :done} 3'])
  })

  it('stop with a non-normal reason kills the linked, non-trapping caller', async () => {
    const r = await run(
      Effect.gen(function* () {
        const pid = yield* GenServer.startLink(counter([]), 3)
        yield* GenServer.stop(pid, Exit.shutdown)
        yield* Effect.sleep(10)
        return 'survived'
      })
    )
    expect(r).toEqual(Exit.shutdown)
  })

  it('stop of a missing server fails with {noproc, {GenServer.stop, ...}}', async () => {
    const r = await run(GenServer.stop('nobody'))
    expect(r).toEqual(Exit.callExit(Exit.noproc, 'GenServer.stop', ['nobody', Exit.normal, Infinity]))
  })

  it('a callback that throws: terminate runs with the defect, the server exits with it', async () => {
    const log: Array<string> = []
    const r = await run(
      Effect.gen(function* () {
        const pid = yield* GenServer.start(counter(log), 5)
        const ref = yield* Process.monitor(pid)
        yield* GenServer.cast(pid, 'crash')
        const down = yield* Process.receive(Exit.Down)
        return down.ref === ref ? down.reason._tag : 'other'
      })
    )
    expect(value(r)).toBe('Defect')
    expect(log).toEqual(['init 5', 'terminate {:defect, %Error{message: "crash"}} 5'])
  })

  it('a callback stopping: terminate, then exit with the reason', async () => {
    const log: Array<string> = []
    const r = await run(
      Effect.gen(function* () {
        const pid = yield* GenServer.start(counter(log), 5)
        const ref = yield* Process.monitor(pid)
        yield* GenServer.cast(pid, 'inc')
        yield* GenServer.cast(pid, 'stop')
        const down = yield* Process.receive(Exit.Down)
        return down.ref === ref ? down.reason : 'other'
      })
    )
    expect(value(r)).toEqual(Exit.custom('asked'))
    expect(log).toEqual(['init 5', 'terminate :asked 6'])
  })

  it('a non-trapping server killed by a signal does not run terminate', async () => {
    const log: Array<string> = []
    const r = await run(
      Effect.gen(function* () {
        const pid = yield* GenServer.start(counter(log), 1)
        const ref = yield* Process.monitor(pid)
        yield* Process.exit(pid, Exit.shutdown)
        const down = yield* Process.receive(Exit.Down)
        return down.ref === ref ? down.reason : 'other'
      })
    )
    expect(value(r)).toEqual(Exit.shutdown)
    expect(log).toEqual(['init 1'])
  })

  it("trapping: its parent's EXIT runs terminate and stops it; another's EXIT goes to handleInfo", async () => {
    const log: Array<string> = []
    const trapping: GenServer.Behaviour<number, number, Req, number | string> = {
      ...counter(log),
      init: (n) => Effect.as(Process.trapExit(true), GenServer.ok(n))
    }
    const r = await run(
      Effect.gen(function* () {
        const me = yield* Process.self
        // the parent: starts the server linked, reports its pid, then exits with `shutdown`
        const parent = yield* Process.spawn(
          Effect.gen(function* () {
            const pid = yield* GenServer.startLink(trapping, 9)
            yield* Process.send(me, { server: pid })
            yield* Process.receive(t.literal('die'))
            return yield* Process.exit(Exit.shutdown)
          })
        )
        const { server } = yield* Process.receive(t.type({ server: Process.pid }))
        const ref = yield* Process.monitor(server)
        // an exit signal from someone else: an EXIT message for handleInfo
        yield* Process.exit(server, Exit.custom('other'))
        const stillAlive = yield* GenServer.call<number>(server, { _tag: 'get' })
        yield* Process.send(parent, 'die')
        const down = yield* Process.receive(Exit.Down)
        return { stillAlive, reason: down.ref === ref ? down.reason : 'other', me }
      })
    )
    const v = value(r)
    expect(v.stillAlive).toBe(9)
    expect(v.reason).toEqual(Exit.shutdown)
    expect(log).toEqual([
      `info ${JSON.stringify({ _tag: 'EXIT', from: v.me, reason: Exit.custom('other') })}`,
      'terminate :shutdown 9'
    ])
  })
})

describe('GenServer on the test runtime (virtual clock, explored interleavings)', () => {
  it('in no interleaving does a late reply reach the caller, and the next call still works', () => {
    const program = Effect.gen(function* () {
      const pid = yield* GenServer.startLink(counter([]), 7)
      const first = yield* Effect.either(GenServer.call(pid, { _tag: 'slow', ms: 60 }, 10))
      yield* Effect.sleep(120)
      const left = yield* drain
      const again = yield* GenServer.call(pid, { _tag: 'get' })
      return { timedOut: E.isLeft(first) && first.left.reason._tag === 'CallExit', left, again }
    })
    const found = TestRuntime.explore(program, {
      runs: 150,
      seed: 11,
      check: (trace, reason) => {
        expect(reason).toEqual(Exit.returned({ timedOut: true, left: [], again: 7 }))
        const letters = trace.filter((e) => e._tag === 'DeadLetter')
        expect(letters).toHaveLength(1)
      }
    })
    expect(O.isNone(found) ? 'no failing interleaving' : found.value.failure).toBe('no failing interleaving')
  })
})
