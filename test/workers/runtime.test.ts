/**
 * Nodes in worker threads with real runtimes on both sides: spawn by program
 * name, send, names, links and monitors across a thread; a thread that ends
 * any way gives every watcher `noconnection` exactly once, after what it sent.
 */
import * as t from 'io-ts'
import { afterEach, describe, expect, it } from 'vitest'
import { Effect, Exit, Node, Process, Runtime } from '../../lib/index.js'
import * as O from 'fp-ts/lib/Option.js'
import { Transport } from '../../lib/node/index.js'
import { drain, nothing, within } from '../support.js'
import { tsWorker } from './ts.js'

const { module, argv } = tsWorker(new URL('./fixtures/programs-node.ts', import.meta.url))

let runtimes: Array<Runtime.Runtime> = []
afterEach(async () => {
  await Promise.all(runtimes.map((rt) => rt.shutdown()))
  runtimes = []
})

/** The main thread's node `main` and worker nodes `w1`, ... */
const cluster = async (...names: ReadonlyArray<string>) => {
  const workers = Transport.workers()
  const rt = Runtime.make({ node: { name: 'main', transport: workers } })
  runtimes.push(rt)
  const nodes = await Promise.all(names.map((name) => workers.start(module, { name, argv })))
  return { workers, rt, nodes }
}

const run = async <A>(rt: Runtime.Runtime, program: Effect.Effect<unknown, A>): Promise<A> => {
  const r = await rt.run(program)
  if (r._tag !== 'Normal') throw new Error(`main ended with ${Exit.format(r)}`)
  return r.value as A
}

const Ready = t.type({ _tag: t.literal('ready'), pid: Process.pid })
const Got = t.type({ _tag: t.literal('got'), msg: t.unknown })

describe('nodes in worker threads', () => {
  it('spawn by name on a worker, send both ways in order, pids come back equal, names reach', async () => {
    const { rt } = await cluster('w1')
    const out = await run(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        const echo = yield* Node.spawn('w1', 'echo', null)
        for (let i = 0; i < 500; i++) yield* Process.send(echo, { from: me, body: i })
        const got: Array<number> = []
        for (let i = 0; i < 500; i++) got.push(yield* within(t.number))
        yield* Process.send(echo, { from: me, body: { me, echo } })
        const back = yield* within(t.type({ me: Process.pid, echo: Process.pid }))
        yield* Process.send(Node.name('echo', 'w1'), { from: me, body: 'by name' })
        const byName = yield* within(t.literal('by name'))
        return { node: Node.of(echo), got, same: back.me === me && back.echo === echo, byName, list: yield* Node.list }
      })
    )
    expect(out).toEqual({
      node: 'w1',
      got: Array.from({ length: 500 }, (_, i) => i),
      same: true,
      byName: 'by name',
      list: ['w1']
    })
  })

  it('an unknown program or rejected arguments fail the spawn clearly', async () => {
    const { rt } = await cluster('w1')
    const out = await run(
      rt,
      Effect.gen(function* () {
        const none = yield* Effect.either(Node.spawn('w1', 'nope', null))
        const bad = yield* Effect.either(Node.spawn('w1', 'ending', 'sideways'))
        return [none, bad].map((e) => (e._tag === 'Left' ? e.left.reason : 'spawned'))
      })
    )
    expect(out).toEqual(['noprogram', 'badargs'])
  })

  it('links and monitors across a thread carry the exit reason; a remote normal exit is ignored', async () => {
    const { rt } = await cluster('w1')
    const out = await run(
      rt,
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const boom = yield* Node.spawnLink('w1', 'ending', 'boom')
        const ref = yield* Process.monitor(boom)
        yield* Process.send(boom, 'go')
        const exit = yield* within(Exit.ExitSignal)
        const down = yield* within(Exit.downOf(ref))
        yield* Process.trapExit(false)
        const normal = yield* Node.spawnLink('w1', 'ending', 'normal')
        const ref2 = yield* Process.monitor(normal)
        yield* Process.send(normal, 'go')
        const down2 = yield* within(Exit.downOf(ref2))
        return {
          exit: [exit.from === boom, Exit.format(exit.reason)],
          down: Exit.format(down.reason),
          down2: Exit.format(down2.reason)
        }
      })
    )
    expect(out).toEqual({ exit: [true, ':boom'], down: ':boom', down2: ':normal (returned undefined)' })
  })

  it('exit(remote, kill) ends a remote trapping process with killed', async () => {
    const { rt } = await cluster('w1')
    const out = await run(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        const p = yield* Node.spawn('w1', 'probe', { to: me, trap: true })
        yield* within(Ready)
        const ref = yield* Process.monitor(p)
        yield* Process.exit(p, Exit.custom('nudge'))
        const got = yield* within(Got)
        yield* Process.exit(p, Exit.kill)
        const down = yield* within(Exit.downOf(ref))
        return { got: got.msg, down: Exit.format(down.reason) }
      })
    )
    expect(out.got).toMatchObject({ _tag: 'EXIT', reason: Exit.custom('nudge') })
    expect(out.down).toBe(':killed')
  })

  const losses = ['throw', 'exit', 'terminate'] as const
  for (const how of losses) {
    it(`a thread that ends (${how}) gives every watcher noconnection once, after its last messages`, async () => {
      const { rt, nodes } = await cluster('w1')
      const w1 = nodes[0]!
      const out = await run(
        rt,
        Effect.gen(function* () {
          const me = yield* Process.self
          yield* Node.monitor('w1')
          const p = yield* Node.spawn('w1', 'echo', null)
          const ref1 = yield* Process.monitor(p)
          const ref2 = yield* Process.monitor(p)
          const linked = yield* Process.spawn(
            Effect.gen(function* () {
              yield* Process.trapExit(true)
              yield* Process.link(p)
              yield* Process.send(me, 'linked')
              const exit = yield* within(Exit.ExitSignal)
              const more = yield* nothing(Exit.ExitSignal, 300)
              yield* Process.send(me, { linked: Exit.format(exit.reason), more: more._tag })
            })
          )
          const dies = yield* Process.spawn(Effect.flatMap(Process.link(p), () => Effect.never))
          const diesRef = yield* Process.monitor(dies)
          yield* within(t.literal('linked'))
          if (how === 'terminate') {
            yield* Process.send(p, { from: me, body: 'last' })
            yield* within(t.literal('last'))
            yield* Effect.fromTask(() => w1.terminate())
          } else {
            yield* Node.spawn('w1', 'burstThenCrash', { to: me, count: 100, how })
          }
          const downs = [yield* within(Exit.downOf(ref1)), yield* within(Exit.downOf(ref2))]
          const linkedSaw = yield* within(t.type({ linked: t.string, more: t.string }))
          const diesDown = yield* within(Exit.downOf(diesRef))
          const rest = yield* drain
          void linked
          return {
            downs: downs.map((d) => Exit.format(d.reason)),
            linkedSaw,
            dies: Exit.format(diesDown.reason),
            rest,
            list: yield* Node.list
          }
        })
      )
      // the burst arrives whole, before the DOWNs; then one nodedown and nothing more
      const burst = how === 'terminate' ? [] : Array.from({ length: 100 }, (_, i) => i)
      expect(out).toEqual({
        downs: [':noconnection', ':noconnection'],
        linkedSaw: { linked: ':noconnection', more: 'None' },
        dies: ':noconnection',
        rest: [...burst, { _tag: 'nodedown', node: 'w1' }],
        list: []
      })
    })
  }

  it('the burst a thread sent before it crashed arrives before the DOWN', async () => {
    const { rt } = await cluster('w1')
    const out = await run(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        const p = yield* Node.spawn('w1', 'echo', null)
        const ref = yield* Process.monitor(p)
        yield* Node.spawn('w1', 'burstThenCrash', { to: me, count: 1000, how: 'throw' })
        const seen: Array<unknown> = []
        for (;;) {
          const m = yield* within(t.union([t.number, Exit.downOf(ref)]))
          if (typeof m !== 'number') return { seen: seen.length, reason: Exit.format(m.reason) }
          seen.push(m)
        }
      })
    )
    expect(out).toEqual({ seen: 1000, reason: ':noconnection' })
  })

  it('two workers: a process on one links to a process on the other through the main thread', async () => {
    const { rt } = await cluster('w1', 'w2')
    const out = await run(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        const probe = yield* Node.spawn('w2', 'probe', { to: me, trap: true })
        yield* within(Ready)
        const linker = yield* Node.spawn('w1', 'linkTo', { target: probe, how: 'boom' })
        yield* Effect.sleep(100)
        yield* Process.send(linker, 'go')
        const got = yield* within(Got)
        return got.msg as { readonly _tag: string; readonly from: unknown; readonly reason: unknown }
      })
    )
    expect(out._tag).toBe('EXIT')
    expect(Node.of(out.from as Process.Pid<unknown>)).toBe('w1')
    expect(out.reason).toEqual(Exit.custom('boom'))
  })

  it("a spawn's reply is not held by the spawned process's work (jobs on two threads run at once)", async () => {
    const { rt } = await cluster('w1')
    const out = await run(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        // about 0.3 s of square roots: the pid comes back first, the sum when it is done
        yield* Node.spawn('w1', 'work', { to: me, n: 1e8 })
        const early = yield* nothing(t.number, 0)
        const sum = yield* within(t.number, 10_000)
        return { early: O.isNone(early), sum: sum > 0 }
      })
    )
    expect(out).toEqual({ early: true, sum: true })
  })

  it('rt.shutdown stops the worker threads: each exits by itself', async () => {
    const { rt, nodes } = await cluster('w1', 'w2')
    await rt.shutdown()
    expect(await Promise.all(nodes.map((n) => n.exited))).toEqual([0, 0])
    expect(await Promise.all(nodes.map((n) => n.down))).toEqual(['stopped', 'stopped'])
  })
})
