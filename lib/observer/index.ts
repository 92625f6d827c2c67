/**
 * The observer: a live page of a runtime's process world, and a viewer that
 * plays a trace (a failing schedule from `TestRuntime.explore`, a `replay`,
 * or a live runtime) back as a sequence diagram. Imported on its own, from
 * `fp-ts-actors/observer`, so the core never loads node's `http`.
 *
 * ```ts
 * const obs = await Observer.serve(rt, { port: 4000 })  // prints its URL and access token
 * TestRuntime.explore(program, { ..., onFailure: Observer.writeTrace('failing.trace.html') })
 * ```
 *
 * A runtime pays nothing until an observer is attached: no subscriber, no
 * hook. While one is, the runtime reports its events (as for any `events$`
 * subscriber) and counts slices.
 *
 * @example
 * import { Effect, Runtime } from 'fp-ts-actors'
 * import * as Observer from 'fp-ts-actors/observer'
 * const rt = Runtime.make()
 * rt.spawn(Effect.never)
 * const obs = await Observer.serve(rt, { port: 0 }) // Observer: http://127.0.0.1:41234/ (token …)
 * await obs.close()
 *
 * @since 0.1.0
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Runtime, TestRuntime } from '../index.js'
import { kernelOf } from '../Runtime.js'
import { describe } from '../internal/check.js'
import { asset, newToken, start } from './server.js'
import { encodeTrace, scriptJson } from './trace.js'
import type { Observer, ServeOptions, TraceFile } from './types.js'

export type { Observer, ServeOptions, TraceFile, TraceRecord } from './types.js'

// -------------------------------------------------------------------------------------
// the live page
// -------------------------------------------------------------------------------------

const isOptions = (u: unknown): u is ServeOptions => typeof u === 'object' && u !== null

/**
 * Serves the observer's page for `rt` (a `Runtime` or a `TestRuntime`) and
 * prints its URL, with the access token the page needs for the exit action.
 *
 * @example
 * import { Runtime } from 'fp-ts-actors'
 * import * as Observer from 'fp-ts-actors/observer'
 * const obs = await Observer.serve(Runtime.make(), { port: 0, allowExit: true })
 * obs.url // 'http://127.0.0.1:43121/' (port 0: a free port)
 * await obs.close()
 *
 * @category serving
 * @since 0.1.0
 */
export const serve = async (rt: Runtime.Runtime, options: ServeOptions = {}): Promise<Observer> => {
  const kernel = kernelOf(rt, 'Observer.serve')
  if (!isOptions(options)) throw new TypeError(`Observer.serve: options must be an object, got ${describe(options)}`)
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError(`Observer.serve: port must be an integer from 0 to 65535, got ${describe(port)}`)
  const host = options.host ?? '127.0.0.1'
  if (typeof host !== 'string' || host.length === 0)
    throw new TypeError(`Observer.serve: host must be a non-empty string, got ${describe(host)}`)
  const interval = options.interval ?? 100
  if (typeof interval !== 'number' || !(interval >= 10))
    throw new TypeError(`Observer.serve: interval must be a number of ms >= 10, got ${describe(interval)}`)
  const token = options.token ?? newToken()
  if (typeof token !== 'string' || token.length < 8)
    throw new TypeError('Observer.serve: token must be a string of at least 8 characters')
  const maxClients = options.maxClients ?? 16
  if (!Number.isInteger(maxClients) || maxClients < 1)
    throw new TypeError(`Observer.serve: maxClients must be an integer >= 1, got ${describe(maxClients)}`)
  const allowExit = options.allowExit === true
  const running = await start(rt, kernel, {
    port,
    host,
    allowExit,
    token,
    interval,
    maxClients,
    limits: {},
    title: options.title ?? 'fp-ts-actors'
  })
  const log = options.log ?? ((line: string) => console.log(line))
  log(
    `Observer: ${running.url}?token=${token}  (trace viewer: ${running.url}trace; exit action ${allowExit ? 'on, with this token' : 'off'})`
  )
  return running
}

// -------------------------------------------------------------------------------------
// traces
// -------------------------------------------------------------------------------------

/**
 * A trace (`rt.trace`, `TestRuntime.replay`'s result, or `events$` collected)
 * as a trace file; `meta` says what it is and, for a failing run, why.
 *
 * @example
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * import * as Observer from 'fp-ts-actors/observer'
 * const rt = TestRuntime.make({ seed: 1 })
 * rt.runSync(Effect.unit)
 * Observer.traceFile(rt.trace, { title: 'a plain run' }).events.length // 2
 *
 * @category traces
 * @since 0.1.0
 */
export const traceFile = (
  trace: ReadonlyArray<Runtime.Event>,
  meta: {
    readonly title?: string
    readonly failure?: string
    readonly schedule?: string
    readonly seed?: number
    readonly strategy?: string
  } = {}
): TraceFile => {
  if (!Array.isArray(trace)) throw new TypeError('Observer.traceFile: expected an array of events (rt.trace)')
  return encodeTrace(trace, meta)
}

/**
 * The trace file of a failing run `explore` found: its trace, the failing
 * check, the seed and the schedule that replays it.
 *
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * import * as Observer from 'fp-ts-actors/observer'
 * const found = TestRuntime.explore(Effect.succeed(1), { runs: 10, seed: 1, check: () => false })
 * if (O.isSome(found)) Observer.fromExplored(found.value).failure // 'check returned false'
 *
 * @category traces
 * @since 0.1.0
 */
export const fromExplored = (found: TestRuntime.Explored, title = 'a failing schedule'): TraceFile =>
  encodeTrace(found.trace, {
    title,
    failure: found.failure,
    schedule: found.schedule,
    seed: found.seed,
    strategy: found.strategy
  })

/**
 * The trace viewer as one self-contained HTML page with `file` in it: open
 * it in a browser, offline, no server needed.
 *
 * @example
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * import * as Observer from 'fp-ts-actors/observer'
 * const html = Observer.traceHtml(Observer.traceFile(TestRuntime.replay(Effect.unit, 'v1:')))
 *
 * @category traces
 * @since 0.1.0
 */
export const traceHtml = (file: TraceFile): string =>
  asset('trace.html')
    .replace(
      /<link rel="stylesheet" href="\/assets\/style\.css"\s*\/?>/,
      () => `<style>\n${asset('style.css')}</style>`
    )
    .replace(
      /<script type="application\/json" id="trace-data"><\/script>/,
      () => `<script type="application/json" id="trace-data">${scriptJson(file)}</script>`
    )
    .replace(
      /<script src="\/assets\/(common|trace)\.js"><\/script>/g,
      (_, name: string) => `<script>\n${inlineScript(asset(`${name}.js`))}</script>`
    )

/** A script's text, safe inside an inline `<script>` element. */
const inlineScript = (js: string): string => js.replace(/<\/(script)/gi, '<\\/$1')

/**
 * A callback for `explore`'s `onFailure` (and so `testProcess`'s) that saves
 * the failing run for the trace viewer: a self-contained viewer page when
 * `path` ends with `.html`, else the trace file (JSON) the viewer opens.
 *
 * @example
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * import * as Observer from 'fp-ts-actors/observer'
 * TestRuntime.explore(Effect.succeed(1), {
 *   runs: 100,
 *   seed: 1,
 *   check: (_trace, r) => r._tag === 'Normal',
 *   onFailure: Observer.writeTrace('failing.trace.html')
 * })
 *
 * @category traces
 * @since 0.1.0
 */
export const writeTrace =
  (path: string) =>
  (found: TestRuntime.Explored): void => {
    if (typeof path !== 'string' || path.length === 0)
      throw new TypeError('Observer.writeTrace: expected a file path ending in .html or .json')
    const file = fromExplored(found)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, path.endsWith('.html') ? traceHtml(file) : JSON.stringify(file, null, 1))
  }
