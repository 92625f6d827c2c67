/**
 * Processes on a Web Worker node, in a real headless Chromium: the page's node and a worker's
 * node joined by the port transport (`Port.hub()` in the page, `Port.peer(self)` in the
 * worker); a CPU-bound program spawned on the worker answers; terminating the worker gives
 * the page's link `noconnection`, its monitor a DOWN `noconnection` and its node monitor a
 * `nodedown`, once each.
 */
import { describe, expect, it } from 'vitest'
import { haveBrowser } from './chromium.js'
import { bundle, session } from './page.js'

const run = haveBrowser('Web Worker nodes')

describe.runIf(run)('a node in a Web Worker', () => {
  const s = session()

  it('runs spawned processes, and is noconnection for the page when the worker is terminated', async () => {
    s.served.put('/run/worker-node-worker.js', await bundle('test/browser/pages/worker-node-worker.ts'))
    const result = await s.run('worker-node', 'test/browser/pages/worker-node.ts')
    expect(result).toEqual({
      joined: 'cpu',
      run: {
        onCpu: ['cpu', 'cpu', 'cpu'],
        answer: { below: 1_000_000, count: 78_498, node: 'cpu' },
        signal: { fromLinked: true, reason: ':noconnection', noconnection: true },
        down: { ref: true, reason: ':noconnection' },
        nodedown: { _tag: 'nodedown', node: 'cpu' },
        more: 'nothing more'
      },
      memberDown: 'terminated'
    })
  })
})
