/**
 * The observer's HTTP server (node's own `http`): the page and its assets,
 * a Server-Sent Events stream of the process tree's changes, a process's
 * detail, the live trace, and the guarded exit action.
 *
 * Safe by default: it binds 127.0.0.1, answers only requests whose `Host` is
 * its own (no DNS rebinding), serves the page under a strict
 * Content-Security-Policy (no inline script), and changes state only for a
 * request carrying the access token, and only when started with
 * `allowExit`. What it holds and sends is bounded: a page that reads too
 * slowly is dropped (it reconnects and starts from a fresh snapshot).
 *
 * @internal
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Exit, Pid, Process } from '../index.js'
import type { Runtime } from '../index.js'
import type { Kernel } from '../internal/kernel.js'
import { encodeTrace } from './trace.js'
import { acquire, release, type Limits, type World } from './world.js'

/** @internal */
export interface ServerOptions {
  readonly port: number
  readonly host: string
  readonly allowExit: boolean
  readonly token: string
  /** Tick of the tree's updates, ms. */
  readonly interval: number
  readonly maxClients: number
  readonly limits: Partial<Limits>
  readonly title: string
}

/** @internal */
export interface Running {
  readonly url: string
  readonly port: number
  readonly host: string
  readonly token: string
  close(): Promise<void>
}

const ASSETS: Record<string, string> = {
  '/': 'observer.html',
  '/trace': 'trace.html',
  '/assets/observer.js': 'observer.js',
  '/assets/trace.js': 'trace.js',
  '/assets/common.js': 'common.js',
  '/assets/style.css': 'style.css'
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8'
}

/** An asset of the page, read once. @internal */
export const asset = (() => {
  const cache = new Map<string, string>()
  return (file: string): string => {
    let s = cache.get(file)
    if (s === undefined) cache.set(file, (s = readFileSync(new URL(`./assets/${file}`, import.meta.url), 'utf8')))
    return s
  }
})()

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store'
}

/** Highest backlog a page may have before it is dropped. */
const MAX_BACKLOG = 8 * 1024 * 1024

/** @internal */
export const newToken = (): string => randomBytes(18).toString('base64url')

/** @internal */
export const start = (rt: Runtime.Runtime, kernel: Kernel, o: ServerOptions): Promise<Running> => {
  const world = acquire(rt, kernel, o.limits)
  const clients = new Set<ServerResponse>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let bound = ''
  const loopback = o.host === '127.0.0.1' || o.host === 'localhost' || o.host === '::1'

  const stopTicking = (): void => {
    if (timer !== undefined && clients.size === 0) {
      clearTimeout(timer)
      timer = undefined
    }
  }
  /** Ticks while a page is connected; a tick that took long pushes the next one back (at most ~20% of a core). */
  const tick = (): void => {
    const t0 = performance.now()
    broadcast()
    const cost = performance.now() - t0
    timer = clients.size === 0 ? undefined : setTimeout(tick, Math.max(o.interval, cost * 4))
  }
  const broadcast = (): void => {
    let d
    try {
      d = world.tick()
    } catch {
      return
    }
    if (d.up.length === 0 && d.rm.length === 0 && d.exits.length === 0 && d.dead.length === 0 && d.skipped === 0) return
    const frame = `event: delta\ndata: ${JSON.stringify(d)}\n\n`
    for (const c of clients) {
      if (c.writableLength > MAX_BACKLOG) {
        c.destroy()
        continue
      }
      c.write(frame)
    }
  }

  const allowedHost = (h: string | undefined): boolean => {
    if (o.host === '0.0.0.0' || o.host === '::') return true
    if (h === undefined) return false
    return loopback
      ? [`127.0.0.1:${bound}`, `localhost:${bound}`, `[::1]:${bound}`].includes(h)
      : h === `${o.host}:${bound}` || h === `[${o.host}]:${bound}`
  }

  const tokenOk = (req: IncomingMessage): boolean => {
    const given = req.headers['x-observer-token']
    if (typeof given !== 'string') return false
    const a = Buffer.from(given)
    const b = Buffer.from(o.token)
    return a.length === b.length && timingSafeEqual(a, b)
  }

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }

  const events = (req: IncomingMessage, res: ServerResponse): void => {
    if (clients.size >= o.maxClients) return json(res, 503, { error: `at most ${o.maxClients} pages at once` })
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive'
    })
    // the first page: bring the rows up to date (no other page misses that delta)
    if (clients.size === 0) world.tick()
    const hello = {
      now: world.now,
      rows: world.rows(),
      exits: world.recentExits.toArray(),
      dead: world.recentDead.toArray(),
      allowExit: o.allowExit,
      title: o.title
    }
    res.write(`retry: 500\nevent: snapshot\ndata: ${JSON.stringify(hello)}\n\n`)
    clients.add(res)
    timer ??= setTimeout(tick, o.interval)
    req.on('close', () => {
      clients.delete(res)
      stopTicking()
    })
  }

  const exitAction = (req: IncomingMessage, res: ServerResponse): void => {
    if (!o.allowExit)
      return json(res, 403, { error: 'the exit action is off: start the observer with allowExit: true' })
    if (!tokenOk(req)) return json(res, 401, { error: 'a valid x-observer-token header is required' })
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      body += chunk
      if (body.length > 4096) req.destroy()
    })
    req.on('end', () => {
      let input: unknown
      try {
        input = JSON.parse(body)
      } catch {
        return json(res, 400, { error: 'expected a JSON body { pid, reason }' })
      }
      const { pid, reason } = (input ?? {}) as { pid?: unknown; reason?: unknown }
      if (typeof pid !== 'number' || !Number.isInteger(pid))
        return json(res, 400, { error: 'pid must be the integer in #PID<0.N.0>' })
      if (typeof reason !== 'string' || reason.length === 0 || reason.length > 200)
        return json(res, 400, { error: 'reason must be a non-empty string (kill, shutdown, normal or any word)' })
      const p = world.pidOf(pid)
      if (p === undefined) return json(res, 404, { error: `no live process #PID<0.${pid}.0>` })
      // sent by a process of its own, so the exit's cause (and the `why` chain) says where it came from
      const sender = rt.spawn(Process.exit(Pid.toPid(p), reasonOf(reason)))
      world.tag(Pid.fromPid(sender), 'observer: exit action')
      json(res, 200, { ok: true, pid: String(p), reason: Exit.format(reasonOf(reason)) })
    })
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!allowedHost(req.headers.host)) return json(res, 421, { error: 'unexpected Host header' })
    const url = new URL(req.url ?? '/', 'http://observer.invalid')
    const file = ASSETS[url.pathname]
    if (req.method === 'GET' && file !== undefined) {
      const type = TYPES[file.slice(file.lastIndexOf('.') + 1)] ?? 'text/plain; charset=utf-8'
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type })
      return void res.end(asset(file))
    }
    if (req.method === 'GET' && url.pathname === '/api/events') return events(req, res)
    if (req.method === 'GET' && url.pathname === '/api/process') {
      const id = Number(url.searchParams.get('pid'))
      const d = Number.isInteger(id) ? world.detail(id) : undefined
      return d === undefined ? json(res, 404, { error: 'no such process (or it exited long ago)' }) : json(res, 200, d)
    }
    if (req.method === 'GET' && url.pathname === '/api/trace') return json(res, 200, liveTrace(rt, world, o.title))
    if (req.method === 'POST' && url.pathname === '/api/exit') return exitAction(req, res)
    json(res, 404, { error: 'not found' })
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res)
    } catch (e) {
      if (!res.headersSent) json(res, 500, { error: e instanceof Error ? e.message : 'internal error' })
      else res.destroy()
    }
  })
  server.on('clientError', (_e, socket) => socket.destroy())

  return new Promise((resolve, reject) => {
    server.once('error', (e) => {
      release(world)
      reject(e)
    })
    server.listen(o.port, o.host, () => {
      const port = (server.address() as AddressInfo).port
      bound = String(port)
      const shown = o.host.includes(':') ? `[${o.host}]` : o.host
      resolve({
        url: `http://${shown}:${port}/`,
        port,
        host: o.host,
        token: o.token,
        close: () =>
          new Promise<void>((done) => {
            if (timer !== undefined) clearTimeout(timer)
            timer = undefined
            for (const c of clients) c.destroy()
            clients.clear()
            release(world)
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
}

const reasonOf = (r: string): Exit.Reason =>
  r === 'kill' ? Exit.kill : r === 'shutdown' ? Exit.shutdown : r === 'normal' ? Exit.normal : Exit.custom(r)

/** The live trace: a test runtime's whole trace, or the last events the observer saw. */
const liveTrace = (rt: Runtime.Runtime, world: World, title: string) => {
  const own = (rt as { readonly trace?: unknown }).trace
  if (Array.isArray(own))
    return encodeTrace(own as ReadonlyArray<Runtime.Event>, { title: `${title}: the test runtime's trace` })
  const events = world.trace.toArray()
  const t = encodeTrace(events, { title: `${title}: the last ${events.length} events` })
  const dropped = world.trace.total - events.length
  return dropped > 0 ? { ...t, dropped: dropped + (t.dropped ?? 0) } : t
}
