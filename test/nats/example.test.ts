/**
 * examples/cluster.ts on the run's nats-server: three nodes (this process and
 * two child processes), one killed midway, every job done exactly once.
 */
import { expect, it } from 'vitest'
import { main } from '../../examples/cluster.js'
import { describeNats, natsUrl } from './support.js'

describeNats('examples/cluster.ts (needs nats-server)', () => {
  it('a node killed midway: its workers restart on the other, all 40 jobs done once', async () => {
    const r = await main(natsUrl)
    expect(r.jobs).toBe(40)
    expect(r.doneOnce).toBe(true)
    expect(r.killedAfter).toBeGreaterThanOrEqual(10)
    expect(r.restartedOn).toEqual(['w1', 'w1'])
  })
})
