/**
 * Programs in a real headless Chromium (one browser for the file), each bundled for the
 * browser by esbuild and reporting its result to the test:
 *
 * - timers, `AbortSignal`, `performance.now` and the virtual clock, the same as under Node;
 * - the deterministic examples (`TestRuntime.explore` finding the race, `TestKit`,
 *   `TestRuntime`, the supervised RxJS pipeline) give the same results as under Node;
 * - a supervised pool with a crashing worker, fed by DOM events through `fromEvent`;
 * - the browser example page (`examples/browser/`) runs its process world and shows it.
 */
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { haveBrowser } from './chromium.js'
import { decode, type Encoded } from './inspect.js'
import { session } from './page.js'
import { main as pingPong } from '../../examples/ping-pong.js'
import { main as rxPipeline, type RxPipelineResult } from '../../examples/rx-pipeline.js'
import { main as testingExplore } from '../../examples/testing-explore.js'
import { main as testingKit } from '../../examples/testing-kit.js'
import { main as testingRuntime } from '../../examples/testing-runtime.js'

const run = haveBrowser('programs in the browser')

/** An example's `main()`, run in the page: its result as Node's `util.inspect` shows it. */
const inPage = (file: string) => ({
  contents: [
    `import { encode } from './test/browser/inspect.ts'`,
    `import { main } from './examples/${file}.ts'`,
    `export const result = encode(await main())`
  ].join('\n')
})
const same = (r: unknown): unknown => r
const shown = (v: unknown): string => inspect(v, { depth: Infinity, sorted: true })

describe.runIf(run)('programs in the browser', () => {
  const s = session()

  it('timers, AbortSignal, performance.now and the virtual clock behave as under Node', async () => {
    const page = await s.run<Record<string, unknown>>('host', 'test/browser/pages/host.ts')
    const { result: node } = await import('./pages/host.js')
    const expected = {
      timers: { sleptAtLeast30: true, sleptUnder10s: true, got: 'kept' },
      timeout: { result: { _tag: 'None' }, aborted: true },
      virtualHour: 3_600_000,
      virtualHourTookUnder30s: true
    }
    expect(page).toEqual({ ...expected, macrotask: 'MessageChannel' })
    expect(node).toEqual({ ...expected, macrotask: 'setImmediate' })
  })

  /**
   * The examples, and what of their result may differ between two runs on real time: which
   * worker of `rx-pipeline` gets job 7 (and so is restarted) depends on timing.
   */
  const examples: ReadonlyArray<readonly [string, () => unknown, (r: unknown) => unknown]> = [
    ['testing-explore', testingExplore, same],
    ['testing-kit', testingKit, same],
    ['testing-runtime', testingRuntime, same],
    [
      'rx-pipeline',
      rxPipeline,
      (r) => ({ ...(r as object), workerStarts: (r as RxPipelineResult).workerStarts.length })
    ],
    ['ping-pong', pingPong, same]
  ]
  it.each(examples)('examples/%s.ts gives the same result in the page as under Node', async (file, main, timeless) => {
    const page = await s.run<Encoded>(file, inPage(file))
    const log = console.log
    console.log = () => {}
    try {
      expect(shown(timeless(decode(page)))).toBe(shown(timeless(await main())))
    } finally {
      console.log = log
    }
  })

  it('TestRuntime.explore finds the race in the page, with the schedule Node finds', async () => {
    const page = await s.run<Record<string, unknown>>('explore', 'test/browser/pages/explore.ts')
    const { result: node } = await import('./pages/explore.js')
    expect(page).toMatchObject({ found: true, fixPasses: true })
    expect(page['explanation']).not.toEqual([])
    expect(page).toEqual(node)
  })

  it('a supervised pool with a crashing worker answers every DOM event through an RxJS pipeline', async () => {
    const result = await s.run('pool', 'test/browser/pages/pool.ts')
    expect(result).toEqual({
      squares: Array.from({ length: 12 }, (_, i) => (i + 1) * (i + 1)),
      crashes: ['{:defect, %Error{message: "worker-1 dropped job 7"}}'],
      starts: ['worker-0', 'worker-1', 'worker-2', 'worker-1'],
      poolAlive: true,
      macrotask: 'MessageChannel'
    })
  })

  it('the example page (examples/browser) runs its process world and shows the output', async () => {
    const page = await s.page()
    try {
      await page.goto(`${s.served.url}/`)
      await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 })
      const out = await page.textContent('#out')
      const status = await page.$eval('#status', (e) => ({ ...(e as unknown as { dataset: object }).dataset }))
      expect(status).toEqual({ state: 'done', count: '9', restarts: '3' })
      expect(out).toContain('the run queue drains on MessageChannel')
      expect(out).toContain('worker: tick 8')
      expect(out).toContain('tick 9 is a multiple of 3')
      expect(out).toContain('counter: 9 ticks, worker restarted 3 times')
      expect(page.errors).toEqual([])
    } finally {
      await page.close()
    }
  })
})
