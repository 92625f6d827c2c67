import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { main as rxPipeline } from '../examples/rx-pipeline.js'

describe('Rx examples', () => {
  // The example prints as it goes: capture it (and keep the test output quiet).
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

  it('rx-pipeline: every job answered, in order, by the supervised pool; the crashed job re-dispatched', async () => {
    const failed = '{:defect, %Error{message: "job 7 failed"}}'
    expect(await rxPipeline()).toEqual({
      results: [1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144],
      redispatched: [7],
      workerStarts: ['worker-1', 'worker-2', 'worker-3', expect.stringMatching(/^worker-[123]$/)],
      why: [`worker died (${failed}): link from job 7, which died (${failed}): it threw`]
    })
    expect(lines.filter((l) => l.startsWith('  answer: '))).toEqual(
      [1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144].map((n) => `  answer: ${n}`)
    )
    expect(lines.filter((l) => l.startsWith('  exit: '))).toEqual([
      `  exit: job 7 ${failed} (threw)`,
      expect.stringMatching(
        /^ {2}exit: worker \{:defect, %Error\{message: "job 7 failed"\}\} \(link from #PID<0\.\d+\.0>\)$/
      )
    ])
    expect(lines).toContain('  the pool puts job 7 back in the queue: its worker died')
    expect(lines).toContain('  all 12 answers, in order: 1 4 9 16 25 36 49 64 81 100 121 144')
  })
})
