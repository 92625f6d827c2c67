/**
 * The path a page takes with Web Workers, without Node APIs: two runtimes
 * joined by `Port.hub()` and `Port.peer(port)` over a `MessageChannel` (here
 * both in one thread; in a page the peer's port is the worker's `self`).
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { Effect, Exit, Node, Port, Process, Runtime } from '../../lib/index.js'
import { within } from '../support.js'

const square = Node.program(t.type({ n: t.number, to: Process.pid }), ({ n, to }) => Process.send(to, n * n))
const parked = Node.program(t.null, () => Effect.never)

describe('Port.hub / Port.peer with runtimes (the Web Worker path)', () => {
  it('spawn by name and messages through the hub; the lost port is noconnection for its watchers', async () => {
    const { port1, port2 } = new MessageChannel()
    const hub = Port.hub()
    const page = Runtime.make({ node: { name: 'page', transport: hub } })
    const member = hub.adopt(port1)
    const transport = Port.peer(port2)
    const worker = Runtime.make({ node: { name: 'worker', transport, programs: { square, parked } } })
    expect((await member.joined).name).toBe('worker')
    const r = await page.run(
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Node.spawn('worker', 'square', { n: 12, to: me })
        const squared = yield* within(t.number)
        const p = yield* Node.spawn('worker', 'parked', null)
        const ref = yield* Process.monitor(p)
        // what a page does after worker.terminate()
        yield* Effect.sync(() => member.lost('terminated'))
        const down = yield* within(Exit.downOf(ref))
        return { squared, down: Exit.format(down.reason), list: yield* Node.list }
      })
    )
    expect(r).toEqual({ _tag: 'Normal', value: { squared: 144, down: ':noconnection', list: [] } })
    expect(await member.down).toBe('terminated')
    await Promise.all([page.shutdown(), worker.shutdown()])
    port1.close()
  })
})
