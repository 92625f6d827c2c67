/**
 * Issue 8's fixes, one test each (each failed before its fix): a throwing
 * codec while waiting, an absolute kill, a bounded shutdown, ...
 */
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import { Effect, Exit, Process, Runtime, TestRuntime } from '../../lib/index.js'

const Go = t.literal('go')

/** A codec whose decode throws once it has been asked `after` times (the first scan passes). */
const throwingAfter = (after: number): t.Type<string> => {
  let n = 0
  const is = (u: unknown): u is string => {
    if (n++ >= after) throw new Error('codec boom')
    return false
  }
  return new t.Type<string>('Throwing', is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity)
}

describe('a codec that throws while the process waits in its receive (item 1)', () => {
  it('is a defect exit after the finalizers, and a finalizer that sleeps still gets its timer', async () => {
    const rt = Runtime.make()
    let finalized = false
    const pid = rt.spawn(
      Effect.ensuring(Process.receive(Process.on(throwingAfter(1), () => Effect.unit)),
        Effect.map(Effect.sleep(5), () => {
          finalized = true
        })
      )
    )
    rt.send(pid, 'first') // scanned once on arrival: no match, no throw
    await new Promise((r) => setTimeout(r, 20))
    rt.send(pid, 'second') // the rescan throws
    const reason = await new Promise<string>((resolve) => {
      rt.exits$.subscribe((e) => resolve(e.reason._tag))
      setTimeout(() => resolve('still waiting after 2 s'), 2_000)
    })
    expect(reason).toBe('Defect')
    expect(finalized).toBe(true)
    await rt.shutdown()
  })

  it('on the test runtime too', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const reason = rt.runSync(
      Effect.gen(function* () {
        const [child, ref] = yield* Process.spawnMonitor(
          Effect.ensuring(Process.receive(Process.on(throwingAfter(1), () => Effect.unit)), Effect.sleep(5))
        )
        yield* Process.send(child, 'first')
        yield* Process.sleep(1)
        yield* Process.send(child, 'second')
        return yield* Process.receive(Process.on(Exit.Down, (d) => Effect.succeed(d.ref === ref ? d.reason._tag : 'other')))
      })
    )
    expect(reason).toEqual(Exit.returned('Defect'))
  })
})
