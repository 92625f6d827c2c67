/**
 * What the browser suites share: one server (the browser example's, `examples/browser/serve.ts`)
 * and one headless Chromium per test file, and a way to run a bundled module in a fresh page
 * and get back what it exported as `result`.
 */
import { format } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { bundle, serve, type Served } from '../../examples/browser/serve.js'
import { launch } from './chromium.js'
import { decode, type Encoded } from './inspect.js'

export { bundle }

/** The browser and the server of one test file (started in `beforeAll`, closed in `afterAll`). */
export interface Session {
  readonly browser: Browser
  readonly served: Served
  /** A fresh page on the server's origin, its uncaught errors and console errors kept in `errors`. */
  page(): Promise<Page & { readonly errors: ReadonlyArray<string> }>
  /**
   * Bundles `entry` (a file, or TypeScript source resolved from the repo's root), serves it,
   * imports it in a fresh page and returns its exported `result` (awaited, as the page sees it).
   */
  run<A = unknown>(name: string, entry: string | { readonly contents: string }): Promise<A>
}

export const session = (): Session => {
  let browser: Browser | undefined
  let served: Served | undefined
  const pages: Array<Page> = []
  beforeAll(async () => {
    ;[browser, served] = await Promise.all([launch(), serve()])
  })
  afterAll(async () => {
    await browser?.close()
    await served?.close()
  })
  const self: Session = {
    get browser() {
      if (browser === undefined) throw new Error('the browser is not launched (beforeAll)')
      return browser
    },
    get served() {
      if (served === undefined) throw new Error('the server is not started (beforeAll)')
      return served
    },
    async page() {
      const page = await self.browser.newPage()
      pages.push(page)
      const errors: Array<string> = []
      page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`))
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      await page.goto(`${self.served.url}/blank.html`)
      return Object.assign(page, { errors })
    },
    async run<A>(name: string, entry: string | { readonly contents: string }): Promise<A> {
      const path = `/run/${name}.js`
      self.served.put(path, await bundle(entry))
      const page = await self.page()
      try {
        return (await page.evaluate(importing(`${self.served.url}${path}`, 'result'))) as A
      } finally {
        await page.close()
      }
    }
  }
  return self
}

/**
 * A page expression that imports the module at `url` and gives its export `name` (or nothing).
 * (A string: vitest rewrites `import()` in functions, and those are what `evaluate` sends.)
 */
export const importing = (url: string, name?: string): string =>
  `import(${JSON.stringify(url)}).then((m) => ${name === undefined ? 'undefined' : `m[${JSON.stringify(name)}]`})`

/** What a page printed with `console.log` (recorded by `capture.ts`), formatted as Node would. */
export const printed = async (page: Page): Promise<string> => {
  const calls = await page.evaluate(
    () => (globalThis as unknown as { __printed: ReadonlyArray<ReadonlyArray<Encoded>> }).__printed
  )
  return calls.map((args) => format(...args.map(decode))).join('\n')
}
