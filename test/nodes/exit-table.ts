/**
 * The exit-signal table (docs/exit-signals.md) with the two processes on two
 * nodes, for any transport: `exitSignalTable(label, make)` declares the
 * tests; `make()` starts node `a` (where the checking process runs) and node
 * `b` with `tablePrograms` registered, and says how to lose `b`.
 *
 * A transport that runs `b` elsewhere (a worker thread) registers
 * `tablePrograms` (from `exit-table-programs.ts`, which imports no test
 * runner) in that node's module.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { Effect, Exit, Node, Process } from '../../lib/index.js'
import { type Body, tablePrograms } from './exit-table-programs.js'

export { tablePrograms } from './exit-table-programs.js'

// -------------------------------------------------------------------------------------
// the runner
// -------------------------------------------------------------------------------------

/** Two nodes: `run` runs a program on a (resolving with how it ended); `lose()` makes b a lost node. */
export interface TwoNodes {
  /** The name of node b (where `tablePrograms` are registered). */
  readonly b: string
  readonly run: <E, A>(program: Effect.Effect<E, A>) => Promise<Exit.Reason<E, A>>
  /** Loses node b abruptly (killed, cut off): its watchers must hear `noconnection`. */
  readonly lose: () => void
  readonly close?: () => Promise<void>
}

const Got = t.type({ _tag: t.literal('got'), from: Process.pid, reason: Exit.reason })
const WAIT = 5_000

const within = <A>(codec: t.Decoder<unknown, A>, what: string): Effect.Effect<never, A> =>
  Process.receive(
    Process.on(codec, (m) => Effect.succeed(m)),
    Process.after(WAIT, () => Effect.die(new Error(`nothing like ${what} within ${WAIT} ms`)))
  )

/** `none` if nothing like `codec` arrives within a short while. */
const nothing = <A>(codec: t.Decoder<unknown, A>): Effect.Effect<never, 'nothing' | A> =>
  Process.receive(
    Process.on(codec, (m) => Effect.succeed(m)),
    Process.after(50, () => Effect.succeed('nothing' as const))
  )

/** A round trip to `pid`: everything it sent before has arrived (FIFO per pair). */
const ping = (pid: Process.Pid) =>
  Effect.gen(function* () {
    yield* Process.send(pid, { _tag: 'ping', from: yield* Process.self })
    return yield* within(t.literal('pong'), 'pong')
  })

const spawnOnB = (b: string, name: keyof typeof tablePrograms, args: unknown) =>
  Effect.catchAll(Node.spawn(b, name, args), (e) => Effect.die(new Error(e.message)))

const spawnMonitorOnB = (b: string, name: keyof typeof tablePrograms, args: unknown) =>
  Effect.catchAll(Node.spawnMonitor(b, name, args), (e) => Effect.die(new Error(e.message)))

const spawnLinkOnB = (b: string, name: keyof typeof tablePrograms, args: unknown) =>
  Effect.catchAll(Node.spawnLink(b, name, args), (e) => Effect.die(new Error(e.message)))

/** A process on a (trapping or not) linked to a fresh `onGo` on b; how each ended, and what the a-side got. */
const linkedCrash = (b: string, what: Body, trap: boolean) =>
  Effect.gen(function* () {
    const main = yield* Process.self
    const [child, childRef] = yield* Process.spawnMonitor(
      Effect.gen(function* () {
        yield* Process.trapExit(trap)
        const remote = yield* spawnLinkOnB(b, 'onGo', { main, body: what })
        yield* Process.send(main, { _tag: 'remote', pid: remote })
        const got = yield* within(Exit.ExitSignal, 'an EXIT')
        yield* Process.send(main, { _tag: 'got', from: got.from, reason: got.reason })
        return yield* Process.receive(t.literal('never'))
      })
    )
    yield* within(t.literal('ready'), 'ready')
    const { pid: remote } = yield* within(t.type({ _tag: t.literal('remote'), pid: Process.pid }), 'the remote pid')
    const rref = yield* Process.monitor(remote)
    yield* Process.send(remote, 'go')
    const remoteDown = yield* within(Exit.downOf(rref), 'the remote DOWN')
    const got = trap ? yield* within(Got, 'the forwarded EXIT') : undefined
    const childDown = yield* nothing(Exit.downOf(childRef))
    return {
      remote: remoteDown.reason,
      got: got === undefined ? undefined : { fromRemote: got.from === remote, reason: got.reason },
      child: childDown === 'nothing' ? 'alive' : childDown.reason,
      child_: child
    }
  })

const omitPid = <A extends { readonly child_: unknown }>({ child_: _, ...rest }: A): Omit<A, 'child_'> => rest

/**
 * Declares the table's tests for one transport. `make()` is called once per
 * test (a fresh pair of nodes); `close` is awaited after it.
 */
export const exitSignalTable = (label: string, make: () => TwoNodes | Promise<TwoNodes>): void => {
  const withNodes =
    <A>(f: (n: TwoNodes) => Promise<A>) =>
    async (): Promise<A> => {
      const n = await make()
      try {
        return await f(n)
      } finally {
        await n.close?.()
      }
    }
  const value = async <E, A>(n: TwoNodes, program: Effect.Effect<E, A>): Promise<A> => {
    const r = await n.run(program)
    if (r._tag !== 'Normal') throw new Error(`the checking process ended with ${Exit.format(r)}`)
    return r.value as A
  }

  describe(`exit signals across two nodes (${label})`, () => {
    describe('through a link (the remote process died)', () => {
      it(
        'normal: ignored by a non-trapping process; an EXIT normal for a trapping one',
        withNodes(async (n) => {
          for (const what of ['return', 'exitNormal'] as const) {
            expect(omitPid(await value(n, linkedCrash(n.b, what, false)))).toEqual({
              remote: what === 'return' ? { _tag: 'Normal', value: undefined } : Exit.normal,
              got: undefined,
              child: 'alive'
            })
            const trapped = await value(n, linkedCrash(n.b, what, true))
            expect(trapped.got).toEqual({ fromRemote: true, reason: trapped.remote })
            expect(trapped.child).toBe('alive')
          }
        })
      )
      it(
        'any other reason kills a non-trapping process with the same reason; a trapping one gets it as a message',
        withNodes(async (n) => {
          const cases: ReadonlyArray<readonly [Body, Exit.Reason]> = [
            ['fail', Exit.failure('oops')],
            ['custom', Exit.custom({ custom: 1 })],
            ['shutdown', Exit.shutdown],
            ['shutdownInfo', Exit.shutdownWith('bye')],
            ['exitKill', Exit.kill]
          ]
          for (const [what, reason] of cases) {
            expect(omitPid(await value(n, linkedCrash(n.b, what, false)))).toEqual({
              remote: reason,
              got: undefined,
              child: reason
            })
            expect(omitPid(await value(n, linkedCrash(n.b, what, true)))).toEqual({
              remote: reason,
              got: { fromRemote: true, reason },
              child: 'alive'
            })
          }
        })
      )
      it(
        'a local process dying reaches a remote linked process: killed, or an EXIT message when it traps',
        withNodes(async (n) => {
          const r = await value(
            n,
            Effect.gen(function* () {
              const main = yield* Process.self
              const out: Array<unknown> = []
              for (const trap of [false, true]) {
                const [local] = yield* Process.spawnMonitor(Process.receive(t.literal('crash')))
                const [remote, rref] = yield* spawnMonitorOnB(n.b, 'linker', { main, target: local, trap })
                yield* within(t.literal('linked'), 'linked')
                yield* Process.exit(local, Exit.custom('boom'))
                if (trap) {
                  const got = yield* within(Got, 'the forwarded EXIT')
                  out.push([got.from === local, got.reason, yield* ping(remote)])
                  yield* Process.exit(remote, Exit.kill)
                  out.push((yield* within(Exit.downOf(rref), 'DOWN')).reason)
                } else out.push((yield* within(Exit.downOf(rref), 'DOWN')).reason)
              }
              return out
            })
          )
          expect(r).toEqual([Exit.custom('boom'), [true, Exit.custom('boom'), 'pong'], Exit.killed])
        })
      )
      it(
        'linking to a remote pid that has exited: a noproc exit signal (as Erlang: link returns, the signal follows)',
        withNodes(async (n) => {
          const r = await value(
            n,
            Effect.gen(function* () {
              const main = yield* Process.self
              const [dead, ref] = yield* spawnMonitorOnB(n.b, 'quick', { main })
              yield* within(Exit.downOf(ref), 'DOWN')
              const [nonTrapping, cref] = yield* Process.spawnMonitor(
                Effect.flatMap(Process.link(dead), () => Process.receive(t.literal('never')))
              )
              const down = yield* within(Exit.downOf(cref), 'DOWN')
              yield* Process.trapExit(true)
              yield* Process.link(dead)
              const got = yield* within(Exit.exitFrom(dead), 'EXIT')
              yield* Process.trapExit(false)
              return [nonTrapping !== dead, down.reason, got.reason]
            })
          )
          expect(r).toEqual([true, Exit.noproc, Exit.noproc])
        })
      )
    })

    describe('Process.exit(remotePid, reason)', () => {
      it(
        'normal is ignored by a non-trapping process, an EXIT message for a trapping one',
        withNodes(async (n) => {
          const r = await value(
            n,
            Effect.gen(function* () {
              const main = yield* Process.self
              const out: Array<unknown> = []
              for (const trap of [false, true]) {
                const [w, ref] = yield* spawnMonitorOnB(n.b, 'watcher', { main, trap })
                yield* within(t.literal('ready'), 'ready')
                yield* Process.exit(w, Exit.normal)
                out.push(trap ? yield* within(Got, 'EXIT') : yield* ping(w))
                yield* Process.exit(w, Exit.kill)
                out.push((yield* within(Exit.downOf(ref), 'DOWN')).reason)
              }
              return out
            })
          )
          const me = r as ReadonlyArray<unknown>
          expect(me[0]).toBe('pong')
          expect(me[1]).toEqual(Exit.killed)
          expect((me[2] as { reason: unknown }).reason).toEqual(Exit.normal)
          expect(me[3]).toEqual(Exit.killed)
        })
      )
      it(
        'kill ends it with killed, trapping or not; another reason kills a non-trapping one and is a message for a trapping one',
        withNodes(async (n) => {
          const r = await value(
            n,
            Effect.gen(function* () {
              const main = yield* Process.self
              const out: Array<unknown> = []
              for (const trap of [false, true]) {
                const [w, ref] = yield* spawnMonitorOnB(n.b, 'watcher', { main, trap })
                yield* within(t.literal('ready'), 'ready')
                yield* Process.exit(w, Exit.kill)
                out.push((yield* within(Exit.downOf(ref), 'DOWN')).reason)
                const [v, vref] = yield* spawnMonitorOnB(n.b, 'watcher', { main, trap })
                yield* within(t.literal('ready'), 'ready')
                yield* Process.exit(v, Exit.custom({ custom: 1 }))
                if (trap) {
                  const got = yield* within(Got, 'EXIT')
                  out.push([got.from === main, got.reason])
                  yield* Process.exit(v, Exit.kill)
                  yield* within(Exit.downOf(vref), 'DOWN')
                } else out.push((yield* within(Exit.downOf(vref), 'DOWN')).reason)
              }
              return out
            })
          )
          expect(r).toEqual([Exit.killed, Exit.custom({ custom: 1 }), Exit.killed, [true, Exit.custom({ custom: 1 })]])
        })
      )
    })

    describe('monitors', () => {
      it(
        'DOWN carries the reason; noproc for a process already gone or a name not registered; a monitor never kills',
        withNodes(async (n) => {
          const r = await value(
            n,
            Effect.gen(function* () {
              const main = yield* Process.self
              const [p, ref] = yield* spawnMonitorOnB(n.b, 'onGo', { main, body: 'fail' })
              yield* within(t.literal('ready'), 'ready')
              yield* Process.send(p, 'go')
              const d1 = yield* within(Exit.downOf(ref), 'DOWN')
              const again = yield* Process.monitor(p)
              const d2 = yield* within(Exit.downOf(again), 'DOWN')
              const byName = yield* Process.monitor(Node.name('nobody', n.b))
              const d3 = yield* within(Exit.downOf(byName), 'DOWN')
              yield* spawnOnB(n.b, 'named', { main })
              yield* within(t.literal('ready'), 'ready')
              const named = yield* Process.monitor(Node.name('named', n.b))
              const quiet = yield* nothing(Exit.downOf(named))
              return [d1.reason, d1.pid === p, d2.reason, d3.reason, d3.pid, quiet]
            })
          )
          expect(r).toEqual([Exit.failure('oops'), true, Exit.noproc, Exit.noproc, 'nobody', 'nothing'])
        })
      )
      it(
        'with a link and a monitor on one remote process, a trapping process gets the EXIT first, then the DOWN',
        withNodes(async (n) => {
          const r = await value(
            n,
            Effect.gen(function* () {
              const main = yield* Process.self
              yield* Process.trapExit(true)
              const p = yield* spawnLinkOnB(n.b, 'onGo', { main, body: 'custom' })
              const ref = yield* Process.monitor(p)
              yield* within(t.literal('ready'), 'ready')
              yield* Process.send(p, 'go')
              const first = yield* within(t.union([Exit.ExitSignal, Exit.Down]), 'EXIT or DOWN')
              const second = yield* within(t.union([Exit.ExitSignal, Exit.Down]), 'EXIT or DOWN')
              return [first._tag, second._tag, second._tag === 'DOWN' && second.ref === ref]
            })
          )
          expect(r).toEqual(['EXIT', 'DOWN', true])
        })
      )
    })

    describe('a lost node', () => {
      it(
        'every link gets noconnection (a trapping process as a message), every monitor one DOWN noconnection, after the messages sent before',
        withNodes(async (n) => {
          const r = await value(
            n,
            Effect.gen(function* () {
              const main = yield* Process.self
              const [nonTrapping, cref] = yield* Process.spawnMonitor(
                Effect.gen(function* () {
                  yield* spawnLinkOnB(n.b, 'watcher', { main, trap: false })
                  return yield* Process.receive(t.literal('never'))
                })
              )
              yield* within(t.literal('ready'), 'ready')
              yield* Process.trapExit(true)
              const w = yield* spawnLinkOnB(n.b, 'watcher', { main, trap: false })
              yield* within(t.literal('ready'), 'ready')
              const m1 = yield* Process.monitor(w)
              const m2 = yield* Process.monitor(w)
              yield* Node.monitor(n.b)
              yield* ping(w)
              yield* Effect.sync(() => n.lose())
              const seen: Array<string> = []
              for (let i = 0; i < 5; i++) {
                const m = yield* within(t.union([Exit.ExitSignal, Exit.Down, Node.NodeDown]), 'EXIT, DOWN or nodedown')
                seen.push(
                  m._tag === 'EXIT'
                    ? `EXIT ${m.from === w ? 'w' : '?'} ${Exit.format(m.reason)}`
                    : m._tag === 'DOWN'
                      ? `DOWN ${m.ref === m1 ? 'm1' : m.ref === m2 ? 'm2' : m.ref === cref ? 'child' : '?'} ${Exit.format(m.reason)}`
                      : `nodedown ${m.node}`
                )
              }
              const more = yield* nothing(t.union([Exit.ExitSignal, Exit.Down, Node.NodeDown]))
              return [[...seen].sort(), more, nonTrapping !== w]
            })
          )
          expect(r).toEqual([
            [
              'DOWN child :noconnection',
              'DOWN m1 :noconnection',
              'DOWN m2 :noconnection',
              'EXIT w :noconnection',
              `nodedown ${n.b}`
            ],
            'nothing',
            true
          ])
        })
      )
    })
  })
}
