/**
 * When a transport delivers mail, a host runtime runs the processes it made
 * ready inside that same callback (one bounded batch), and hands their
 * replies to the transport and flushes it before the callback returns: no
 * scheduler turn between a message's arrival and its answer. The test
 * runtime does not: its seeded scheduler alone decides when processes run.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { Effect, Process, Runtime, TestRuntime, type Transport } from '../../lib/index.js'

/** A transport that records what the node hands it, and lets the test deliver. */
const recording = () => {
  const log: Array<string> = []
  let endpoint: Transport.Endpoint | undefined
  const transport: Transport.Transport = {
    kind: 'recording',
    attach: (e) => {
      endpoint = e
      return {
        connect: async () => true,
        send: (node, batch) => void log.push(`send ${node} ${JSON.stringify(batch)}`),
        flush: () => void log.push('flush'),
        close: async () => undefined
      }
    }
  }
  const deliver = (): void => {
    const e = endpoint!
    e.up({ name: 'b', creation: 7 })
    e.receive({ name: 'b', creation: 7 }, [
      { _tag: 'sendName', from: null, name: 'echo', message: { from: { $: 'pid', n: 'b', c: 7, i: 3 }, n: 41 } }
    ])
  }
  return { transport, log, deliver }
}

const echo = Effect.forever(
  Process.receive(Process.on(t.type({ from: Process.pid, n: t.number }), (m) => Process.send(m.from, m.n + 1)))
)

const reply = `send b ${JSON.stringify([{ _tag: 'send', to: { node: 'b', creation: 7, id: 3 }, message: 42 }])}`

describe('delivery from another node', () => {
  it('Runtime: the reply is sent and flushed within the callback that delivered the message', async () => {
    const { transport, log, deliver } = recording()
    const rt = Runtime.make({ node: { name: 'a', transport, creation: 1 } })
    rt.spawn(echo, { name: 'echo' })
    await new Promise((resolve) => setTimeout(resolve, 0)) // echo waits in receive
    deliver()
    expect(log).toEqual([reply, 'flush'])
    await rt.shutdown()
  })

  it('TestRuntime: the reply waits for the scheduler', async () => {
    const { transport, log, deliver } = recording()
    const rt = TestRuntime.make({ seed: 1, node: { name: 'a', transport, creation: 1 } })
    rt.spawn(echo, { name: 'echo' })
    rt.runUntilIdle()
    deliver()
    expect(log).toEqual([])
    rt.runUntilIdle()
    expect(log).toEqual([reply, 'flush'])
    await rt.shutdown()
  })
})
