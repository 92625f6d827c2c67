/**
 * ring: `N` processes in a ring pass one token `H` hops in total (defaults
 * 10,000 and 1,000,000, times `BENCH_SCALE`). The token is a number counted
 * down at every hop; the process that receives 0 reports its index, which
 * must be `H mod N`, and every process must have received the token the
 * right number of times. Reports hops per second (setup excluded).
 */
import * as t from 'io-ts'
import { Effect, Pid, Process, Runtime } from '../../lib/index.js'
import { Floor, type Proc } from '../floor.js'
import { check, impl, main, normalValue, rateResult, scaled, stopwatch, type Elapsed, type Result } from '../harness.js'

interface Outcome {
  readonly elapsed: Elapsed
  /** Index of the process that received the token at 0. */
  readonly last: number
  /** How many times each process received the token. */
  readonly counts: Int32Array
}

const ours = async (n: number, hops: number): Promise<Outcome> => {
  const counts = new Int32Array(n)
  const rt = Runtime.make()
  const node = (index: number, boss: Pid.Pid<unknown>): Effect.Effect<Process.NoProcess, void> => {
    const loop = (next: Pid.Pid<unknown>): Effect.Effect<Process.NoProcess, void> =>
      Process.receive(
        Process.on(t.number, (token) => {
          counts[index] = (counts[index] as number) + 1
          return token === 0
            ? Process.send(boss, index)
            : Effect.flatMap(Process.send(next, token - 1), () => loop(next))
        })
      )
    return Effect.flatMap(Process.receive(Process.pid), loop)
  }
  let sw = stopwatch()
  const boss = Effect.flatMap(Process.self, (me) => {
    const spawnAll = (i: number, acc: Array<Pid.Pid<unknown>>): Effect.Effect<never, Array<Pid.Pid<unknown>>> =>
      i === n
        ? Effect.succeed(acc)
        : Effect.flatMap(Process.spawn(node(i, me)), (p) => {
            acc.push(p)
            return spawnAll(i + 1, acc)
          })
    const wire = (pids: Array<Pid.Pid<unknown>>, i: number): Effect.Effect<Process.NoProcess, void> =>
      i === n
        ? Effect.unit
        : Effect.flatMap(Process.send(pids[i] as Pid.Pid<unknown>, pids[(i + 1) % n] as Pid.Pid<unknown>), () =>
            wire(pids, i + 1)
          )
    return Effect.flatMap(spawnAll(0, []), (pids) =>
      Effect.flatMap(wire(pids, 0), () =>
        Effect.flatMap(
          Effect.sync(() => {
            sw = stopwatch()
          }),
          () => Effect.flatMap(Process.send(pids[0] as Pid.Pid<unknown>, hops), () => Process.receive(t.number))
        )
      )
    )
  })
  const exit = await rt.run(boss)
  const elapsed = sw()
  const last = normalValue(exit, 'the ring boss')
  await rt.shutdown()
  check(rt.processes().length === 0, 'the ring processes are gone after shutdown')
  return { elapsed, last, counts }
}

const floor = (n: number, hops: number): Promise<Outcome> =>
  new Promise((resolve) => {
    const counts = new Int32Array(n)
    const rt = new Floor()
    let sw = stopwatch()
    const boss = rt.spawn((me) => {
      const pids: Array<Proc> = []
      for (let i = 0; i < n; i++) {
        const index = i
        pids.push(
          rt.spawn((self) =>
            rt.receive(self, (m) => {
              const next = m as Proc
              const loop = (token: unknown): void => {
                counts[index] = (counts[index] as number) + 1
                if (token === 0) rt.send(me, index)
                else {
                  rt.send(next, (token as number) - 1)
                  rt.receive(self, loop)
                }
              }
              rt.receive(self, loop)
            })
          )
        )
      }
      for (let i = 0; i < n; i++) rt.send(pids[i] as Proc, pids[(i + 1) % n])
      sw = stopwatch()
      rt.send(pids[0] as Proc, hops)
      rt.receive(me, (last) => resolve({ elapsed: sw(), last: last as number, counts }))
    })
    void boss
  })

main(async (): Promise<Result> => {
  const which = impl()
  const n = scaled(10_000, 2)
  const hops = scaled(1_000_000, 10)
  const go = which === 'ours' ? ours : floor
  await go(Math.max(2, Math.round(n / 10)), Math.round(hops / 10)) // warm-up
  const o = await go(n, hops)
  check(o.last === hops % n, `the token reached 0 at process ${o.last}, expected ${hops % n}`)
  let total = 0
  for (let i = 0; i < n; i++) {
    // process i holds the token at hops i, i + n, i + 2n, ... up to `hops`
    const expected = i <= hops ? Math.floor((hops - i) / n) + 1 : 0
    check(o.counts[i] === expected, `process ${i} received the token ${o.counts[i]} times, expected ${expected}`)
    total += o.counts[i] as number
  }
  check(total === hops + 1, `the token was received ${total} times, expected ${hops + 1}`)
  return rateResult('ring', which, hops, 'hops/s', o.elapsed, { processes: n, hops })
})
