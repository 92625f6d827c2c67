/**
 * Monitors and registered names, as observed on real Elixir (docs/exit-signals.md).
 */
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Pid, Process, Runtime } from '../lib/index.js'
import { kernelOf } from '../lib/Runtime.js'
import { fiberOf, watchersOf } from '../lib/internal/introspect.js'
import { within, nothing, pingable, ping, onGo, runMain } from './support.js'

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const SystemMessage = t.union([Exit.ExitSignal, Exit.Down])

/** The kernel's process behind `pid` in `rt`, while it lives. */
const fiberOfPid = (rt: Runtime.Runtime, pid: Pid.Pid<unknown>) =>
  fiberOf(kernelOf(rt), Number(/<0\.(\d+)\./.exec(String(pid))?.[1]))

/** A process that has already exited (normally). */
const deadPid = Effect.gen(function* () {
  const [pid, ref] = yield* Process.spawnMonitor(Effect.unit)
  yield* within(Exit.downOf(ref))
  return pid
})

const crashReasons: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>, Exit.Reason]> = [
  ['Effect.fail', Effect.fail('oops'), Exit.failure('oops')],
  ['exit(boom)', Process.exit(Exit.custom('boom')), Exit.custom('boom')],
  ['exit(kill)', Process.exit(Exit.kill), Exit.kill],
  ['exit(shutdown)', Process.exit(Exit.shutdown), Exit.shutdown],
  ['returning', Effect.succeed(7), Exit.returned(7)]
]

// -------------------------------------------------------------------------------------
// monitors
// -------------------------------------------------------------------------------------

describe('monitor', () => {
  it.each(crashReasons)('gives exactly one DOWN with the target reason (%s) and the ref', async (_, body, reason) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const target = yield* Process.spawn(onGo(body))
        const ref = yield* Process.monitor(target)
        yield* Process.send(target, 'go')
        const down = yield* within(Exit.Down)
        const second = yield* nothing(Exit.Down)
        return { target, ref, down, second }
      })
    )
    expect(out.down).toEqual({ _tag: 'DOWN', ref: out.ref, pid: out.target, reason })
    expect(out.down.ref).toBe(out.ref)
    expect(out.second).toEqual(O.none)
  })

  it('of a dead pid gives an immediate DOWN with noproc', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const dead = yield* deadPid
        const ref = yield* Process.monitor(dead)
        const down = yield* Process.receive(
          Process.on(Exit.Down, (d) => Effect.succeed(O.some(d))),
          Process.after(0, () => Effect.succeed(O.none))
        )
        return { dead, ref, down }
      })
    )
    expect(out.down).toEqual(O.some({ _tag: 'DOWN', ref: out.ref, pid: out.dead, reason: Exit.noproc }))
  })

  it('of an unregistered name gives a DOWN with noproc whose pid field is the name', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const ref = yield* Process.monitor('nobody')
        const down = yield* within(Exit.Down)
        return { ref, down }
      })
    )
    expect(out.down).toEqual({ _tag: 'DOWN', ref: out.ref, pid: 'nobody', reason: Exit.noproc })
  })

  it('by registered name gives a DOWN whose pid field is the name, with the target reason', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const target = yield* Process.spawn(onGo(Effect.fail('named crash')))
        yield* Process.register('worker', target)
        const ref = yield* Process.monitor('worker')
        const monitors = yield* Effect.sync(() => rt.processes().find((p) => p.pid !== target)?.monitors)
        yield* Process.send(target, 'go')
        const down = yield* within(Exit.Down)
        return { ref, down, monitors }
      })
    )
    expect(out.monitors).toEqual(['worker'])
    expect(out.down).toEqual({ _tag: 'DOWN', ref: out.ref, pid: 'worker', reason: Exit.failure('named crash') })
  })

  it.each([false, true])('never kills the watcher (trapping: %s), whatever the reason; no EXIT', async (traps) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        yield* Process.trapExit(traps)
        const reasons: Array<Exit.Reason> = []
        const bodies: ReadonlyArray<Effect.Effect<unknown, unknown>> = [
          Effect.fail('crash'),
          Process.exit(Exit.custom('boom')),
          Process.exit(Exit.kill),
          Process.exit(Exit.shutdown)
        ]
        for (const body of bodies) {
          const [target, ref] = yield* Process.spawnMonitor(onGo(body))
          yield* Process.send(target, 'go')
          reasons.push((yield* within(Exit.downOf(ref))).reason)
        }
        const [killedTarget, ref] = yield* Process.spawnMonitor(pingable)
        yield* Process.exit(killedTarget, Exit.kill)
        reasons.push((yield* within(Exit.downOf(ref))).reason)
        const exitMessage = yield* nothing(Exit.ExitSignal)
        const helper = yield* Process.spawn(pingable)
        const reply = yield* ping(helper)
        return { reasons, exitMessage, reply }
      })
    )
    expect(out.reasons).toEqual([Exit.failure('crash'), Exit.custom('boom'), Exit.kill, Exit.shutdown, Exit.killed])
    expect(out.exitMessage).toEqual(O.none)
    expect(out.reply).toBe('pong')
  })
})

describe('demonitor', () => {
  it('returns true for an active monitor and false after; no DOWN arrives once demonitored', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const target = yield* Process.spawn(onGo(Effect.fail('crash')))
        const ref = yield* Process.monitor(target)
        const first = yield* Process.demonitor(ref)
        const second = yield* Process.demonitor(ref)
        const refs = yield* Effect.sync(() => rt.processes().find((p) => p.pid !== target)?.monitors)
        yield* Process.send(target, 'go')
        const down = yield* nothing(Exit.Down)
        return { first, second, refs, down }
      })
    )
    expect(out).toEqual({ first: true, second: false, refs: [], down: O.none })
  })

  it('monitors stack: one DOWN per monitor, each with its own ref, oldest first (also after the first was removed)', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const target = yield* Process.spawn(onGo(Process.exit(Exit.custom('bye'))))
        // the first monitor on a process is kept apart from the others: removing it must not reorder them
        const r1 = yield* Process.monitor(target)
        const r2 = yield* Process.monitor(target)
        const r3 = yield* Process.monitor(target)
        yield* Process.demonitor(r1)
        const r4 = yield* Process.monitor(target)
        const watchers = fiberOfPid(rt, target)
        const counted = watchers === undefined ? -1 : watchersOf(watchers).length
        yield* Process.send(target, 'go')
        const downs = [yield* within(Exit.Down), yield* within(Exit.Down), yield* within(Exit.Down)]
        const more = yield* nothing(Exit.Down)
        return { target, refs: [r2, r3, r4], downs, counted, more }
      })
    )
    expect(new Set(out.refs).size).toBe(3)
    expect(out.downs.map((d) => d.ref)).toEqual(out.refs)
    for (const d of out.downs)
      expect(d).toEqual({ _tag: 'DOWN', ref: d.ref, pid: out.target, reason: Exit.custom('bye') })
    expect(out.counted).toBe(3)
    expect(out.more).toEqual(O.none)
  })

  it('a process monitored once and then more: one DOWN per monitor, the first one first', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const [target, first] = yield* Process.spawnMonitor(onGo(Process.exit(Exit.custom('bye'))))
        const second = yield* Process.monitor(target)
        yield* Process.send(target, 'go')
        const downs = [yield* within(Exit.Down), yield* within(Exit.Down)]
        return { refs: [first, second], downs: downs.map((d) => d.ref), more: yield* nothing(Exit.Down) }
      })
    )
    expect(out.downs).toEqual(out.refs)
    expect(out.more).toEqual(O.none)
  })

  it('the monitors a process holds are listed oldest first; one that fires or is removed leaves the others', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        const a = yield* Process.spawn(onGo(Effect.unit))
        const b = yield* Process.spawn(onGo(Effect.unit))
        const c = yield* Process.spawn(onGo(Effect.unit))
        const held = () => Effect.sync(() => rt.processes().find((p) => p.pid === me)?.monitors)
        const onA = yield* Process.monitor(a)
        const onB = yield* Process.monitor(b)
        yield* Process.monitor(c)
        const all = yield* held()
        yield* Process.send(b, 'go')
        yield* within(Exit.downOf(onB))
        const afterDown = yield* held()
        yield* Process.demonitor(onA)
        const afterDemonitor = yield* held()
        return { all, afterDown, afterDemonitor, pids: [a, b, c] }
      })
    )
    const [a, b, c] = out.pids
    expect(out.all).toEqual([a, b, c])
    expect(out.afterDown).toEqual([a, c])
    expect(out.afterDemonitor).toEqual([c])
  })

  it('a process that exits holding monitors leaves none on its target', async () => {
    const rt = Runtime.make()
    const watchersOfPid = (pid: Pid.Pid<unknown>) => {
      const f = fiberOfPid(rt, pid)
      // every monitor left on it, counted as the kernel keeps them (a released one included)
      const n = (f?.watchedBy === undefined ? 0 : 1) + (f?.rel?.watchers?.size ?? 0)
      return f === undefined ? undefined : n
    }
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const target = yield* Process.spawn(onGo(Effect.unit))
        const go = yield* Process.spawn(onGo(Effect.unit))
        const [, ref] = yield* Process.spawnMonitor(
          Effect.gen(function* () {
            yield* Process.monitor(target)
            yield* Process.monitor(target)
            yield* Process.monitor(go)
          })
        )
        yield* within(Exit.downOf(ref))
        return {
          target: yield* Effect.sync(() => watchersOfPid(target)),
          go: yield* Effect.sync(() => watchersOfPid(go))
        }
      })
    )
    expect(out).toEqual({ target: 0, go: 0 })
  })

  it('returns false for a monitor whose DOWN was already delivered', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const [, ref] = yield* Process.spawnMonitor(Effect.unit)
        yield* within(Exit.downOf(ref))
        return yield* Process.demonitor(ref)
      })
    )
    expect(out).toBe(false)
  })

  it('with flush removes a DOWN already in the mailbox; without flush the DOWN stays', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        const mailbox = Effect.sync(() => rt.processes().find((p) => p.pid === me)?.mailbox)
        const t1 = yield* Process.spawn(onGo(Effect.fail('one')))
        const flushed = yield* Process.monitor(t1)
        const sentinel1 = yield* Process.monitor(t1)
        const t2 = yield* Process.spawn(onGo(Effect.fail('two')))
        const kept = yield* Process.monitor(t2)
        const sentinel2 = yield* Process.monitor(t2)
        yield* Process.send(t1, 'go')
        yield* Process.send(t2, 'go')
        // both DOWNs of a target are delivered together: once the second is here, the first is in the mailbox
        yield* within(Exit.downOf(sentinel1))
        yield* within(Exit.downOf(sentinel2))
        const mailboxBefore = yield* mailbox
        const flushResult = yield* Process.demonitor(flushed, { flush: true })
        const keptResult = yield* Process.demonitor(kept)
        const mailboxAfter = yield* mailbox
        const flushedDown = yield* nothing(Exit.downOf(flushed), 0)
        const keptDown = yield* nothing(Exit.downOf(kept), 0)
        return { t2, kept, mailboxBefore, flushResult, keptResult, mailboxAfter, flushedDown, keptDown }
      })
    )
    expect(out.mailboxBefore).toBe(2)
    expect(out.flushResult).toBe(false)
    expect(out.keptResult).toBe(false)
    expect(out.mailboxAfter).toBe(1)
    expect(out.flushedDown).toEqual(O.none)
    expect(out.keptDown).toEqual(O.some({ _tag: 'DOWN', ref: out.kept, pid: out.t2, reason: Exit.failure('two') }))
  })

  it('with flush on an active monitor returns true and no DOWN arrives later', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const target = yield* Process.spawn(onGo(Effect.fail('crash')))
        const ref = yield* Process.monitor(target)
        const active = yield* Process.demonitor(ref, { flush: true })
        yield* Process.send(target, 'go')
        const down = yield* nothing(Exit.Down)
        return { active, down }
      })
    )
    expect(out).toEqual({ active: true, down: O.none })
  })
})

describe('spawnMonitor', () => {
  it('returns [pid, ref] and the DOWN arrives with that ref and pid', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const [pid, ref] = yield* Process.spawnMonitor(onGo(Process.exit(Exit.custom('done'))))
        const monitors = yield* Effect.sync(() => rt.processes().find((p) => p.pid !== pid)?.monitors)
        yield* Process.send(pid, 'go')
        const down = yield* within(Exit.Down)
        return { pid, ref, monitors, down }
      })
    )
    expect(out.monitors).toEqual([out.pid])
    expect(out.down).toEqual({ _tag: 'DOWN', ref: out.ref, pid: out.pid, reason: Exit.custom('done') })
    expect(out.down.ref).toBe(out.ref)
  })
})

describe('a link and a monitor on the same target', () => {
  it.each([
    ['link first', true],
    ['monitor first', false]
  ])('a trapping process gets the EXIT before the DOWN (%s)', async (_, linkFirst) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const target = yield* Process.spawn(onGo(Effect.fail('crash')))
        let ref: Process.Ref
        if (linkFirst) {
          yield* Process.link(target)
          ref = yield* Process.monitor(target)
        } else {
          ref = yield* Process.monitor(target)
          yield* Process.link(target)
        }
        yield* Process.send(target, 'go')
        const first = yield* within(SystemMessage)
        const second = yield* within(SystemMessage)
        const third = yield* nothing(SystemMessage)
        return { target, ref, first, second, third }
      })
    )
    expect(out.first).toEqual({ _tag: 'EXIT', from: out.target, reason: Exit.failure('crash') })
    expect(out.second).toEqual({ _tag: 'DOWN', ref: out.ref, pid: out.target, reason: Exit.failure('crash') })
    expect(out.third).toEqual(O.none)
  })
})

// -------------------------------------------------------------------------------------
// registered names
// -------------------------------------------------------------------------------------

describe('registered names', () => {
  it('register then whereis gives the pid; processes() shows the name', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const target = yield* Process.spawn(pingable)
        const before = yield* Process.whereis('svc')
        const registered = yield* Effect.either(Process.register('svc', target))
        const after = yield* Process.whereis('svc')
        const name = yield* Effect.sync(() => rt.processes().find((p) => p.pid === target)?.name)
        return { target, before, registered, after, name }
      })
    )
    expect(out.before).toEqual(O.none)
    expect(out.registered).toEqual(E.right(undefined))
    expect(out.after).toEqual(O.some(out.target))
    expect(out.name).toEqual(O.some('svc'))
  })

  it('a duplicate register fails with BadArg and leaves the first owner', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const a = yield* Process.spawn(pingable)
        const b = yield* Process.spawn(pingable)
        yield* Process.register('svc', a)
        const dup = yield* Effect.either(Process.register('svc', b))
        const sameAgain = yield* Effect.either(Process.register('svc', a))
        const owner = yield* Process.whereis('svc')
        return { a, dup, sameAgain, owner }
      })
    )
    expect(E.isLeft(out.dup) && out.dup.left._tag).toBe('BadArg')
    expect(E.isLeft(out.sameAgain) && out.sameAgain.left._tag).toBe('BadArg')
    expect(out.owner).toEqual(O.some(out.a))
  })

  it('registering a dead pid fails with BadArg and registers nothing', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const dead = yield* deadPid
        const r = yield* Effect.either(Process.register('ghost', dead))
        const found = yield* Process.whereis('ghost')
        return { r, found }
      })
    )
    expect(E.isLeft(out.r) && out.r.left._tag).toBe('BadArg')
    expect(out.found).toEqual(O.none)
  })

  it('registering a pid right after exit(pid, kill) fails with BadArg (it is no longer alive)', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const target = yield* Process.spawn(pingable)
        yield* Process.exit(target, Exit.kill)
        const r = yield* Effect.either(Process.register('dying', target))
        const found = yield* Process.whereis('dying')
        return { r, found }
      })
    )
    expect(E.isLeft(out.r) && out.r.left._tag).toBe('BadArg')
    expect(out.found).toEqual(O.none)
  })

  it('a process can have only one name', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const target = yield* Process.spawn(pingable)
        yield* Process.register('first', target)
        const second = yield* Effect.either(Process.register('second', target))
        return { target, second, first: yield* Process.whereis('first'), other: yield* Process.whereis('second') }
      })
    )
    expect(E.isLeft(out.second) && out.second.left._tag).toBe('BadArg')
    expect(out.first).toEqual(O.some(out.target))
    expect(out.other).toEqual(O.none)
  })

  it.each<readonly [string, Effect.Effect<unknown, unknown>]>([
    ['returns', Effect.unit],
    ['crashes', Effect.fail('crash')],
    ['exits with stop', Process.exit(Exit.custom('stop'))]
  ])('the name is freed when its process exits (%s) and can be registered again', async (_, body) => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const [first, ref] = yield* Process.spawnMonitor(onGo(body))
        yield* Process.register('svc', first)
        const during = yield* Process.whereis('svc')
        yield* Process.send(first, 'go')
        yield* within(Exit.downOf(ref))
        const afterExit = yield* Process.whereis('svc')
        const second = yield* Process.spawn(pingable)
        const again = yield* Effect.either(Process.register('svc', second))
        const now = yield* Process.whereis('svc')
        return { first, second, during, afterExit, again, now }
      })
    )
    expect(out.during).toEqual(O.some(out.first))
    expect(out.afterExit).toEqual(O.none)
    expect(out.again).toEqual(E.right(undefined))
    expect(out.now).toEqual(O.some(out.second))
  })

  it('unregister frees the name; unregister of an unknown name fails with BadArg', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const target = yield* Process.spawn(pingable)
        yield* Process.register('svc', target)
        const ok = yield* Effect.either(Process.unregister('svc'))
        const gone = yield* Process.whereis('svc')
        const again = yield* Effect.either(Process.unregister('svc'))
        const unknown = yield* Effect.either(Process.unregister('never-registered'))
        const name = yield* Effect.sync(() => rt.processes().find((p) => p.pid === target)?.name)
        return { ok, gone, again, unknown, name }
      })
    )
    expect(out.ok).toEqual(E.right(undefined))
    expect(out.gone).toEqual(O.none)
    expect(E.isLeft(out.again) && out.again.left._tag).toBe('BadArg')
    expect(E.isLeft(out.unknown) && out.unknown.left._tag).toBe('BadArg')
    expect(out.name).toEqual(O.none)
  })

  it('send to a registered name delivers; send to an unregistered name fails with NoProcess', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Process.register('main', me)
        const target = yield* Process.spawn(
          Effect.gen(function* () {
            const m = yield* Process.receive(t.string)
            yield* Process.send('main', `echo ${m}`)
          })
        )
        yield* Process.register('echo', target)
        yield* Process.send('echo', 'hello')
        const reply = yield* within(t.string)
        const missing = yield* Effect.either(Process.send('nobody', 'hello'))
        return { reply, missing }
      })
    )
    expect(out.reply).toBe('echo hello')
    expect(out.missing).toEqual(E.left({ _tag: 'NoProcess', dest: 'nobody' }))
  })

  it('rt.send to a registered name delivers, to an unregistered one throws', async () => {
    const rt = Runtime.make()
    const p = rt.run(
      Effect.gen(function* () {
        yield* Process.register('inbox', yield* Process.self)
        return yield* within(t.string)
      })
    )
    for (let i = 0; i < 100 && rt.processes()[0]?.name._tag !== 'Some'; i++) await new Promise((r) => setTimeout(r, 5))
    rt.send('inbox', 'from outside')
    expect(await p).toEqual(Exit.returned('from outside'))
    expect(() => rt.send('inbox', 'too late')).toThrow()
  })
})

// -------------------------------------------------------------------------------------
// the DOWN and EXIT codecs
// -------------------------------------------------------------------------------------

describe('Exit.Down and Exit.ExitSignal', () => {
  // the codecs as `t.type` alone makes them: the hand-written `is` must give the same answers
  const PidOrName = t.union([Pid.pid, t.string])
  const PlainDown = t.type({ _tag: t.literal('DOWN'), ref: Pid.ref, pid: PidOrName, reason: Exit.reason })
  const PlainExit = t.type({ _tag: t.literal('EXIT'), from: Pid.pid, reason: Exit.reason })

  const samples = Effect.gen(function* () {
    const [pid, ref] = yield* Process.spawnMonitor(Effect.unit)
    const down = yield* within(Exit.downOf(ref))
    const parts = {
      tags: ['DOWN', 'EXIT', 'down', undefined],
      pids: [pid, 'worker', 7, undefined, null],
      refs: [ref, pid, undefined],
      reasons: [Exit.normal, Exit.killed, Exit.custom('boom'), 'normal', { _tag: 'Nope' }, undefined]
    }
    const values: Array<unknown> = [down, null, undefined, 1, 'DOWN', [], {}]
    for (const _tag of parts.tags)
      for (const p of parts.pids)
        for (const r of parts.refs)
          for (const reason of parts.reasons) {
            values.push({ _tag, ref: r, pid: p, reason }, { _tag, from: p, reason })
            // the same fields on objects that are not plain records
            values.push(
              Object.assign([], { _tag, ref: r, pid: p, reason }),
              Object.assign(new Date(0), { _tag, from: p, reason })
            )
          }
    // fields left out (not undefined: absent)
    values.push({ _tag: 'DOWN', ref, pid }, { _tag: 'EXIT', from: pid }, Object.assign(Object.create(null), down))
    return values
  })

  const sampled = async (): Promise<Array<unknown>> => {
    const rt = Runtime.make()
    try {
      return await runMain(rt, samples)
    } finally {
      await rt.shutdown()
    }
  }

  it('`is` answers as the plain `t.type` codecs do, for every combination of right and wrong fields', async () => {
    const values = await sampled()
    let downs = 0
    let exits = 0
    for (const v of values) {
      expect(Exit.Down.is(v)).toBe(PlainDown.is(v))
      expect(Exit.ExitSignal.is(v)).toBe(PlainExit.is(v))
      if (Exit.Down.is(v)) downs++
      if (Exit.ExitSignal.is(v)) exits++
    }
    // both accept some of them and refuse the rest
    expect(downs).toBeGreaterThan(0)
    expect(exits).toBeGreaterThan(0)
    expect(downs + exits).toBeLessThan(values.length / 2)
  })

  it('decoding a wrong DOWN or EXIT names the field that was wrong; a right one decodes to itself', async () => {
    const values = await sampled()
    const down = values[0]
    expect(Exit.Down.decode(down)).toEqual(E.right(down))
    const bad = Exit.Down.decode({ ...(down as object), reason: 'normal' })
    expect(E.isLeft(bad) && bad.left.some((e) => e.context.some((c) => c.key === 'reason'))).toBe(true)
    const badExit = Exit.ExitSignal.decode({ _tag: 'EXIT', from: 7, reason: Exit.normal })
    expect(E.isLeft(badExit) && badExit.left.some((e) => e.context.some((c) => c.key === 'from'))).toBe(true)
  })
})
