/**
 * Installed in a page before a README block: `console.log` records its arguments (encoded,
 * see `inspect.ts`) in `globalThis.__printed`, one entry per call, for the test to format.
 */
import { encode, type Encoded } from './inspect.js'

export const install = (): void => {
  const g = globalThis as unknown as { __printed: Array<ReadonlyArray<Encoded>> }
  g.__printed = []
  const log = console.log.bind(console)
  console.log = (...args: Array<unknown>) => {
    g.__printed.push(args.map((a) => encode(a)))
    log(...args)
  }
}
