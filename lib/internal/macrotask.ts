/**
 * The host's macrotask: how the run queue yields to the event loop between
 * batches, so I/O, timers, DOM events and rendering run in between. Chosen once,
 * from what the host has, best first:
 *
 * - `setImmediate` (Node, Bun, Deno): runs after pending I/O, not clamped;
 * - `MessageChannel` (browsers, Web Workers): a message to ourselves is a task,
 *   not clamped to 4 ms as nested `setTimeout(0)` is, and yields to rendering;
 * - `setTimeout(0)`: everywhere else.
 *
 * No Node API is named here: everything is looked up on `globalThis`.
 */

/** Which primitive posts the macrotasks. */
export type MacrotaskVia = 'setImmediate' | 'MessageChannel' | 'setTimeout'

/** The port of a `MessageChannel`, as far as it is used here (`ref`/`unref` exist on Node only). */
interface Port {
  onmessage: ((e: unknown) => void) | null
  postMessage(message: unknown): void
  ref?(): void
  unref?(): void
}

/** What the choice looks at: a part of `globalThis`, optional where a host may lack it. */
export interface Host {
  readonly setImmediate?: ((f: () => void) => unknown) | undefined
  readonly MessageChannel?: (new () => { readonly port1: Port; readonly port2: Port }) | undefined
  readonly setTimeout: (f: () => void, ms: number) => unknown
}

/** A chosen primitive: `post(f)` calls `f` once, in a later macrotask. */
export interface Macrotask {
  readonly via: MacrotaskVia
  readonly post: (f: () => void) => void
}

/**
 * Callbacks queued in order behind one channel, one message each (as each
 * `setImmediate` is its own task). On Node the port keeps the process alive only
 * while a callback is pending.
 */
const viaMessageChannel = (Channel: NonNullable<Host['MessageChannel']>): Macrotask => {
  const { port1, port2 } = new Channel()
  let queue: Array<(() => void) | undefined> = []
  let head = 0
  port1.onmessage = () => {
    const f = queue[head]
    queue[head++] = undefined
    if (head === queue.length) {
      queue = []
      head = 0
      port1.unref?.()
    }
    f?.()
  }
  port1.unref?.()
  return {
    via: 'MessageChannel',
    post: (f) => {
      if (queue.length === head) port1.ref?.()
      queue.push(f)
      port2.postMessage(undefined)
    }
  }
}

/** The best macrotask `host` offers. */
export const macrotaskOf = (host: Host): Macrotask => {
  const immediate = host.setImmediate
  if (typeof immediate === 'function') return { via: 'setImmediate', post: (f) => void immediate(f) }
  if (typeof host.MessageChannel === 'function') return viaMessageChannel(host.MessageChannel)
  return { via: 'setTimeout', post: (f) => void host.setTimeout(f, 0) }
}

let chosen: Macrotask | undefined

/** This host's macrotask, chosen on first use (so a host set up after import is seen). */
export const hostMacrotask = (): Macrotask => (chosen ??= macrotaskOf(globalThis as unknown as Host))
