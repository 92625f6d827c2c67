/**
 * The hostile-input sweep at a size that fits `npm test` (a third of the
 * calls; `npm run reliability` makes them all): see `hostile.ts`.
 */
import { describe, expect, it } from 'vitest'
import { entries, sweep } from './hostile.js'

describe('hostile inputs at every public entry point', () => {
  it('each call throws an error naming the function, or returns; nothing crashes the runtime or Node', async () => {
    const r = await sweep(0.3)
    expect(r.entryPoints).toBeGreaterThan(150)
    expect(r.calls).toBeGreaterThan(10_000)
    expect(r.unclear).toEqual([])
    expect(r.crashes).toEqual([])
  })

  it('the sweep can fail: an entry point that throws an unclear error, or lets an exception escape, is reported', async () => {
    const r = await sweep(1, [
      {
        name: 'Fake.unclear',
        arity: 1,
        call: (args) => (args[0] as { x: number }).x.toFixed()
      },
      {
        name: 'Fake.escapes',
        arity: 1,
        call: () =>
          void setImmediate(() => {
            throw new Error('escaped')
          })
      }
    ])
    expect(r.unclear.length).toBeGreaterThan(0)
    expect(r.unclear[0]).toMatch(/^Fake\.unclear\(null\) threw TypeError: Cannot read properties of null/)
    expect(r.crashes.length).toBeGreaterThan(0)
    expect(r.crashes[0]).toBe('uncaught exception: Error: escaped')
    expect(entries().some((e) => e.name === 'GenServer.call')).toBe(true)
  })
})
