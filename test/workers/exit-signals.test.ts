/**
 * The exit-signal table (docs/exit-signals.md) again, with the two processes
 * on different nodes: one on the main thread, one in a worker thread. Each
 * row runs in both directions where the rule is about links.
 */
import * as t from 'io-ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Effect, Exit, Node, Process, Runtime } from '../../lib/index.js'
import { Transport } from '../../lib/node/index.js'
import { nothing, within } from '../support.js'
import { tsWorker } from './ts.js'

const { module, argv } = tsWorker(new URL('./fixtures/programs-node.ts', import.meta.url))

let rt: Runtime.Runtime
beforeAll(async () => {
  const workers = Transport.workers()
  rt = Runtime.make({ node: { name: 'main', transport: workers } })
  await workers.start(module, { name: 'w', argv })
})
afterAll(() => rt.shutdown())

type How = 'normal' | 'boom' | 'shutdown' | 'exit-kill' | 'killed'
const Ready = t.type({ _tag: t.literal('ready'), pid: Process.pid })
const Got = t.type({ _tag: t.literal('got'), msg: Exit.ExitSignal })
const Seen = t.type({ seen: t.string })

/** `:normal (returned undefined)` and `:normal` are the same row. */
const show = (r: Exit.Reason<unknown, unknown>): string => Exit.format(r).replace(/ \(returned .*\)$/, '')

/** What the receiver ended up with: `dies <reason>`, or `EXIT <reason>` and running. */
const outcome = async (program: Effect.Effect<unknown, string>): Promise<string> => {
  const r = await rt.run(program)
  if (r._tag !== 'Normal' || r.value === undefined) throw new Error(`main ended with ${Exit.format(r)}`)
  return r.value
}

/** How the dying side ends, on either node: 'killed' is exit(pid, kill) from a third process. */
const endingLocal = (how: How): Effect.Effect<unknown, unknown> =>
  how === 'normal'
    ? Effect.unit
    : how === 'boom'
      ? Process.exit(Exit.custom('boom'))
      : how === 'shutdown'
        ? Process.exit(Exit.shutdown)
        : how === 'exit-kill'
          ? Process.exit(Exit.kill)
          : Effect.never

/** The receiver (on main) links to a process on `w` that ends as `how`. */
const remoteDies = (how: How, trap: boolean) =>
  Effect.gen(function* () {
    const main = yield* Process.self
    const receiver = yield* Process.spawn(
      Effect.gen(function* () {
        yield* Process.trapExit(trap)
        const dying = yield* Node.spawnLink('w', 'ending', how === 'killed' ? 'park' : how)
        yield* Process.send(main, { _tag: 'ready', pid: dying })
        const msg = yield* within(Exit.ExitSignal)
        yield* Process.send(main, { seen: `EXIT ${show(msg.reason)}` })
        return yield* Effect.never
      })
    )
    const ref = yield* Process.monitor(receiver)
    const { pid: dying } = yield* within(Ready)
    if (how === 'killed') yield* Process.exit(dying, Exit.kill)
    else yield* Process.send(dying, 'go')
    return yield* report(ref)
  })

/** The receiver (on `w`, a probe that forwards what it gets) is linked to a process on main that ends as `how`. */
const localDies = (how: How, trap: boolean) =>
  Effect.gen(function* () {
    const main = yield* Process.self
    const probe = yield* Node.spawn('w', 'probe', { to: main, trap })
    yield* within(Ready)
    const ref = yield* Process.monitor(probe)
    const dying = yield* Process.spawn(
      Effect.gen(function* () {
        yield* Process.link(probe)
        yield* Process.send(main, 'linked')
        yield* Process.receive(t.literal('go'))
        return yield* endingLocal(how)
      })
    )
    yield* within(t.literal('linked'))
    if (how === 'killed') yield* Process.exit(dying, Exit.kill)
    else yield* Process.send(dying, 'go')
    return yield* reportProbe(ref, probe)
  })

/** `dies R` from the receiver's DOWN, or what it saw (and then still running: nothing more for a while). */
const report = (ref: Process.Ref) =>
  Process.receive(
    Process.on(Exit.downOf(ref), (d) => Effect.succeed(`dies ${show(d.reason)}`)),
    Process.on(Seen, (s) =>
      Effect.map(nothing(Exit.downOf(ref), 100), (more) =>
        more._tag === 'None' ? `${s.seen}, runs` : `${s.seen}, then dies`
      )
    ),
    Process.after(2000, () => Effect.succeed('runs, nothing seen'))
  )

const reportProbe = (ref: Process.Ref, probe: Process.Pid<unknown>) =>
  Process.receive(
    Process.on(Exit.downOf(ref), (d) => Effect.succeed(`dies ${show(d.reason)}`)),
    Process.on(Got, (g) =>
      Effect.map(nothing(Exit.downOf(ref), 100), (more) =>
        more._tag === 'None' ? `EXIT ${show(g.msg.reason)}, runs` : `EXIT ${show(g.msg.reason)}, then dies`
      )
    ),
    Process.after(2000, () => Effect.map(Process.exit(probe, Exit.kill), () => 'runs, nothing seen'))
  )

// reason carried by the link -> [not trapping, trapping]
const linkTable: ReadonlyArray<readonly [How, string, string]> = [
  ['normal', 'runs, nothing seen', 'EXIT :normal, runs'],
  ['killed', 'dies :killed', 'EXIT :killed, runs'],
  ['exit-kill', 'dies :kill', 'EXIT :kill, runs'],
  ['boom', 'dies :boom', 'EXIT :boom, runs'],
  ['shutdown', 'dies :shutdown', 'EXIT :shutdown, runs']
]

describe('exit signals through a link between nodes (worker transport)', () => {
  describe.each(linkTable)('the linked process ends with %s', (how, notTrapping, trapping) => {
    it(`on the worker: a receiver on main not trapping: ${notTrapping}`, async () => {
      expect(await outcome(remoteDies(how, false))).toBe(notTrapping)
    })
    it(`on the worker: a receiver on main trapping: ${trapping}`, async () => {
      expect(await outcome(remoteDies(how, true))).toBe(trapping)
    })
    it(`on main: a receiver on the worker not trapping: ${notTrapping}`, async () => {
      expect(await outcome(localDies(how, false))).toBe(notTrapping)
    })
    it(`on main: a receiver on the worker trapping: ${trapping}`, async () => {
      expect(await outcome(localDies(how, true))).toBe(trapping)
    })
  })

  it('linking to a dead remote pid returns, then a noproc signal: a non-trapping caller dies with noproc, a trapping one gets EXIT noproc', async () => {
    const linkDead = (trap: boolean) =>
      Effect.gen(function* () {
        const main = yield* Process.self
        const dead = yield* Node.spawn('w', 'ending', 'normal')
        const ref0 = yield* Process.monitor(dead)
        yield* Process.send(dead, 'go')
        yield* within(Exit.downOf(ref0))
        const receiver = yield* Process.spawn(
          Effect.gen(function* () {
            yield* Process.trapExit(trap)
            yield* Process.link(dead)
            const msg = yield* within(Exit.ExitSignal)
            yield* Process.send(main, { seen: `EXIT ${show(msg.reason)}` })
            return yield* Effect.never
          })
        )
        return yield* report(yield* Process.monitor(receiver))
      })
    expect(await outcome(linkDead(false))).toBe('dies :noproc')
    expect(await outcome(linkDead(true))).toBe('EXIT :noproc, runs')
  })
})

// exit(target, reason) sent from main to a process on the worker -> [not trapping, trapping]
const exitTable: ReadonlyArray<readonly [string, Exit.Reason<never, never>, string, string]> = [
  ['normal', Exit.normal as Exit.Reason<never, never>, 'runs, nothing seen', 'EXIT :normal, runs'],
  ['kill', Exit.kill as Exit.Reason<never, never>, 'dies :killed', 'dies :killed'],
  ['boom', Exit.custom('boom') as Exit.Reason<never, never>, 'dies :boom', 'EXIT :boom, runs'],
  ['shutdown', Exit.shutdown as Exit.Reason<never, never>, 'dies :shutdown', 'EXIT :shutdown, runs']
]

describe('exit(remote pid, reason) sent across nodes (worker transport)', () => {
  it.each(exitTable)('exit(remote, %s) as the exit-signal table says', async (_name, reason, notTrapping, trapping) => {
    const send = (trap: boolean) =>
      Effect.gen(function* () {
        const main = yield* Process.self
        const probe = yield* Node.spawn('w', 'probe', { to: main, trap })
        yield* within(Ready)
        const ref = yield* Process.monitor(probe)
        yield* Process.exit(probe, reason)
        return yield* reportProbe(ref, probe)
      })
    expect(await outcome(send(false))).toBe(notTrapping)
    expect(await outcome(send(true))).toBe(trapping)
  })

  it('the EXIT a trapping remote target gets names the sender on main', async () => {
    const out = await outcome(
      Effect.gen(function* () {
        const main = yield* Process.self
        const probe = yield* Node.spawn('w', 'probe', { to: main, trap: true })
        yield* within(Ready)
        yield* Process.exit(probe, Exit.custom('boom'))
        const got = yield* within(Got)
        yield* Process.exit(probe, Exit.kill)
        return got.msg.from === main ? 'from main' : 'from someone else'
      })
    )
    expect(out).toBe('from main')
  })
})

describe('monitors across nodes (worker transport)', () => {
  it('a DOWN carries the remote reason; a dead remote pid gives noproc; a monitor never kills', async () => {
    const out = await outcome(
      Effect.gen(function* () {
        const reasons: Array<string> = []
        for (const how of ['normal', 'boom', 'shutdown', 'exit-kill'] as const) {
          const p = yield* Node.spawn('w', 'ending', how)
          const ref = yield* Process.monitor(p)
          yield* Process.send(p, 'go')
          reasons.push(show((yield* within(Exit.downOf(ref))).reason))
          const again = yield* Process.monitor(p)
          reasons.push(show((yield* within(Exit.downOf(again))).reason))
        }
        return reasons.join(' ')
      })
    )
    expect(out).toBe(':normal :noproc :boom :noproc :shutdown :noproc :kill :noproc')
  })
})
