/**
 * The README in a real headless Chromium: every runnable ```ts block that does not import a
 * Node-only entry point (the observer) is bundled for the browser and run in its own page,
 * and prints there exactly what the README shows (the page's `console.log` arguments are
 * formatted as Node formats them, see `inspect.ts`).
 */
import { describe, expect, it } from 'vitest'
import { markdownBlocks } from '../docs/blocks.js'
import { haveBrowser } from './chromium.js'
import { bundleMany } from '../../examples/browser/serve.js'
import { importing, printed, session } from './page.js'

const run = haveBrowser('README in the browser')

/** Blocks that need Node: they import a Node-only entry point or a Node built-in. */
const nodeOnly = (code: string): boolean => /from '(fp-ts-actors\/(observer|node|nats)|node:[a-z_/]+)'/.test(code)

/** `README.md:38` -> `README-md-38` */
const nameOf = (where: string): string => where.replace(/[^a-z0-9]+/gi, '-')

const blocks = markdownBlocks('README.md').filter((b) => b.run && !nodeOnly(b.code))

describe.runIf(run)('the README in the browser', () => {
  const s = session()

  it('runs most of the README', async () => {
    const sources = new Map(blocks.map((b) => [nameOf(b.where), b.code]))
    sources.set('capture', `import { install } from './test/browser/capture.ts'\ninstall()`)
    for (const [file, text] of await bundleMany(sources)) s.served.put(`/readme/${file}`, text)
    expect(blocks.length).toBeGreaterThan(10)
  })

  it.each(blocks.map((b) => [b.where, b] as const))('%s runs in the page', async (where, block) => {
    const name = nameOf(where)
    const page = await s.page()
    try {
      await page.evaluate(importing(`${s.served.url}/readme/capture.js`))
      await page.evaluate(importing(`${s.served.url}/readme/${name}.js`))
      const out = await printed(page)
      if (block.prints !== undefined) expect(out).toBe(block.prints)
      expect(page.errors).toEqual([])
    } finally {
      await page.close()
    }
  })
})
