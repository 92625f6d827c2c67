import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { main as keyValStoreAgent } from '../examples/key-val-store-agent.js'
import { main as parallelMap } from '../examples/parallel-map.js'
import { main as supervisionTree } from '../examples/supervision-tree.js'

describe('OTP examples', () => {
  // The examples print as they go: capture it (and keep the test output quiet).
  let lines: Array<string> = []
  beforeEach(() => {
    lines = []
    vi.spyOn(console, 'log').mockImplementation((...args: ReadonlyArray<unknown>) => {
      lines.push(args.map(String).join(' '))
    })
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('key-val-store-agent: the seed KeyValStore as an Agent', async () => {
    expect(await keyValStoreAgent()).toEqual({
      reads: [
        ['apples', 3],
        ['pears', 5],
        ['apples', 4],
        ['plums', null],
        ['plums', 7],
        ['pears', 5]
      ],
      keys: ['apples', 'plums'],
      storeExit: ':normal'
    })
    expect(lines).toContain('  cast plums = 7')
    expect(lines).toContain('  store stopped: :normal')
  })

  it('supervision-tree: survives a throwing worker and a killed counter, and says what restarted', async () => {
    expect(await supervisionTree()).toEqual({
      before: [1, 4, 9, 16, 25, 36],
      countBefore: 6,
      explosion: '{{:defect, %Error{message: "worker-2 exploded"}}, {GenServer.call, 3 args}}',
      after: [49, 64, 81],
      countAfter: 3,
      starts: ['counter', 'pool/worker-1', 'pool/worker-2', 'pool/worker-3', 'pool', 'pool/worker-2', 'counter'],
      appChildren: ['pool', 'counter']
    })
    expect(lines.filter((l) => l.startsWith('  restarted '))).toEqual([
      expect.stringMatching(/^ {2}restarted pool\/worker-2 as #PID<0\.\d+\.0>$/),
      expect.stringMatching(/^ {2}restarted counter as #PID<0\.\d+\.0>$/)
    ])
    expect(lines).toContain('  the counter was killed: :killed')
    expect(lines).toContain('  restarted: pool/worker-2, counter')
  })

  it('parallel-map: results in input order, at most 4 at once, a timeout killed or named', async () => {
    expect(await parallelMap()).toEqual({
      sizes: [20, 20, 20, 20, 20, 20, 20, 20, 20, 21, 21, 21],
      peak: 4,
      withKill: ['ok 15', 'exit :timeout', 'ok 16'],
      withExit: '{:timeout, {Task.asyncStream, 2 args}}'
    })
    expect(lines).toContain("  with onTimeout 'exit': :timeout on /slow")
  })
})
