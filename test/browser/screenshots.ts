/**
 * The README's screenshots, from real runs (`npm run screenshots`): the
 * observer on the example world of `npm run observer`, and the trace viewer
 * on the lost update `explore` finds in `examples/testing-explore.ts`.
 * Writes `docs/images/observer.png` and `docs/images/trace-viewer.png`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Runtime, TestRuntime } from '../../lib/index.js'
import * as Observer from '../../lib/observer/index.js'
import { world } from '../../examples/observer.js'
import { buggy, countsTwo } from '../../examples/testing-explore.js'
import { launch } from './chromium.js'

const out = join(import.meta.dirname, '..', '..', 'docs', 'images')
const sleep = (ms: number) => new Promise((k) => setTimeout(k, ms))

const main = async (): Promise<void> => {
  mkdirSync(out, { recursive: true })
  const browser = await launch()
  try {
    // the live page: the example world, running for a few seconds
    const rt = Runtime.make()
    const obs = await Observer.serve(rt, { allowExit: true, title: 'example world', log: () => {} })
    rt.spawn(Effect.flatMap(world(250), () => Effect.never))
    await sleep(4000)
    const page = await browser.newPage({ viewport: { width: 1400, height: 820 }, deviceScaleFactor: 1 })
    await page.goto(`${obs.url}?token=${obs.token}`)
    await page.waitForSelector('#conn.live')
    await page.waitForSelector('#dead li')
    await page.click('#tree .row:has(.name:text-is("pool"))')
    await page.waitForSelector('#detail dl')
    await sleep(600)
    await page.screenshot({ path: join(out, 'observer.png') })
    await obs.close()
    await rt.shutdown()

    // the trace viewer: the lost update explore finds, from the file it wrote
    const dir = mkdtempSync(join(tmpdir(), 'screenshots-'))
    const file = join(dir, 'lost-update.html')
    const found = TestRuntime.explore(buggy, {
      runs: 1000,
      seed: 1,
      check: countsTwo,
      onFailure: Observer.writeTrace(file)
    })
    if (O.isNone(found)) throw new Error('explore found no lost update')
    const viewer = await browser.newPage({ viewport: { width: 1200, height: 980 }, deviceScaleFactor: 1 })
    await viewer.goto(pathToFileURL(file).href)
    await viewer.waitForSelector('svg .ev')
    // step back to the second Put: both clients write 1, the lost update
    const steps = await viewer.$$eval('svg .ev', (gs) => gs.length)
    const target = await viewer.$$eval('svg .ev', (gs) => {
      const titles = gs.map((g) => g.querySelector('title')?.textContent ?? '')
      for (let i = titles.length - 1; i >= 0; i--) if (titles[i]?.startsWith('Send: {_tag: "Put"') === true) return i
      return titles.length - 1
    })
    for (let i = steps - 1; i > target; i--) await viewer.keyboard.press('ArrowLeft')
    await viewer.screenshot({ path: join(out, 'trace-viewer.png') })
    rmSync(dir, { recursive: true, force: true })
    console.log(`wrote ${join(out, 'observer.png')} and ${join(out, 'trace-viewer.png')}`)
  } finally {
    await browser.close()
  }
}

await main()
