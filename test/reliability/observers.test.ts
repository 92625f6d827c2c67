/**
 * Observers are isolated (issue 8, item 4): a subscriber that throws, in any
 * runtime stream or an operator piped on one, neither ends Node nor stops the
 * runtime or the other subscribers; the error goes to `onError(error,
 * 'observer')`. And long timers do not fire early (item 7).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { filter, map } from 'rxjs'
import { Effect, Process, Runtime, Scheduler, VirtualClock } from '../../lib/index.js'

describe('a throwing observer (item 4)', () => {
  it('is reported to onError; the runtime and the other subscribers carry on', async () => {
    const unhandled: Array<unknown> = []
    const onUncaught = (e: unknown): void => void unhandled.push(e)
    process.on('uncaughtException', onUncaught)
    try {
      const reported: Array<string> = []
      const rt = Runtime.make({ onError: (e, where) => reported.push(`${where}: ${(e as Error).message}`) })
      const seen: Array<string> = []
      rt.exits$.subscribe(() => {
        throw new Error('exits subscriber')
      })
      rt.exits$.subscribe((e) => seen.push(`exit ${e.reason._tag}`))
      rt.deadLetters$.subscribe(() => {
        throw new Error('dead letter subscriber')
      })
      rt.events$
        .pipe(
          filter((e) => e._tag === 'Spawn'),
          map(() => {
            throw new Error('operator')
          })
        )
        .subscribe()
      rt.events$.subscribe({
        next: (e) => {
          if (e._tag === 'Exit') throw new Error('events observer')
        }
      })
      const r = await rt.run(
        Effect.flatMap(Process.spawn(Effect.unit), (p) =>
          Effect.flatMap(Process.sleep(5), () => Effect.as(Process.send(p, 'late'), 'done'))
        )
      )
      expect(r).toEqual({ _tag: 'Normal', value: 'done' })
      await new Promise((k) => setTimeout(k, 20)) // RxJS reports unhandled errors on a timer
      expect(unhandled).toEqual([])
      expect(seen).toEqual(['exit Normal', 'exit Normal'])
      expect(reported).toContain('observer: exits subscriber')
      expect(reported).toContain('observer: dead letter subscriber')
      expect(reported).toContain('observer: operator')
      expect(reported).toContain('observer: events observer')
      await rt.shutdown()
    } finally {
      process.off('uncaughtException', onUncaught)
    }
  })
})

describe('long timers (item 7)', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('the host clock does not fire a timer beyond 2^31-1 ms early', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    let fired = false
    Scheduler.hostClock.setTimer(2 ** 31 + 10_000, () => (fired = true))
    vi.advanceTimersByTime(2 ** 31)
    expect(fired).toBe(false)
    vi.advanceTimersByTime(10_000)
    expect(fired).toBe(true)
    let cleared = false
    const t = Scheduler.hostClock.setTimer(2 ** 32, () => (cleared = true))
    vi.advanceTimersByTime(2 ** 31)
    Scheduler.hostClock.clearTimer(t)
    vi.advanceTimersByTime(2 ** 32)
    expect(cleared).toBe(false)
  })

  it('the virtual clock keeps any finite delay, takes NaN as now and never fires Infinity', () => {
    const clock = new VirtualClock.VirtualClock()
    const fired: Array<string> = []
    clock.setTimer(Infinity, () => fired.push('never'))
    clock.setTimer(Number.NaN, () => fired.push('nan'))
    clock.setTimer(2 ** 40, () => fired.push('long'))
    while (clock.fireNext());
    expect(fired).toEqual(['nan', 'long'])
    expect(clock.now()).toBe(2 ** 40)
  })
})
