import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, Runtime } from '../../lib/index.js'
import type { Pid } from '../../lib/Pid.js'
import * as Supervisor from '../../lib/Supervisor.js'

/**
 * 10,000 crashes of children under one supervisor, then shutdown.
 *
 * CLIENTS processes each own WORKERS_PER_CLIENT workers (registered by name,
 * so a worker's new incarnation is found after each restart). A round: find
 * the worker, send it two pings and a crash, wait for its DOWN, then send one
 * more ping to the dead pid (a dead letter). Only one client talks to a
 * worker and it waits for the death before the next round, so no message can
 * be left in a dying mailbox: every send is either received or dead-lettered.
 */
const CLIENTS = 10
const WORKERS_PER_CLIENT = 2
const ROUNDS_PER_CLIENT = 1_000
const CRASHES = CLIENTS * ROUNDS_PER_CLIENT

const Ping = t.type({ _tag: t.literal('ping'), n: t.number })
const Crash = t.type({ _tag: t.literal('crash') })

describe('crash storm', () => {
  it('10,000 crashes: all restarted, nothing lost, nothing left, the runtime still serves', async () => {
    const rt = Runtime.make()
    let sent = 0
    let received = 0
    let starts = 0
    let pingLetters = 0
    let otherLetters = 0
    const subscription = rt.deadLetters$.subscribe((letter) => {
      if (Ping.is(letter.message)) pingLetters++
      else otherLetters++
    })

    const name = (client: number, w: number) => `storm-${client}-${w}`

    const workerBody = (id: string): Effect.Effect<unknown, never> =>
      Effect.gen(function* () {
        yield* Process.register(id, yield* Process.self)
        for (;;) {
          const m = yield* Process.receive(t.union([Ping, Crash]))
          received++
          if (m._tag === 'crash') return yield* Process.exit(Exit.custom('crash'))
        }
      })

    const children: ReadonlyArray<Supervisor.ChildSpec> = Array.from(
      { length: CLIENTS * WORKERS_PER_CLIENT },
      (_, i) => {
        const id = name(Math.floor(i / WORKERS_PER_CLIENT), i % WORKERS_PER_CLIENT)
        return {
          id,
          start: Effect.flatMap(
            Effect.sync(() => starts++),
            () => Process.spawnLink(workerBody(id))
          ),
          shutdown: 'brutal_kill'
        }
      }
    )

    const send = (dest: Pid<unknown>, message: unknown) =>
      Effect.flatMap(Process.send(dest, message), () => Effect.sync(() => void sent++))

    /** The current incarnation of a worker: wait (yielding) while it is being restarted. */
    const find = (id: string): Effect.Effect<never, Pid<unknown>> =>
      Effect.flatMap(Process.whereis(id), (o) =>
        O.isSome(o) ? Effect.succeed(o.value) : Effect.flatMap(Effect.yieldNow, () => find(id))
      )

    const client = (c: number) =>
      Effect.gen(function* () {
        for (let round = 0; round < ROUNDS_PER_CLIENT; round++) {
          const pid = yield* find(name(c, round % WORKERS_PER_CLIENT))
          const ref = yield* Process.monitor(pid)
          yield* send(pid, { _tag: 'ping', n: 1 })
          yield* send(pid, { _tag: 'ping', n: 2 })
          yield* send(pid, { _tag: 'crash' })
          const down = yield* Process.receive(Exit.Down)
          if (down.ref !== ref || down.reason._tag !== 'Custom') return yield* Effect.die(new Error('unexpected DOWN'))
          yield* send(pid, { _tag: 'ping', n: 3 }) // to the dead incarnation: a dead letter
        }
      })

    const main = Effect.gen(function* () {
      const sup = yield* Supervisor.startLink(children, {
        strategy: 'one_for_one',
        maxRestarts: CRASHES * 2,
        maxSeconds: 60
      })
      const clients: Array<Process.Ref> = []
      for (let c = 0; c < CLIENTS; c++) {
        const [, ref] = yield* Process.spawnMonitor(client(c))
        clients.push(ref)
      }
      const reasons: Array<string> = []
      while (reasons.length < CLIENTS) reasons.push((yield* Process.receive(Exit.Down)).reason._tag)
      const counts = yield* Supervisor.countChildren(sup)
      yield* Supervisor.stop(sup)
      return { reasons, counts, supAlive: yield* Process.isAlive(sup) }
    })

    // the supervisor is linked to main and stops with `normal`, so main ends normally too
    const exit = await rt.run(main)
    expect(exit._tag).toBe('Normal')
    const result = (exit as Exit.Normal<{ reasons: Array<string>; counts: Supervisor.Counts; supAlive: boolean }>).value
    expect(result?.reasons).toEqual(Array.from({ length: CLIENTS }, () => 'Normal'))
    expect(result?.counts).toEqual({ specs: 20, active: 20, supervisors: 0, workers: 20 })
    expect(result?.supAlive).toBe(false)

    // every child was restarted after each crash
    expect(starts).toBe(CLIENTS * WORKERS_PER_CLIENT + CRASHES)
    // nothing lost: each send was received or dead-lettered
    expect(sent).toBe(4 * CRASHES)
    expect(received).toBe(3 * CRASHES)
    expect(pingLetters).toBe(CRASHES)
    expect(received + pingLetters).toBe(sent)
    expect(otherLetters).toBe(0)

    // no process left (the intensity timers end when they see the supervisor go)
    for (let i = 0; i < 200 && rt.processes().length > 0; i++) await new Promise((r) => setTimeout(r, 25))
    expect(rt.processes()).toEqual([])

    // the runtime still serves
    expect(await rt.run(Effect.succeed('still serving'))).toEqual(Exit.returned('still serving'))
    subscription.unsubscribe()
  })
})
