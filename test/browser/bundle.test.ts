/**
 * The browser bundle of a minimal program (`examples/browser/minimal.ts`, esbuild,
 * `platform=browser`, from the sources; `npm run size:browser` measures it from the built
 * `dist/` as a user's bundler sees it): no Node built-in in it, only the library and its
 * three peers (and esbuild's own helpers), a size within budget, and it runs in Chromium.
 */
import { describe, expect, it } from 'vitest'
import { browserBundle } from '../../scripts/browser-bundle.js'
import { haveBrowser } from './chromium.js'
import { session } from './page.js'

const run = haveBrowser('the browser bundle')

describe('the browser bundle of a minimal program', () => {
  it('has no Node built-in, only fp-ts-actors, fp-ts, io-ts, rxjs (and tslib, rxjs needs it)', async () => {
    const m = await browserBundle({ from: 'lib' })
    expect(m.builtins).toEqual([])
    expect(m.inputs.some((i) => i.endsWith('lib/Runtime.ts'))).toBe(true)
    expect(m.inputs.filter((i) => i.includes('lib/observer/'))).toEqual([])
    expect(Object.keys(m.byPackage).sort()).toEqual(['fp-ts', 'fp-ts-actors', 'io-ts', 'rxjs', 'tslib'])
    // 137 KB minified (38 KB gzipped) when measured; the budget catches a large accidental import
    expect(m.bytes).toBeLessThan(150 * 1024)
  })

  describe.runIf(run)('in Chromium', () => {
    const s = session()
    it('runs and prints what it prints under Node', async () => {
      const m = await browserBundle({ from: 'lib' })
      s.served.put('/minimal.js', m.text)
      const page = await s.page()
      try {
        const logged: Array<string> = []
        page.on('console', (msg) => logged.push(msg.text()))
        await page.evaluate(`import(${JSON.stringify(`${s.served.url}/minimal.js`)}).then(() => undefined)`)
        expect(logged).toEqual(['apples: 3'])
        expect(page.errors).toEqual([])
      } finally {
        await page.close()
      }
    })
  })
})
