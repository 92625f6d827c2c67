/**
 * The observer's public types (`fp-ts-actors/observer` re-exports them).
 *
 * @since 0.1.0
 */
import type { Runtime } from '../index.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Options of `serve`.
 *
 * @category model
 * @since 0.1.0
 */
export interface ServeOptions {
  /** Default 0: any free port (printed). */
  readonly port?: number
  /** Default `127.0.0.1`. Anything else exposes the page (and, with `allowExit`, the exit action) to that network. */
  readonly host?: string
  /** Lets the page send `exit(pid, reason)` to a process, with the access token. Default `false`. */
  readonly allowExit?: boolean
  /** The access token for actions that change state. Default: a random one, printed at start. */
  readonly token?: string
  /** How often the page's tree is updated, in ms (changes are batched). Default 100. */
  readonly interval?: number
  /** Pages connected at once. Default 16. */
  readonly maxClients?: number
  /** Where the start line (URL and token) goes. Default `console.log`. */
  readonly log?: (line: string) => void
  /** Shown in the page's title. Default `fp-ts-actors`. */
  readonly title?: string
}

/**
 * A running observer.
 *
 * @category model
 * @since 0.1.0
 */
export interface Observer {
  /** The page, e.g. `http://127.0.0.1:4000/`; the trace viewer is at `${url}trace`. */
  readonly url: string
  readonly port: number
  readonly host: string
  /** The access token (the page reads it from its URL: `${url}?token=…`). */
  readonly token: string
  /** Stops the server and detaches from the runtime. */
  close(): Promise<void>
}

/**
 * One event of a trace file. `pid` is the lifeline it happens on; a message
 * goes `from` → `to`; `text` is what happened, rendered (bounded) as text.
 *
 * @category model
 * @since 0.1.0
 */
export interface TraceRecord {
  readonly tag: Runtime.Event['_tag']
  readonly pid?: string
  readonly from?: string
  readonly to?: string
  readonly text: string
  /** An abnormal exit, a dead letter or an error. */
  readonly bad?: true
}

/**
 * A trace as the trace viewer reads it (JSON).
 *
 * @category model
 * @since 0.1.0
 */
export interface TraceFile {
  readonly format: 'fp-ts-actors/trace'
  readonly version: 1
  readonly title?: string
  /** Why the run failed (the check's message): the viewer marks it. */
  readonly failure?: string
  readonly schedule?: string
  readonly seed?: number
  readonly strategy?: string
  /** Events left out at the start (a bounded live trace). */
  readonly dropped?: number
  readonly events: ReadonlyArray<TraceRecord>
}
