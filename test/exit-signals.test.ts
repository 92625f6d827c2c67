/**
 * Exit signals and links, as observed on real Elixir (docs/exit-signals.md).
 *
 * A "main" process spawns the others, watches them (monitors, a trapping
 * forwarder, `rt.exits$`) and returns what it saw; the assertions compare
 * exact exit reasons and messages.
 */
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, Runtime } from '../lib/index.js'
import { Go, Ready, Ping, within, nothing, pingable, ping, onGo, runMain, collectExits } from './support.js'

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

type Pid = Process.Pid<unknown>

const Got = t.type({ _tag: t.literal('got'), msg: Exit.ExitSignal })

/** Traps exits, says 'ready' to `main`, then forwards every EXIT message to `main` and answers pings. */
const forwarder = (main: Pid) =>
  Effect.gen(function* () {
    yield* Process.trapExit(true)
    yield* Process.send(main, 'ready')
    for (;;) {
      yield* Process.receive(
        Process.on(Exit.ExitSignal, (msg) => Process.send(main, { _tag: 'got', msg })),
        Process.on(Ping, (m) => Process.send(m.from, 'pong'))
      )
    }
  })

/** Says 'ready' to `main`, then answers pings. */
const readyThenPingable = (main: Pid) => Effect.flatMap(Process.send(main, 'ready'), () => pingable)

const linksOf = (rt: Runtime.Runtime, pid: Pid): Effect.Effect<never, ReadonlyArray<Pid> | undefined> =>
  Effect.sync(() => rt.processes().find((p) => p.pid === pid)?.links)

const boomError = new Error('boom')
const throwBoom = Effect.sync((): never => {
  throw boomError
})

/** How a process can crash, and the exit reason it must end with. */
const crashes: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>, Exit.Reason]> = [
  ['Effect.fail', Effect.fail('oops'), Exit.failure('oops')],
  ['a throw', throwBoom, Exit.defect(boomError)],
  ['exit(custom)', Process.exit(Exit.custom('boom')), Exit.custom('boom')],
  ['exit({custom, 1})', Process.exit(Exit.custom({ custom: 1 })), Exit.custom({ custom: 1 })],
  ['exit(shutdown)', Process.exit(Exit.shutdown), Exit.shutdown],
  ['exit({shutdown, info})', Process.exit(Exit.shutdownWith('bye')), Exit.shutdownWith('bye')]
]

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('normal exits through links', () => {
  const normals: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>]> = [
    ['returning', Effect.unit],
    ['exit(normal)', Process.exit(Exit.normal)]
  ]

  it.each(normals)('a linked process ending normally (%s) does not kill a non-trapping process', async (_, body) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        const a = yield* Process.spawnLink(onGo(body))
        const ref = yield* Process.monitor(a)
        const linkedBefore = yield* linksOf(rt, me)
        yield* Process.send(a, 'go')
        const down = yield* within(Exit.downOf(ref))
        const exitMessage = yield* nothing(Exit.ExitSignal)
        const linkedAfter = yield* linksOf(rt, me)
        return { a, linkedBefore, down: down.reason, exitMessage, linkedAfter, running: 'still running' }
      })
    )
    expect(out.linkedBefore).toEqual([out.a])
    expect(out.down).toEqual(Exit.normal)
    expect(out.exitMessage).toEqual(O.none)
    expect(out.linkedAfter).toEqual([])
    expect(out.running).toBe('still running')
  })

  it.each(normals)('trapping: {EXIT, pid, normal} when a linked process ends normally (%s)', async (_, body) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const a = yield* Process.spawnLink(onGo(body))
        yield* Process.send(a, 'go')
        const msg = yield* within(Exit.ExitSignal)
        const more = yield* nothing(Exit.ExitSignal)
        return { a, msg, more }
      })
    )
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.a, reason: Exit.normal })
    expect(out.more).toEqual(O.none)
  })
})

describe('crashes through links', () => {
  it.each(crashes)(
    'a crash (%s) kills the non-trapping linked processes with the same reason, along the chain A-B-C',
    async (_, crash, expected) => {
      const rt = Runtime.make()
      const exits = collectExits(rt)
      const Pids = t.type({ _tag: t.literal('pids'), b: Process.pid, c: Process.pid })
      const out = await runMain(
        rt,
        Effect.gen(function* () {
          const main = yield* Process.self
          // A is linked to B, B to C; C crashes on 'go'
          const b = Effect.gen(function* () {
            const me = yield* Process.self
            const c = yield* Process.spawnLink(onGo(crash))
            yield* Process.send(main, { _tag: 'pids', b: me, c })
            return yield* pingable
          })
          const [a, refA] = yield* Process.spawnMonitor(
            Effect.gen(function* () {
              yield* Process.spawnLink(b)
              return yield* pingable
            })
          )
          const pids = yield* within(Pids)
          yield* Process.send(pids.c, 'go')
          const down = yield* within(Exit.downOf(refA))
          return { a, b: pids.b, c: pids.c, down }
        })
      )
      expect(exits.get(out.c)).toEqual(expected)
      expect(exits.get(out.b)).toEqual(expected)
      expect(exits.get(out.a)).toEqual(expected)
      expect(out.down).toEqual({ _tag: 'DOWN', ref: out.down.ref, pid: out.a, reason: expected })
    }
  )

  it.each(crashes)('trapping: {EXIT, pid, reason} for a crash (%s); it keeps running', async (_, crash, expected) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const a = yield* Process.spawnLink(onGo(crash))
        const helper = yield* Process.spawn(pingable)
        yield* Process.send(a, 'go')
        const msg = yield* within(Exit.ExitSignal)
        const more = yield* nothing(Exit.ExitSignal)
        const reply = yield* ping(helper)
        return { a, msg, more, reply }
      })
    )
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.a, reason: expected })
    expect(out.more).toEqual(O.none)
    expect(out.reply).toBe('pong')
  })

  it('a non-trapping process killed through a link stops where it is: its code after never runs', async () => {
    const rt = Runtime.make()
    const log: Array<string> = []
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const [b, ref] = yield* Process.spawnMonitor(
          Effect.gen(function* () {
            const a = yield* Process.spawnLink(onGo(Effect.fail('a crashed')))
            yield* Process.send(main, { _tag: 'a', a })
            yield* Process.receive(t.literal('never sent'))
            log.push('b went on')
          })
        )
        const { a } = yield* within(t.type({ _tag: t.literal('a'), a: Process.pid }))
        yield* Process.send(a, 'go')
        const down = yield* within(Exit.downOf(ref))
        return { b, down: down.reason }
      })
    )
    expect(out.down).toEqual(Exit.failure('a crashed'))
    expect(log).toEqual([])
  })
})

describe('exit(pid, kill) is untrappable', () => {
  it.each([false, true])(
    'the target (trapping: %s) dies with killed; linked: trapping get killed, non-trapping die with killed',
    async (targetTraps) => {
      const rt = Runtime.make()
      const exits = collectExits(rt)
      const NPid = t.type({ _tag: t.literal('n'), n: Process.pid })
      const out = await runMain(
        rt,
        Effect.gen(function* () {
          const main = yield* Process.self
          yield* Process.trapExit(true)
          // T is linked to main (trapping) and to N (not trapping)
          const target = yield* Process.spawnLink(
            Effect.gen(function* () {
              yield* Process.trapExit(targetTraps)
              const n = yield* Process.spawnLink(pingable)
              yield* Process.send(main, { _tag: 'n', n })
              return yield* pingable
            })
          )
          const refT = yield* Process.monitor(target)
          const { n } = yield* within(NPid)
          const refN = yield* Process.monitor(n)
          yield* Process.exit(target, Exit.kill)
          const aliveRightAfter = yield* Process.isAlive(target)
          const exitMessage = yield* within(Exit.exitFrom(target))
          const downT = yield* within(Exit.downOf(refT))
          const downN = yield* within(Exit.downOf(refN))
          return { target, n, aliveRightAfter, exitMessage, downT: downT.reason, downN: downN.reason }
        })
      )
      expect(out.aliveRightAfter).toBe(false)
      expect(out.exitMessage).toEqual({ _tag: 'EXIT', from: out.target, reason: Exit.killed })
      expect(out.downT).toEqual(Exit.killed)
      expect(out.downN).toEqual(Exit.killed)
      expect(exits.get(out.target)).toEqual(Exit.killed)
      expect(exits.get(out.n)).toEqual(Exit.killed)
    }
  )
})

describe('exit(kill) in the process own code (exit/1) is a trappable kill', () => {
  it('a linked non-trapping process dies with kill (not killed); a trapping one gets {EXIT, pid, kill}', async () => {
    const rt = Runtime.make()
    const exits = collectExits(rt)
    const NPid = t.type({ _tag: t.literal('n'), n: Process.pid })
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        yield* Process.trapExit(true)
        const a = yield* Process.spawnLink(
          Effect.gen(function* () {
            const n = yield* Process.spawnLink(pingable)
            yield* Process.send(main, { _tag: 'n', n })
            yield* Process.receive(Go)
            return yield* Process.exit(Exit.kill)
          })
        )
        const { n } = yield* within(NPid)
        const refN = yield* Process.monitor(n)
        yield* Process.send(a, 'go')
        const exitMessage = yield* within(Exit.exitFrom(a))
        const downN = yield* within(Exit.downOf(refN))
        const reply = yield* ping(yield* Process.spawn(pingable))
        return { a, n, exitMessage, downN: downN.reason, reply }
      })
    )
    expect(out.exitMessage).toEqual({ _tag: 'EXIT', from: out.a, reason: Exit.kill })
    expect(out.downN).toEqual(Exit.kill)
    expect(exits.get(out.a)).toEqual(Exit.kill)
    expect(exits.get(out.n)).toEqual(Exit.kill)
    expect(out.reply).toBe('pong')
  })
})

describe('exit(pid, normal) sent by another process', () => {
  it.each([false, true])('is ignored by a non-trapping target (linked to the sender: %s)', async (linked) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const target = linked
          ? yield* Process.spawnLink(readyThenPingable(main))
          : yield* Process.spawn(readyThenPingable(main))
        yield* within(Ready)
        yield* Process.exit(target, Exit.normal)
        const aliveRightAfter = yield* Process.isAlive(target)
        const reply = yield* ping(target)
        const links = yield* linksOf(rt, target)
        return { main, aliveRightAfter, reply, links }
      })
    )
    expect(out.aliveRightAfter).toBe(true)
    expect(out.reply).toBe('pong')
    expect(out.links).toEqual(linked ? [out.main] : [])
  })

  it('reaches a trapping target, not linked, as {EXIT, sender, normal}', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const target = yield* Process.spawn(forwarder(main))
        yield* within(Ready)
        yield* Process.exit(target, Exit.normal)
        const aliveRightAfter = yield* Process.isAlive(target)
        const got = yield* within(Got)
        const reply = yield* ping(target)
        const links = yield* linksOf(rt, target)
        return { main, aliveRightAfter, msg: got.msg, reply, links }
      })
    )
    expect(out.aliveRightAfter).toBe(true)
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.main, reason: Exit.normal })
    expect(out.reply).toBe('pong')
    expect(out.links).toEqual([])
  })
})

describe('exit(pid, reason) with any other reason', () => {
  const reasons: ReadonlyArray<readonly [string, Exit.Reason]> = [
    ['boom', Exit.custom('boom')],
    ['{custom, 1}', Exit.custom({ custom: 1 })],
    ['shutdown', Exit.shutdown],
    ['{shutdown, info}', Exit.shutdownWith('bye')]
  ]

  it.each(reasons)('kills a non-trapping target that is not linked, with exactly %s', async (_, reason) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const [target, ref] = yield* Process.spawnMonitor(readyThenPingable(main))
        yield* within(Ready)
        yield* Process.exit(target, reason)
        const aliveRightAfter = yield* Process.isAlive(target)
        const down = yield* within(Exit.downOf(ref))
        return { aliveRightAfter, down: down.reason }
      })
    )
    expect(out.aliveRightAfter).toBe(false)
    expect(out.down).toEqual(reason)
  })

  it.each(reasons)('kills a non-trapping linked target with exactly %s; the sender traps it', async (_, reason) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        yield* Process.trapExit(true)
        const target = yield* Process.spawnLink(readyThenPingable(main))
        yield* within(Ready)
        yield* Process.exit(target, reason)
        const aliveRightAfter = yield* Process.isAlive(target)
        const msg = yield* within(Exit.ExitSignal)
        return { target, aliveRightAfter, msg }
      })
    )
    expect(out.aliveRightAfter).toBe(false)
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.target, reason })
  })

  it.each(reasons)('reaches a trapping target as {EXIT, sender, %s}; it keeps running', async (_, reason) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const target = yield* Process.spawn(forwarder(main))
        yield* within(Ready)
        yield* Process.exit(target, reason)
        const aliveRightAfter = yield* Process.isAlive(target)
        const got = yield* within(Got)
        const reply = yield* ping(target)
        return { main, aliveRightAfter, msg: got.msg, reply }
      })
    )
    expect(out.aliveRightAfter).toBe(true)
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.main, reason })
    expect(out.reply).toBe('pong')
  })
})

describe('exit(self, reason): a signal to oneself', () => {
  it('exit(self, normal) terminates a non-trapping caller with normal; the code after it never runs', async () => {
    const rt = Runtime.make()
    const log: Array<string> = []
    const r = await rt.run(
      Effect.gen(function* () {
        const me = yield* Process.self
        log.push('before')
        yield* Process.exit(me, Exit.normal)
        log.push('after')
        return 'finished'
      })
    )
    expect(r).toEqual(Exit.normal)
    expect(log).toEqual(['before'])
  })

  it('a trapping caller gets {EXIT, self, normal} and continues', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Process.trapExit(true)
        yield* Process.exit(me, Exit.normal)
        const msg = yield* within(Exit.ExitSignal)
        return { me, msg, went: 'on' }
      })
    )
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.me, reason: Exit.normal })
    expect(out.went).toBe('on')
  })

  it.each([false, true])('exit(self, kill): the caller (trapping: %s) ends with killed at once', async (traps) => {
    const rt = Runtime.make()
    const log: Array<string> = []
    const r = await rt.run(
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Process.trapExit(traps)
        log.push('before')
        yield* Process.exit(me, Exit.kill)
        log.push('after')
        return 'finished'
      })
    )
    expect(r).toEqual(Exit.killed)
    expect(log).toEqual(['before'])
  })

  it('exit(self, boom) cannot be caught by Effect.either or Effect.catchAll', async () => {
    const rt = Runtime.make()
    const log: Array<string> = []
    const withEither = await rt.run(
      Effect.gen(function* () {
        const me = yield* Process.self
        const e = yield* Effect.either(Process.exit(me, Exit.custom('boom')))
        log.push(`either went on with ${E.isLeft(e) ? 'left' : 'right'}`)
        return 'finished'
      })
    )
    const withCatchAll = await rt.run(
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Effect.catchAll(
          Effect.flatMap(Process.exit(me, Exit.custom('boom')), () => Effect.fail('typed')),
          () => Effect.sync(() => log.push('catchAll caught it'))
        )
        log.push('catchAll went on')
        return 'finished'
      })
    )
    expect(withEither).toEqual(Exit.custom('boom'))
    expect(withCatchAll).toEqual(Exit.custom('boom'))
    expect(log).toEqual([])
  })

  it('a trapping caller gets {EXIT, self, boom} and continues', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Process.trapExit(true)
        yield* Process.exit(me, Exit.custom('boom'))
        const msg = yield* within(Exit.ExitSignal)
        return { me, msg, went: 'on' }
      })
    )
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.me, reason: Exit.custom('boom') })
    expect(out.went).toBe('on')
  })
})

describe('exit(reason): exit/1 raised in the process own code', () => {
  it('is catchable with Effect.either: it fails with Exit.Exiting', async () => {
    const rt = Runtime.make()
    const r = await rt.run(Effect.either(Process.exit(Exit.custom('boom'))))
    expect(r).toEqual(Exit.returned(E.left(Exit.exiting(Exit.custom('boom')))))
  })

  it('is catchable with Effect.catchAll, and the process goes on', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const caught = yield* Effect.catchAll(Process.exit(Exit.shutdown), (e) => Effect.succeed(e))
        return { caught, went: 'on' }
      })
    )
    expect(out).toEqual({ caught: { _tag: 'Exiting', reason: Exit.shutdown }, went: 'on' })
  })

  it('uncaught, the process ends with the reason itself (not a Failure of Exiting)', async () => {
    const rt = Runtime.make()
    expect(await rt.run(Process.exit(Exit.custom('boom')))).toEqual(Exit.custom('boom'))
    expect(await rt.run(Process.exit(Exit.shutdownWith(42)))).toEqual(Exit.shutdownWith(42))
    expect(await rt.run(Process.exit(Exit.kill))).toEqual(Exit.kill)
    expect(await rt.run(Process.exit(Exit.normal))).toEqual(Exit.normal)
  })
})

describe('isAlive right after Process.exit', () => {
  it('is false after exit(t, kill) and exit(t, boom), true after exit(t, normal) on a non-trapping t', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const t1 = yield* Process.spawn(readyThenPingable(main))
        const t2 = yield* Process.spawn(readyThenPingable(main))
        const t3 = yield* Process.spawn(readyThenPingable(main))
        yield* within(Ready)
        yield* within(Ready)
        yield* within(Ready)
        const before = [yield* Process.isAlive(t1), yield* Process.isAlive(t2), yield* Process.isAlive(t3)]
        yield* Process.exit(t1, Exit.kill)
        const afterKill = yield* Process.isAlive(t1)
        yield* Process.exit(t2, Exit.custom('boom'))
        const afterBoom = yield* Process.isAlive(t2)
        yield* Process.exit(t3, Exit.normal)
        const afterNormal = yield* Process.isAlive(t3)
        return { before, afterKill, afterBoom, afterNormal }
      })
    )
    expect(out).toEqual({ before: [true, true, true], afterKill: false, afterBoom: false, afterNormal: true })
  })
})

describe('linking to a dead process', () => {
  it('fails a non-trapping caller with NoProcess, catchable with Effect.either', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const [dead, ref] = yield* Process.spawnMonitor(Effect.unit)
        yield* within(Exit.downOf(ref))
        const linked = yield* Effect.either(Process.link(dead))
        const exitMessage = yield* nothing(Exit.ExitSignal)
        return { dead, linked, exitMessage }
      })
    )
    expect(out.linked).toEqual(E.left({ _tag: 'NoProcess', dest: out.dead }))
    expect(out.exitMessage).toEqual(O.none)
  })

  it('uncaught, the non-trapping caller ends with Failure(NoProcess)', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const [dead, ref] = yield* Process.spawnMonitor(Effect.unit)
        yield* within(Exit.downOf(ref))
        const [, refP] = yield* Process.spawnMonitor(Process.link(dead))
        const down = yield* within(Exit.downOf(refP))
        return { dead, reason: down.reason }
      })
    )
    expect(out.reason).toEqual(Exit.failure({ _tag: 'NoProcess', dest: out.dead }))
  })

  it('succeeds for a trapping caller, which gets {EXIT, pid, noproc}', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const [dead, ref] = yield* Process.spawnMonitor(Effect.unit)
        yield* within(Exit.downOf(ref))
        const linked = yield* Effect.either(Process.link(dead))
        const msg = yield* within(Exit.ExitSignal)
        return { dead, linked, msg }
      })
    )
    expect(out.linked).toEqual(E.right(undefined))
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.dead, reason: Exit.noproc })
  })
})

describe('links are bidirectional sets', () => {
  it('linking twice and unlinking once leaves no link; processes() shows both directions', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        const [target, ref] = yield* Process.spawnMonitor(onGo(Effect.fail('crashed')))
        yield* Process.link(target)
        yield* Process.link(target)
        const mine = yield* linksOf(rt, me)
        const theirs = yield* linksOf(rt, target)
        yield* Process.unlink(target)
        const mineAfter = yield* linksOf(rt, me)
        const theirsAfter = yield* linksOf(rt, target)
        yield* Process.send(target, 'go')
        const down = yield* within(Exit.downOf(ref))
        return { me, target, mine, theirs, mineAfter, theirsAfter, down: down.reason, survived: true }
      })
    )
    expect(out.mine).toEqual([out.target])
    expect(out.theirs).toEqual([out.me])
    expect(out.mineAfter).toEqual([])
    expect(out.theirsAfter).toEqual([])
    expect(out.down).toEqual(Exit.failure('crashed'))
    expect(out.survived).toBe(true)
  })

  it('a link made by the other side carries the signal to the caller', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        yield* Process.trapExit(true)
        const target = yield* Process.spawn(
          Effect.gen(function* () {
            yield* Process.link(main)
            yield* Process.receive(Go)
            return yield* Effect.fail('target crashed')
          })
        )
        const ref = yield* Process.monitor(target)
        yield* Process.send(target, 'go')
        const msg = yield* within(Exit.ExitSignal)
        yield* within(Exit.downOf(ref))
        return { target, msg }
      })
    )
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.target, reason: Exit.failure('target crashed') })
  })

  it('a link made by the caller carries the caller death to the other side', async () => {
    const rt = Runtime.make()
    const TPid = t.type({ _tag: t.literal('t'), t: Process.pid })
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const [b, refB] = yield* Process.spawnMonitor(
          Effect.gen(function* () {
            const other = yield* Process.spawn(forwarder(main))
            yield* Process.link(other)
            yield* Process.send(main, { _tag: 't', t: other })
            yield* Process.receive(Go)
            return yield* Effect.fail('b crashed')
          })
        )
        const other = (yield* within(TPid)).t
        yield* within(Ready)
        yield* Process.send(b, 'go')
        const got = yield* within(Got)
        const down = yield* within(Exit.downOf(refB))
        const reply = yield* ping(other)
        return { b, msg: got.msg, down: down.reason, reply }
      })
    )
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.b, reason: Exit.failure('b crashed') })
    expect(out.down).toEqual(Exit.failure('b crashed'))
    expect(out.reply).toBe('pong')
  })

  it('unlink by the other side stops the propagation too', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const target = yield* Process.spawnLink(
          Effect.gen(function* () {
            yield* Process.receive(Go)
            yield* Process.unlink(main)
            return yield* Effect.fail('crashed after unlink')
          })
        )
        const ref = yield* Process.monitor(target)
        yield* Process.send(target, 'go')
        const down = yield* within(Exit.downOf(ref))
        return { down: down.reason, survived: true }
      })
    )
    expect(out).toEqual({ down: Exit.failure('crashed after unlink'), survived: true })
  })
})

describe('chains of three: A-B-C', () => {
  it('C crashes: B and A die with the same reason', async () => {
    const rt = Runtime.make()
    const exits = collectExits(rt)
    const Pids = t.type({ _tag: t.literal('pids'), b: Process.pid, c: Process.pid })
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const [a, refA] = yield* Process.spawnMonitor(
          Effect.gen(function* () {
            yield* Process.spawnLink(
              Effect.gen(function* () {
                const b = yield* Process.self
                const c = yield* Process.spawnLink(onGo(Process.exit(Exit.custom('c died'))))
                yield* Process.send(main, { _tag: 'pids', b, c })
                return yield* pingable
              })
            )
            return yield* pingable
          })
        )
        const { b, c } = yield* within(Pids)
        yield* Process.send(c, 'go')
        const down = yield* within(Exit.downOf(refA))
        return { a, b, c, down: down.reason }
      })
    )
    expect(out.down).toEqual(Exit.custom('c died'))
    expect([exits.get(out.c), exits.get(out.b), exits.get(out.a)]).toEqual([
      Exit.custom('c died'),
      Exit.custom('c died'),
      Exit.custom('c died')
    ])
  })

  it('with B trapping, B gets the EXIT and A sees nothing (A is still alive)', async () => {
    const rt = Runtime.make()
    const Pids = t.type({ _tag: t.literal('pids'), b: Process.pid, c: Process.pid })
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const [a, refA] = yield* Process.spawnMonitor(
          Effect.gen(function* () {
            yield* Process.spawnLink(
              Effect.gen(function* () {
                yield* Process.trapExit(true)
                const b = yield* Process.self
                const c = yield* Process.spawnLink(onGo(Effect.fail('c crashed')))
                yield* Process.send(main, { _tag: 'pids', b, c })
                for (;;) {
                  yield* Process.receive(
                    Process.on(Exit.ExitSignal, (msg) => Process.send(main, { _tag: 'got', msg })),
                    Process.on(Ping, (m) => Process.send(m.from, 'pong'))
                  )
                }
              })
            )
            return yield* pingable
          })
        )
        const { b, c } = yield* within(Pids)
        yield* Process.send(c, 'go')
        const got = yield* within(Got)
        const aAlive = yield* Process.isAlive(a)
        const bAlive = yield* Process.isAlive(b)
        const downA = yield* nothing(Exit.downOf(refA))
        const aReply = yield* ping(a)
        const bReply = yield* ping(b)
        const aLinks = yield* linksOf(rt, a)
        const bLinks = yield* linksOf(rt, b)
        return { a, b, c, msg: got.msg, aAlive, bAlive, downA, aReply, bReply, aLinks, bLinks }
      })
    )
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.c, reason: Exit.failure('c crashed') })
    expect([out.aAlive, out.bAlive]).toEqual([true, true])
    expect(out.downA).toEqual(O.none)
    expect([out.aReply, out.bReply]).toEqual(['pong', 'pong'])
    expect(out.aLinks).toEqual([out.b])
    expect(out.bLinks).toEqual([out.a])
  })
})

describe('how outcomes become exit reasons', () => {
  it('a typed failure becomes Failure(e)', async () => {
    const rt = Runtime.make()
    expect(await rt.run(Effect.fail({ code: 404 }))).toEqual(Exit.failure({ code: 404 }))
  })

  it('a thrown value becomes Defect carrying the very same object, through a link too', async () => {
    const rt = Runtime.make()
    const thrown = new Error('kaput')
    const r = await rt.run(
      Effect.sync((): never => {
        throw thrown
      })
    )
    expect(r).toEqual(Exit.defect(thrown))
    expect(r._tag === 'Defect' ? r.defect : undefined).toBe(thrown)
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const a = yield* Process.spawnLink(
          Effect.sync((): never => {
            throw thrown
          })
        )
        return { a, msg: yield* within(Exit.ExitSignal) }
      })
    )
    expect(out.msg).toEqual({ _tag: 'EXIT', from: out.a, reason: Exit.defect(thrown) })
    expect(out.msg.reason._tag === 'Defect' ? out.msg.reason.defect : undefined).toBe(thrown)
  })

  it('a non-Error thrown value and Effect.die are defects too', async () => {
    const rt = Runtime.make()
    const thrown = { not: 'an error' }
    const r = await rt.run(
      Effect.sync((): never => {
        throw thrown
      })
    )
    expect(r).toEqual(Exit.defect(thrown))
    expect(r._tag === 'Defect' ? r.defect : undefined).toBe(thrown)
    expect(await rt.run(Effect.die('bug'))).toEqual(Exit.defect('bug'))
  })

  it('exit/1 becomes the reason itself', async () => {
    const rt = Runtime.make()
    expect(await rt.run(Process.exit(Exit.timeout))).toEqual(Exit.timeout)
    expect(await rt.run(Process.exit(Exit.custom(['a', 1])))).toEqual(Exit.custom(['a', 1]))
  })

  it('returning a value is Normal carrying it', async () => {
    const rt = Runtime.make()
    expect(await rt.run(Effect.succeed({ answer: 42 }))).toEqual(Exit.returned({ answer: 42 }))
  })
})

describe('faults stay inside their process', () => {
  it('a receive handler that throws ends only its process; the runtime keeps serving others', async () => {
    const rt = Runtime.make()
    const bad = new Error('handler blew up')
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const bystander = yield* Process.spawn(pingable)
        const [crasher, ref] = yield* Process.spawnMonitor(
          Process.receive(
            Process.on(t.literal('bad'), (): Effect.Effect<never, void> => {
              throw bad
            })
          )
        )
        yield* Process.send(crasher, 'bad')
        const down = yield* within(Exit.downOf(ref))
        const bystanderReply = yield* ping(bystander)
        const later = yield* Process.spawn(pingable)
        const laterReply = yield* ping(later)
        return { down: down.reason, bystanderReply, laterReply }
      })
    )
    expect(out.down).toEqual(Exit.defect(bad))
    expect(out.down._tag === 'Defect' ? out.down.defect : undefined).toBe(bad)
    expect(out.bystanderReply).toBe('pong')
    expect(out.laterReply).toBe('pong')
  })

  it('a crash never rejects rt.run of another; rt.run itself resolves with the crash reason', async () => {
    const rt = Runtime.make()
    const bad = new Error('crash')
    const results = await Promise.allSettled([
      rt.run(
        Effect.flatMap(Process.sleep(5), (): Effect.Effect<never, never> => {
          throw bad
        })
      ),
      rt.run(Effect.as(Process.sleep(30), 'survivor')),
      rt.run(Effect.fail('typed'))
    ])
    expect(results).toEqual([
      { status: 'fulfilled', value: Exit.defect(bad) },
      { status: 'fulfilled', value: Exit.returned('survivor') },
      { status: 'fulfilled', value: Exit.failure('typed') }
    ])
    expect(await rt.run(Effect.succeed('afterwards'))).toEqual(Exit.returned('afterwards'))
    expect(rt.processes()).toEqual([])
  })
})
