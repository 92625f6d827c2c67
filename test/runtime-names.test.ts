/**
 * Naming a process from outside any process (`rt.spawn(p, { name })`, `rt.register`), so that a
 * name can be used at once; and a TestKit probe pid for a client.
 */
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import { firstValueFrom, of } from 'rxjs'
import { Effect, Exit, Process, Runtime, Rx, TestKit } from '../lib/index.js'

const Double = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })
const doubler = Effect.forever(Process.receive(Process.on(Double, (m) => Rx.reply(m.replyTo, m.n * 2))))
const ask = (rt: Runtime.Runtime, n: number) =>
  firstValueFrom(of(n).pipe(Rx.ask(rt, 'pool', (v: number, replyTo: Rx.ReplyTo<number>) => ({ n: v, replyTo }))))

describe('naming from outside a process', () => {
  it('rt.spawn with a name registers it before returning: ask to the name works at once', async () => {
    const rt = Runtime.make()
    const pid = rt.spawn(doubler, { mailbox: Double, name: 'pool' })
    expect(rt.processes().find((p) => p.pid === pid)?.name).toEqual({ _tag: 'Some', value: 'pool' })
    expect(await ask(rt, 21)).toBe(42)
    expect(() => rt.spawn(doubler, { name: 'pool' })).toThrow(
      /^Runtime\.spawn: the name "pool" is already registered to #PID<0\.\d+\.0>$/
    )
    expect(() => rt.spawn(doubler, { name: '' })).toThrow(/Runtime\.spawn/)
    await rt.shutdown()
  })

  it('rt.register names a live process; a taken name or a dead pid throws', async () => {
    const rt = Runtime.make()
    const pid = rt.spawn(doubler, { mailbox: Double })
    rt.register('pool', pid)
    expect(await ask(rt, 2)).toBe(4)
    const other = rt.spawn(Effect.never)
    expect(() => rt.register('pool', other)).toThrow(/^Runtime\.register: the name "pool" is already registered/)
    const dead = rt.spawn(Effect.unit)
    await new Promise((r) => setTimeout(r, 5))
    expect(() => rt.register('late', dead)).toThrow(/^Runtime\.register: #PID<0\.\d+\.0> is not alive$/)
    expect(() => rt.register('x', 'pool' as never)).toThrow('Runtime.register: expected a Pid, got "pool"')
    await rt.shutdown()
  })
})

describe('TestKit.probe', () => {
  it('gives a client pid of the kit: what the process sends to it is in sent()', () => {
    const Ping = t.type({ from: Process.pid })
    const kit = TestKit.spawn(Process.receive(Process.on(Ping, (m) => Process.send(m.from, 'pong'))), { mailbox: Ping })
    const client = kit.probe()
    expect(client).not.toBe(kit.pid)
    kit.send({ from: client })
    expect(kit.sent()).toEqual([{ to: client, message: 'pong' }])
    expect(kit.exit).toEqual({ _tag: 'Some', value: Exit.returned(undefined) })
  })
})
