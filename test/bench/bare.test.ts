import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { workloads, Bare, Proc, type Build } from '../../bench/shared/bare.js'
import { Effect, Process } from '../../lib/index.js'
import * as op from '../../lib/internal/op.js'
import { PidImpl } from '../../lib/internal/pid.js'

// the bench's bound (bench/shared/bare.ts) runs the user workloads' effects as they are: it must run them right
const build: Build = {
  lib: { Effect, Process },
  pid: (id, proc) => new PidImpl(id, proc) as unknown as ReturnType<Build['pid']>,
  op
}
const w = workloads(build, () => performance.now())

describe('the bare interpreter of the benchmarks', () => {
  it('runs the ring, pingpong and fan-in workloads to their end', async () => {
    // each throws unless its last process returned with nothing left in its mailbox
    expect(await w.ring(10, 1000)).toBeGreaterThanOrEqual(0)
    expect(await w.pingpong(500)).toBeGreaterThanOrEqual(0)
    expect(await w.fanin(20, 50)).toBeGreaterThanOrEqual(0)
    await expect(w.spawn(10)).rejects.toThrow(/not spawn/)
  })

  it('receives selectively: the first message a clause takes, the others kept in order', () => {
    const bare = new Bare(op)
    const got: Array<unknown> = []
    const take = <A>(codec: t.Type<A>) => Process.receive(Process.on(codec, (m) => Effect.sync(() => got.push(m))))
    const p = new Proc(Effect.flatMap(take(t.string), () => Effect.flatMap(take(t.number), () => take(t.number))))
    const pid = build.pid(1, p)
    bare.schedule(p)
    bare.drain()
    expect(p.waiting).toBe(true)
    for (const m of [1, 'a', 2]) bare.deliver(pid, m)
    bare.drain()
    expect(got).toEqual(['a', 1, 2])
    expect(p.done).toBe(true)
    expect(p.mailboxSize).toBe(0)
  })

  it('runs a process for at most its budget of instructions at a time', () => {
    const bare = new Bare(op, 10)
    const order: Array<string> = []
    const count = (name: string, n: number): Effect.Effect<never, void> =>
      n === 0
        ? Effect.unit
        : Effect.flatMap(
            Effect.sync(() => order.push(name)),
            () => count(name, n - 1)
          )
    for (const name of ['a', 'b']) bare.schedule(new Proc(count(name, 20)))
    bare.drain()
    expect(order.slice(0, 8).join('')).toBe('aaaaabbb')
  })

  it('refuses an instruction it does not run, naming its opcode', () => {
    const bare = new Bare(op)
    bare.schedule(new Proc(Effect.gen(function* () {})))
    expect(() => bare.drain()).toThrow(`the bare interpreter does not run instruction ${op.GEN}`)
  })
})
