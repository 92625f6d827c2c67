/**
 * The observer's server, model and trace files, without a browser (the page
 * itself is tested in test/browser).
 */
import { request } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as t from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import { afterEach, describe, expect, it } from 'vitest'
import { Effect, Exit, Process, Runtime, TestRuntime } from '../lib/index.js'
import * as GenServer from '../lib/GenServer.js'
import { kernelOf } from '../lib/Runtime.js'
import * as Observer from '../lib/observer/index.js'
import { show } from '../lib/observer/show.js'
import { world } from '../examples/observer.js'
import type { Detail, Delta } from '../lib/observer/world.js'

const quiet = { log: () => {} }
const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c()
})

const serve = async (rt: Runtime.Runtime, options: Observer.ServeOptions = {}): Promise<Observer.Observer> => {
  const obs = await Observer.serve(rt, { ...quiet, ...options })
  cleanup.push(
    () => obs.close(),
    () => rt.shutdown()
  )
  return obs
}

const settle = (ms = 20) => new Promise((k) => setTimeout(k, ms))

const exit = (obs: Observer.Observer, body: unknown, token?: string) =>
  fetch(`${obs.url}api/exit`, {
    method: 'POST',
    headers: token === undefined ? {} : { 'x-observer-token': token },
    body: JSON.stringify(body)
  })

const detail = async (obs: Observer.Observer, pid: Process.Pid<unknown>): Promise<Detail> => {
  const id = /#PID<0\.(\d+)\.0>/.exec(String(pid))?.[1]
  const res = await fetch(`${obs.url}api/process?pid=${id}`)
  expect(res.status).toBe(200)
  return (await res.json()) as Detail
}

/** Reads the event stream until `until` holds for the frames so far. */
const frames = async (
  obs: Observer.Observer,
  until: (deltas: ReadonlyArray<Delta>) => boolean
): Promise<Array<Delta>> => {
  const res = await fetch(`${obs.url}api/events`)
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const text = new TextDecoder()
  let buffer = ''
  const out: Array<Delta> = []
  try {
    while (!until(out)) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += text.decode(value, { stream: true })
      let end
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (frame.includes('event: delta')) out.push(JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as Delta)
      }
    }
  } finally {
    await reader.cancel()
  }
  return out
}

describe('Observer.serve', () => {
  it('costs nothing until attached, and detaches on close (one attachment per runtime)', async () => {
    const rt = Runtime.make()
    const kernel = kernelOf(rt)
    expect(kernel.tracing).toBe(false)
    expect(kernel.onSlice).toBeUndefined()
    const a = await Observer.serve(rt, quiet)
    const b = await Observer.serve(rt, quiet)
    expect(kernel.tracing).toBe(true)
    expect(kernel.onSlice).toBeTypeOf('function')
    await a.close()
    expect(kernel.tracing).toBe(true)
    await b.close()
    expect(kernel.tracing).toBe(false)
    expect(kernel.onSlice).toBeUndefined()
  })

  it('binds 127.0.0.1 by default and prints its URL with the access token', async () => {
    const lines: Array<string> = []
    const obs = await serve(Runtime.make(), { log: (l) => lines.push(l) })
    expect(obs.host).toBe('127.0.0.1')
    expect(obs.url).toBe(`http://127.0.0.1:${obs.port}/`)
    expect(obs.token.length).toBeGreaterThanOrEqual(16)
    expect(lines).toEqual([expect.stringContaining(`${obs.url}?token=${obs.token}`)])
    expect(lines[0]).toContain('exit action off')
  })

  it('serves the page under a strict content security policy, and only to its own Host', async () => {
    const obs = await serve(Runtime.make())
    const page = await fetch(obs.url)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await page.text()).toContain('<script src="/assets/observer.js"></script>')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: obs.port, path: '/', headers: { host: 'evil.example:80' } },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        }
      )
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(421)
    expect((await fetch(`${obs.url}nope`)).status).toBe(404)
  })

  it('rejects bad options with a clear error', async () => {
    const rt = Runtime.make()
    await expect(Observer.serve(rt, { port: -1, ...quiet })).rejects.toThrow('port must be an integer from 0 to 65535')
    await expect(Observer.serve(rt, { interval: 1, ...quiet })).rejects.toThrow('interval must be a number of ms >= 10')
    await expect(Observer.serve(rt, { token: 'short', ...quiet })).rejects.toThrow('at least 8 characters')
    await expect(Observer.serve({} as Runtime.Runtime, quiet)).rejects.toThrow(
      'expected a Runtime made by Runtime.make'
    )
  })
})

describe('the exit action', () => {
  it('is off unless enabled', async () => {
    const rt = Runtime.make()
    const pid = rt.spawn(Effect.never)
    const obs = await serve(rt)
    const res = await exit(obs, { pid: 1, reason: 'kill' }, obs.token)
    expect(res.status).toBe(403)
    expect(rt.processes().map((p) => p.pid)).toEqual([pid])
  })

  it('needs the token, then sends exit(pid, reason) from a process of its own', async () => {
    const rt = Runtime.make()
    const pid = rt.spawn(Effect.never)
    const obs = await serve(rt, { allowExit: true })
    expect((await exit(obs, { pid: 1, reason: 'kill' })).status).toBe(401)
    expect((await exit(obs, { pid: 1, reason: 'kill' }, `${obs.token}x`)).status).toBe(401)
    expect((await exit(obs, { pid: 'one', reason: 'kill' }, obs.token)).status).toBe(400)
    expect((await exit(obs, { pid: 1, reason: '' }, obs.token)).status).toBe(400)
    expect((await exit(obs, { pid: 99, reason: 'kill' }, obs.token)).status).toBe(404)
    const died = new Promise<Runtime.ExitEvent>((k) => rt.exits$.subscribe((e) => e.pid === pid && k(e)))
    const res = await exit(obs, { pid: 1, reason: 'kill' }, obs.token)
    expect(await res.json()).toEqual({ ok: true, pid: String(pid), reason: ':kill' })
    const e = await died
    expect(e.reason).toEqual(Exit.killed)
    expect(e.cause._tag).toBe('Signal')
    await settle()
    const d = await detail(obs, pid)
    expect(d.exit?.why).toMatch(
      /^#PID<0\.1\.0> died \(:killed\): exit\(#PID<0\.1\.0>, :kill\) sent by #PID<0\.\d+\.0> \(observer: exit action\)$/
    )
  })
})

describe("a process's detail", () => {
  const Get = t.type({ _tag: t.literal('Get') }, 'Get')
  const Put = t.type({ _tag: t.literal('Put'), value: t.number }, 'Put')

  it('shows the receive it waits in, its mailbox, its last messages (bounded), links and monitors', async () => {
    const rt = Runtime.make()
    const obs = await serve(rt)
    const server = (n: number): Effect.Effect<never, never> =>
      Process.receive(
        Process.on(Put, (m) => server(m.value)),
        Process.on(Get, () => server(n)),
        Process.after(60_000, () => server(n))
      )
    const pid = rt.spawn(server(0))
    const watcher = rt.spawn(Effect.flatMap(Process.monitor(pid), () => Effect.never))
    for (let i = 1; i <= 20; i++) rt.send(pid, { _tag: 'Put', value: i } as never)
    rt.send(pid, 'not for any clause' as never)
    await settle()
    const d = await detail(obs, pid)
    expect(d.waitingFor).toBe('receive Put | Get, after 60000 ms')
    expect(d.row.status).toBe('waiting')
    expect(d.row.mbox).toBe(1)
    expect(d.queue).toEqual(['"not for any clause"'])
    expect(d.received).toHaveLength(8)
    expect(d.received.at(-1)).toBe('{_tag: "Put", value: 20}')
    expect(d.monitoredBy).toEqual([String(watcher)])
    expect((await detail(obs, watcher)).monitors).toEqual([String(pid)])
  })

  it("keeps an exited process's exit and why chain", async () => {
    const rt = Runtime.make()
    const obs = await serve(rt)
    const outer = rt.spawn(
      Effect.flatMap(
        Process.spawnLink(Effect.flatMap(Effect.sleep(5), () => Process.exit(Exit.custom('boom')))),
        () => Effect.never
      )
    )
    await new Promise<void>((k) => rt.exits$.subscribe((e) => e.pid === outer && k()))
    const d = await detail(obs, outer)
    expect(d.row.status).toBe('exited')
    expect(d.exit).toEqual({
      reason: ':boom',
      cause: 'link from #PID<0.2.0>',
      why: '#PID<0.1.0> died (:boom): link from #PID<0.2.0>, which died (:boom): it called exit(:boom)'
    })
  })

  it('is a 404 for a pid it does not know', async () => {
    const obs = await serve(Runtime.make())
    expect((await fetch(`${obs.url}api/process?pid=12345`)).status).toBe(404)
    expect((await fetch(`${obs.url}api/process?pid=x`)).status).toBe(404)
  })
})

describe('the live feed', () => {
  it('sends the tree as it changes (parents from spawns), exits with why, and dead letters with their report', async () => {
    const rt = Runtime.make()
    const obs = await serve(rt, { interval: 10 })
    const Entry = t.type({ amount: t.number }, 'Entry')
    let parent: Process.Pid<unknown> | undefined
    const feed = frames(
      obs,
      (ds) => ds.some((d) => d.exits.some((e) => e.pid === String(parent))) && ds.some((d) => d.dead.length > 0)
    )
    await settle(30)
    parent = rt.spawn(
      Effect.gen(function* () {
        const child = yield* Process.spawn(Process.receive(Entry), { mailbox: Entry })
        yield* Process.send(child, { amount: 'lots' } as never)
        yield* Process.spawnLink(Process.exit(Exit.custom('crash')))
        yield* Effect.never
      })
    )
    const all = await feed
    const rows = all.flatMap((d) => d.up)
    // its latest row: a frame may be taken between slices, while the child is still runnable
    expect(rows.filter((r) => r.id === 2).at(-1)).toMatchObject({ parent: 1, status: 'waiting', mbox: 0 })
    const dead = all.flatMap((d) => d.dead)
    expect(dead).toEqual([
      expect.objectContaining({
        to: '#PID<0.2.0>',
        reason: 'rejected',
        message: '{amount: "lots"}',
        report: ['Invalid value "lots" supplied to : Entry/amount: number']
      })
    ])
    const exits = all.flatMap((d) => d.exits)
    expect(exits.find((e) => e.pid === String(parent))).toMatchObject({
      reason: ':crash',
      normal: false,
      why: '#PID<0.1.0> died (:crash): link from #PID<0.3.0>, which died (:crash): it called exit(:crash)'
    })
  })

  it('keeps what it holds bounded: a burst of exits is cut per tick, the live trace to its last events', async () => {
    const rt = Runtime.make()
    const obs = await serve(rt, { interval: 10 })
    const feed = frames(obs, (ds) => ds.reduce((n, d) => n + d.exits.length + d.skipped, 0) >= 3000)
    await settle(30)
    await rt.run(
      Effect.gen(function* () {
        for (let i = 0; i < 2999; i++) yield* Process.spawn(Effect.unit)
      })
    )
    const all = await feed
    expect(Math.max(...all.map((d) => d.exits.length))).toBeLessThanOrEqual(200)
    expect(all.reduce((n, d) => n + d.skipped, 0)).toBeGreaterThan(0)
    const trace = (await (await fetch(`${obs.url}api/trace`)).json()) as Observer.TraceFile
    expect(trace.events).toHaveLength(5000)
    expect(trace.dropped).toBe(6000 - 5000) // a spawn and an exit each
  })
})

describe('trace files', () => {
  it('render any value as bounded text', () => {
    const cyclic: { self?: unknown; n: bigint } = { n: 10n }
    cyclic.self = cyclic
    expect(show(cyclic)).toBe('{n: 10n, self: [Circular]}')
    expect(show('x'.repeat(10_000), 100)).toHaveLength(100)
    const rude = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get: () => {
        throw new Error('no')
      }
    })
    expect(show(rude)).toBe('{boom: "[getter threw: no]"}')
    expect(show(new Error('disk full'))).toBe('%Error{message: "disk full"}')
    expect(show(Array.from({ length: 100 }, (_, i) => i))).toContain('…50 more]')
  })

  it('draw a reply through an alias to the process that took it', () => {
    const echo: GenServer.Behaviour<undefined, undefined, string, string> = {
      init: () => Effect.succeed(GenServer.ok(undefined)),
      handleCall: (req) => Effect.succeed(GenServer.replyWith(`re: ${req}`, undefined))
    }
    const rt = TestRuntime.make({ seed: 1 })
    rt.runSync(
      Effect.gen(function* () {
        const s = yield* GenServer.start(echo, undefined)
        return yield* GenServer.call<string>(s, 'hi')
      })
    )
    const file = Observer.traceFile(rt.trace, { title: 'a call' })
    const reply = file.events.find((e) => e.tag === 'Send' && e.text.includes('re: hi'))
    expect(reply).toMatchObject({ from: '#PID<0.2.0>', to: '#PID<0.1.0>' })
  })

  it('are written by explore when a check fails; the viewer page embeds one safely', () => {
    const dir = mkdtempSync(join(tmpdir(), 'observer-'))
    try {
      const evil = '</script><script>alert(1)</script>'
      const found = TestRuntime.explore(Effect.succeed(evil), {
        runs: 3,
        seed: 1,
        check: () => false,
        onFailure: (x) => {
          Observer.writeTrace(join(dir, 'f.json'))(x)
          Observer.writeTrace(join(dir, 'sub', 'f.html'))(x)
        }
      })
      expect(O.isSome(found)).toBe(true)
      const json = JSON.parse(readFileSync(join(dir, 'f.json'), 'utf8')) as Observer.TraceFile
      expect(json).toMatchObject({ format: 'fp-ts-actors/trace', version: 1, failure: 'check returned false' })
      expect(json.events.map((e) => e.tag)).toEqual(['Spawn', 'Exit'])
      const html = readFileSync(join(dir, 'sub', 'f.html'), 'utf8')
      expect(html).not.toContain(evil)
      expect(html).toContain('\\u003c/script>\\u003cscript>alert(1)\\u003c/script>')
      expect(html).not.toContain('src="/assets/') // self-contained
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the example world (npm run observer)', () => {
  it('keeps restarting its flaky worker and dead-lettering malformed ledger entries', () => {
    const rt = TestRuntime.make({ seed: 1 })
    rt.spawn(Effect.flatMap(world(700), () => Effect.never))
    rt.advance(7 * 700)
    const flaky = rt.trace.filter((e) => e._tag === 'Exit' && e.reason._tag === 'Defect')
    const rejected = rt.trace.filter((e) => e._tag === 'DeadLetter' && e.letter.reason === 'rejected')
    expect(flaky.length).toBeGreaterThanOrEqual(2)
    expect(rejected.length).toBeGreaterThanOrEqual(2)
    expect(
      rt
        .processes()
        .map((p) => p.name)
        .filter(O.isSome)
        .map((n) => n.value)
        .sort()
    ).toEqual(['app', 'flaky', 'ledger', 'pool', 'worker-1', 'worker-2', 'worker-3'])
    void rt.shutdown()
    rt.runUntilIdle()
  })
})
