/**
 * The observer and the trace viewer in a real headless Chromium.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as t from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Effect, Exit, Process, Runtime, TestRuntime } from '../../lib/index.js'
import * as GenServer from '../../lib/GenServer.js'
import * as Supervisor from '../../lib/Supervisor.js'
import * as Observer from '../../lib/observer/index.js'
import { buggy, countsTwo } from '../../examples/testing-explore.js'
import { haveBrowser, launch } from './chromium.js'

const run = haveBrowser('observer browser tests')

/** The little of the DOM the in-page checks use (the project's types have no DOM lib). */
interface El {
  readonly textContent: string | null
  readonly style: { readonly display: string; readonly transform: string }
  readonly classList: { contains(c: string): boolean }
  querySelector(s: string): El | null
  click(): void
  scrollTop: number
  readonly scrollHeight: number
}
interface Win {
  readonly document: {
    querySelectorAll(s: string): Iterable<El> & { readonly length: number }
    querySelector(s: string): El | null
    getElementById(id: string): El | null
  }
  requestAnimationFrame(f: () => void): number
  readonly __xss?: number
}

interface Shown {
  readonly guide: string
  readonly pid: string
  readonly name: string
  readonly status: string
}

/** The tree's rows in the DOM (only the visible ones are there), top to bottom. */
const rowsOf = (page: Page): Promise<ReadonlyArray<Shown>> =>
  page.$$eval('#tree .row', (rows) =>
    rows
      .filter((r) => (r as unknown as El).style.display !== 'none')
      .map((r) => ({
        y: Number(/translateY\((\d+)px\)/.exec((r as unknown as El).style.transform)?.[1] ?? 0),
        guide: r.querySelector('.guide')?.textContent ?? '',
        pid: r.querySelector('.pid')?.textContent ?? '',
        name: r.querySelector('.name')?.textContent ?? '',
        status: r.querySelector('.status')?.textContent ?? ''
      }))
      .sort((a, b) => a.y - b.y)
      .map(({ guide, pid, name, status }) => ({ guide, pid, name, status }))
  )

const idle: GenServer.Behaviour<string, string, unknown, unknown> = {
  init: (id) => Effect.succeed(GenServer.ok(id))
}

const ids = ['child-1', 'child-2', 'child-3'] as const

/** A supervisor, `sup`, with three named children. */
const supervised = Effect.flatMap(
  Supervisor.startLink(
    ids.map((id) => ({ id, start: GenServer.startLink(idle, id, { name: id }) })),
    { strategy: 'one_for_one', name: 'sup', maxRestarts: 10, maxSeconds: 5 }
  ),
  () => Effect.never
)

const quiet = { log: () => {} }

describe.runIf(run)('the observer page', () => {
  let browser: Browser
  let page: Page
  const cleanup: Array<() => Promise<void>> = []
  /** Requests the page made outside the observer (it must work offline: none). */
  let outside: Array<string> = []

  beforeAll(async () => {
    browser = await launch()
  })
  afterAll(async () => {
    await browser?.close()
  })
  afterEach(async () => {
    await page?.close()
    for (const c of cleanup.splice(0)) await c()
    expect(outside).toEqual([])
  })

  const open = async (rt: Runtime.Runtime, options: Observer.ServeOptions = {}): Promise<Observer.Observer> => {
    const obs = await Observer.serve(rt, { ...quiet, ...options })
    cleanup.push(
      () => obs.close(),
      () => rt.shutdown()
    )
    outside = []
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    page.on('request', (r) => {
      if (!r.url().startsWith(obs.url)) outside.push(r.url())
    })
    await page.goto(`${obs.url}?token=${obs.token}`)
    await page.waitForSelector('#conn.live')
    return obs
  }

  it('shows a supervisor with its three children as a tree', async () => {
    const rt = Runtime.make()
    rt.spawn(supervised)
    await open(rt)
    await page.waitForFunction(
      () => (globalThis as unknown as Win).document.querySelectorAll('#tree .row .name').length >= 4
    )
    const rows = await rowsOf(page)
    const at = rows.findIndex((r) => r.name === 'sup')
    expect(at).toBeGreaterThanOrEqual(0)
    const sup = rows[at] as Shown
    const children = rows.slice(at + 1, at + 4)
    expect(children.map((r) => r.name)).toEqual([...ids])
    // one level below the supervisor: its guide plus one branch each, the last one closing
    expect(children.map((r) => r.guide.slice(sup.guide.length))).toEqual(['├─ ', '├─ ', '└─ '].map((g) => g))
    expect(children.every((r) => r.status === 'waiting')).toBe(true)
  })

  // timed on the wall clock of a shared machine: a run slowed by other load is tried again (the bound stays 200 ms)
  it('kills a child from the page (with the token) and shows its restart within 200 ms', { retry: 2 }, async () => {
    const rt = Runtime.make()
    rt.spawn(supervised)
    await open(rt, { allowExit: true })
    await page.waitForFunction(() =>
      [...(globalThis as unknown as Win).document.querySelectorAll('#tree .row .name')].some(
        (n) => n.textContent === 'child-2'
      )
    )
    const old = (await rowsOf(page)).find((r) => r.name === 'child-2') as Shown
    await page.click(`#tree .row:has(.name:text-is("child-2"))`)
    await page.waitForSelector('#actions button:not([disabled])')
    const ms = await page.evaluate(
      (oldPid) =>
        new Promise<number>((resolve, reject) => {
          const t0 = performance.now()
          ;(globalThis as unknown as Win).document.querySelector('#actions button')?.click()
          const check = (): void => {
            const restarted = [...(globalThis as unknown as Win).document.querySelectorAll('#tree .row')].some(
              (r) =>
                r.style.display !== 'none' &&
                r.querySelector('.name')?.textContent === 'child-2' &&
                r.querySelector('.pid')?.textContent !== oldPid &&
                !r.classList.contains('exited')
            )
            if (restarted) resolve(performance.now() - t0)
            else if (performance.now() - t0 > 5000) reject(new Error('no restart shown within 5 s'))
            else (globalThis as unknown as Win).requestAnimationFrame(check)
          }
          check()
        }),
      old.pid
    )
    console.log(`observer: a killed child's restart shown ${ms.toFixed(0)} ms after the click`)
    expect(ms).toBeLessThan(200)
    // the old incarnation is shown exited, and its exit is in the stream with why
    await page.waitForSelector(`#exits li.bad:has-text("${old.pid}")`)
    const exit = await page.textContent(`#exits li.bad:has-text("${old.pid}")`)
    expect(exit).toContain(':killed')
    expect(exit).toContain('sent by #PID<0.') // a process the observer spawned to send it
    expect(exit).toContain('(observer: exit action)')
  })

  it('keeps the exit action off unless enabled, and refuses a request without the token', async () => {
    const rt = Runtime.make()
    rt.spawn(supervised)
    const obs = await open(rt)
    await page.click(`#tree .row:has(.name:text-is("child-1"))`)
    await page.waitForSelector('#actions button[disabled]')
    expect(await page.textContent('#actions')).toContain('allowExit')
    const res = await fetch(`${obs.url}api/exit`, { method: 'POST', body: '{"pid":3,"reason":"kill"}' })
    expect(res.status).toBe(403)
  })

  it('shows a dead letter with its io-ts report', async () => {
    const rt = Runtime.make()
    const Entry = t.type({ account: t.string, amount: t.number }, 'Entry')
    const ledger = rt.spawn(Process.receive(Entry), { mailbox: Entry })
    await open(rt)
    rt.send(ledger, { account: 'cash', amount: 'lots' } as never)
    const li = await page.waitForSelector('#dead li')
    const text = await li.textContent()
    expect(text).toContain('rejected')
    expect(text).toContain(String(ledger))
    expect(text).toContain('Invalid value "lots" supplied to : Entry/amount: number')
  })

  it('renders markup in names, messages and reasons as text', async () => {
    const rt = Runtime.make()
    const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    const pid = rt.spawn(
      Effect.gen(function* () {
        yield* Process.register(evil, yield* Process.self)
        yield* Process.receive(t.literal('stop'))
        yield* Process.receive(t.string)
      })
    )
    await open(rt)
    rt.send(pid, 'stop')
    rt.send(evil, evil as never)
    await page.waitForFunction(
      (name) =>
        [...(globalThis as unknown as Win).document.querySelectorAll('#tree .row .name')].some(
          (n) => n.textContent === name
        ),
      evil
    )
    rt.send(rt.spawn(Effect.unit), { html: evil } as never) // a dead letter, perhaps
    const victim = rt.spawn(Process.receive(t.string))
    rt.spawn(Process.exit(victim as never, Exit.custom(evil)))
    await page.waitForSelector('#exits li.bad')
    await page.click(`#tree .row:has(.pid:text-is("${String(pid)}"))`)
    await page.waitForSelector('#detail dl')
    const shown = await page.evaluate(() => ({
      xss: (globalThis as unknown as Win).__xss,
      imgs: (globalThis as unknown as Win).document.querySelectorAll('img').length,
      scripts: (globalThis as unknown as Win).document.querySelectorAll('script').length,
      tree: (globalThis as unknown as Win).document.getElementById('tree')?.textContent ?? '',
      detail: (globalThis as unknown as Win).document.getElementById('detail')?.textContent ?? '',
      exits: (globalThis as unknown as Win).document.getElementById('exits')?.textContent ?? ''
    }))
    expect(shown.xss).toBeUndefined()
    expect(shown.imgs).toBe(0)
    expect(shown.scripts).toBe(2) // common.js and observer.js
    expect(shown.tree).toContain(evil)
    expect(shown.detail).toContain(JSON.stringify(evil)) // the message it received, as a string literal
    expect(shown.exits).toContain(evil)
  })

  it('renders 10,000 processes in a virtualised list that scrolls and filters', async () => {
    const rt = Runtime.make()
    const n = 10_000
    await open(rt)
    const t0 = performance.now()
    rt.spawn(
      Effect.gen(function* () {
        for (let i = 0; i < n; i++) yield* Process.spawn(Process.receive(t.literal('stop')))
        yield* Effect.never
      })
    )
    await page.waitForFunction(
      (want) => (globalThis as unknown as Win).document.getElementById('counts')?.textContent === `${want} processes`,
      n + 1
    )
    console.log(`observer: ${n + 1} processes spawned and on the page in ${(performance.now() - t0).toFixed(0)} ms`)
    // only the rows in view are in the DOM
    expect(await page.$$eval('#tree .row', (rs) => rs.length)).toBeLessThan(100)
    const first = await rowsOf(page)
    expect(first[0]?.pid).toBe('#PID<0.1.0>')
    expect(first[1]?.pid).toBe('#PID<0.2.0>')
    // scroll to the end: the last one is shown
    await page.$eval('#tree', (e) => (e.scrollTop = e.scrollHeight))
    await page.waitForFunction(() =>
      [...(globalThis as unknown as Win).document.querySelectorAll('#tree .row .pid')].some(
        (p) => p.textContent === '#PID<0.10001.0>'
      )
    )
    // and to the middle
    await page.$eval('#tree', (e) => (e.scrollTop = 5000 * 24))
    await page.waitForFunction(() =>
      [...(globalThis as unknown as Win).document.querySelectorAll('#tree .row .pid')].some(
        (p) => p.textContent === '#PID<0.5001.0>'
      )
    )
    // filter: the match and its ancestor
    await page.fill('#search', '#PID<0.4242.0>')
    await page.waitForFunction(
      () => (globalThis as unknown as Win).document.getElementById('shown')?.textContent === '2 shown'
    )
    expect((await rowsOf(page)).map((r) => r.pid)).toEqual(['#PID<0.1.0>', '#PID<0.4242.0>'])
  })
})

describe.runIf(run)('the trace viewer', () => {
  let browser: Browser
  let page: Page
  let dir: string
  let found: TestRuntime.Explored

  beforeAll(async () => {
    browser = await launch()
    dir = mkdtempSync(join(tmpdir(), 'observer-trace-'))
    const explored = TestRuntime.explore(buggy, {
      runs: 1000,
      seed: 1,
      check: countsTwo,
      onFailure: (x) => {
        Observer.writeTrace(join(dir, 'lost-update.html'))(x)
        Observer.writeTrace(join(dir, 'lost-update.json'))(x)
      }
    })
    if (O.isNone(explored)) throw new Error('explore found no lost update')
    found = explored.value
  })
  afterAll(async () => {
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
  })
  afterEach(async () => {
    await page?.close()
  })

  const stepText = () => page.textContent('#step')

  /** Checks the lost update on the page and steps through it. */
  const stepsThroughTheRace = async (events: number): Promise<void> => {
    await page.waitForSelector('svg .ev')
    // the failing check is marked, and is the last step
    expect(await page.textContent('#failure')).toContain('check returned false')
    expect(await stepText()).toBe(`step ${events + 1} / ${events + 1}`)
    expect(await page.textContent('#current')).toContain('failing check')
    expect(await page.$$eval('svg .ev.check', (gs) => gs.length)).toBe(1)
    // four lifelines: the main process, the counter and two clients
    expect(await page.$$eval('svg .lane-label', (ls) => ls.map((l) => l.textContent))).toHaveLength(4)
    // both clients put 1: the lost update
    const puts = await page.$$eval('svg .ev.Send title', (ts) =>
      ts.map((x) => x.textContent).filter((x) => x?.includes('"Put"'))
    )
    expect(puts).toEqual(['Send: {_tag: "Put", value: 1}', 'Send: {_tag: "Put", value: 1}'])
    // step through it
    await page.click('#first')
    expect(await stepText()).toBe(`step 1 / ${events + 1}`)
    expect(await page.textContent('#current')).toContain('Spawn')
    expect(await page.$$eval('svg .ev.future', (gs) => gs.length)).toBe(events)
    await page.click('#forward')
    await page.click('#forward')
    expect(await stepText()).toBe(`step 3 / ${events + 1}`)
    await page.click('#back')
    expect(await stepText()).toBe(`step 2 / ${events + 1}`)
    await page.keyboard.press('End')
    expect(await stepText()).toBe(`step ${events + 1} / ${events + 1}`)
    await page.keyboard.press('ArrowLeft')
    expect(await page.textContent('#current')).toContain('Exit')
  }

  it('opens the file explore wrote for the failing lost update, offline, and steps through it', async () => {
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    const requests: Array<string> = []
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url())
    })
    await page.goto(pathToFileURL(join(dir, 'lost-update.html')).href)
    await stepsThroughTheRace(found.trace.length)
    expect(requests).toEqual([])
  })

  it("shows a live test runtime's replay of the race, and opens a saved trace file", async () => {
    const rt = TestRuntime.make({ seed: 1, schedule: found.schedule })
    const reason = rt.runSync(buggy)
    expect(countsTwo([], reason)).toBe(false)
    const obs = await Observer.serve(rt, quiet)
    try {
      page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
      await page.goto(`${obs.url}trace`)
      await page.waitForSelector('svg .ev')
      expect(await stepText()).toBe(`step ${rt.trace.length} / ${rt.trace.length}`)
      expect(await page.textContent('#title')).toContain("the test runtime's trace")
      // the same run, from the file explore wrote
      await page.setInputFiles('#file', join(dir, 'lost-update.json'))
      await page.waitForFunction(
        () => (globalThis as unknown as Win).document.getElementById('title')?.textContent === 'a failing schedule'
      )
      await stepsThroughTheRace(found.trace.length)
      expect(rt.trace.length).toBe(found.trace.length) // the replay is the same run
    } finally {
      await obs.close()
    }
  })
})
