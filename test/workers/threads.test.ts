/**
 * The worker-thread transport with recording endpoints: real threads, each
 * way a thread can end, and batching.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Transport } from '../../lib/node/index.js'
import { fake, mail, messages, type Fake } from './fake.js'

import { tsWorker } from './ts.js'

const { module: echoNode, argv } = tsWorker(new URL('./fixtures/echo-node.ts', import.meta.url))

let cleanup: Array<() => Promise<unknown>> = []
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()))
  cleanup = []
})

const mainNode = () => {
  const workers = Transport.workers()
  const main = fake(workers, 'main')
  cleanup.push(() => main.connection.close())
  return { workers, main }
}

const downs = (node: Fake, name: string) => node.log.filter((l) => l.startsWith(`down ${name} `))

describe('Transport.workers (worker threads)', () => {
  it('a thread joins under its name; batches cross both ways in order, batched per drain', async () => {
    const { workers, main } = mainNode()
    const w1 = await workers.start(echoNode, { name: 'w1', argv })
    expect(w1.node.name).toBe('w1')
    await main.until((log) => log.includes('up w1'))
    const before = workers.stats()
    for (let i = 0; i < 50; i++) main.connection.send('w1', [mail(w1.node, 1, i)])
    await main.until(() => messages(main.received).length === 50)
    expect(messages(main.received)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    const after = workers.stats()
    // 50 envelopes went out in one post, and came back in fewer posts than messages
    expect(after.posts - before.posts).toBe(1)
    expect(after.sent - before.sent).toBe(50)
    expect(after.received - before.received).toBeLessThan(50)
    expect(after.delivered - before.delivered).toBe(50)
  })

  it('two threads talk through the main thread', async () => {
    const { workers, main } = mainNode()
    const [w1, w2] = await Promise.all([
      workers.start(echoNode, { name: 'w1', argv }),
      workers.start(echoNode, { name: 'w2', argv })
    ])
    expect(
      workers
        .nodes()
        .map((n) => n.name)
        .sort()
    ).toEqual(['main', 'w1', 'w2'])
    expect(workers.workers()).toHaveLength(2)
    // w1 sends to w2 and w2 answers w1, both through the hub; w1 then tells main
    main.connection.send('w1', [mail(w1.node, 1, 'to:w2:a'), mail(w1.node, 1, 'to:w2:b')])
    main.connection.send('w2', [mail(w2.node, 1, 'to:w1:c')])
    await main.until(() => messages(main.received).length === 3)
    expect(messages(main.received).sort()).toEqual(['w1 echo:c', 'w2 echo:a', 'w2 echo:b'])
    expect(messages(main.received).filter((m) => String(m).startsWith('w2'))).toEqual(['w2 echo:a', 'w2 echo:b'])
  })

  const endings = [
    { how: 'throws in a callback', message: 'throw', why: 'threw: boom' },
    { how: 'calls process.exit', message: 'exit', why: 'exited with code 3' }
  ] as const
  for (const { how, message, why } of endings) {
    it(`a thread that ${how} is down once, after everything it posted`, async () => {
      const { workers, main } = mainNode()
      const w1 = await workers.start(echoNode, { name: 'w1', argv })
      main.connection.send('w1', [mail(w1.node, 1, 'before'), mail(w1.node, 1, message)])
      expect(await w1.down).toBe(why)
      await main.until((log) => log.includes(`down w1 ${why}`))
      expect(messages(main.received)).toEqual(['before', message])
      expect(main.log.filter((l) => l.includes('w1'))).toEqual(['up w1', 'receive w1 2', `down w1 ${why}`])
      expect(await main.connection.connect('w1')).toBe(false)
    })
  }

  it('a thread that posts and exits while the main thread is busy: all it posted, then down once', async () => {
    const { workers, main } = mainNode()
    const w1 = await workers.start(echoNode, { name: 'w1', argv, workerData: { end: 'burst-exit' } })
    // blocked while the thread posts 500 batches and exits: Node may report its exit before the batches
    const until = Date.now() + 400
    while (Date.now() < until);
    expect(await w1.down).toBe('exited with code 3')
    await main.until((log) => log.includes('down w1 exited with code 3'))
    expect(messages(main.received)).toEqual(Array.from({ length: 500 }, (_, i) => i))
    expect(main.log.at(-1)).toBe('down w1 exited with code 3')
    expect(downs(main, 'w1')).toHaveLength(1)
  })

  it('a thread that throws at top level after joining: its batches, then down once', async () => {
    const { workers, main } = mainNode()
    const w1 = await workers.start(echoNode, { name: 'w1', argv, workerData: { end: 'top-level' } })
    expect(await w1.down).toBe('threw: top level')
    await main.until((log) => log.includes('down w1 threw: top level'))
    expect(messages(main.received)).toEqual(['one', 'two', 'three'])
    expect(downs(main, 'w1')).toHaveLength(1)
  })

  it('a terminated thread is down once with terminated; every node hears it', async () => {
    const { workers, main } = mainNode()
    const [w1, w2] = await Promise.all([
      workers.start(echoNode, { name: 'w1', argv }),
      workers.start(echoNode, { name: 'w2', argv })
    ])
    expect(await w1.terminate()).toBe(1)
    expect(await w1.down).toBe('terminated')
    await main.until((log) => log.includes('down w1 terminated'))
    expect(downs(main, 'w1')).toEqual(['down w1 terminated'])
    expect(
      workers
        .nodes()
        .map((n) => n.name)
        .sort()
    ).toEqual(['main', 'w2'])
    expect(w2.thread.threadId).toBeGreaterThan(0)
  })

  it('a module that throws before joining fails start with its error; a duplicate name is refused', async () => {
    const { workers } = mainNode()
    await expect(workers.start(echoNode, { name: 'bad', argv, workerData: { end: 'before-join' } })).rejects.toThrow(
      'the node was lost before it joined: threw: broken module'
    )
    await workers.start(echoNode, { name: 'w1', argv })
    await expect(workers.start(echoNode, { name: 'w1', argv })).rejects.toThrow('a node named w1 is already up')
    await expect(workers.start(echoNode, { name: '', argv })).rejects.toThrow('options.name must be a non-empty string')
  })

  it('stop: the node says bye (down with stopped) and the thread exits by itself', async () => {
    const { workers, main } = mainNode()
    const w1 = await workers.start(echoNode, { name: 'w1', argv })
    expect(await w1.stop()).toBe(0)
    expect(await w1.down).toBe('stopped')
    await main.until((log) => log.includes('down w1 stopped'))
    expect(workers.workers()).toEqual([])
  })

  it('closing the main node stops every thread', async () => {
    const { workers, main } = mainNode()
    const threads = await Promise.all([
      workers.start(echoNode, { name: 'w1', argv }),
      workers.start(echoNode, { name: 'w2', argv })
    ])
    await main.connection.close()
    expect(await Promise.all(threads.map((t) => t.exited))).toEqual([0, 0])
    expect(workers.workers()).toEqual([])
  })
})
