/**
 * The reliability suite at a size that fits `npm test`: random programs on
 * both interpreters, their invariants checked after each run (see
 * `programs.ts`). `npm run reliability` runs it at full size.
 */
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import type { Runtime } from '../../lib/index.js'
import { arbProgram, isMsg, onRuntime, onTestRuntime, runPrograms, symmetric } from './programs.js'

describe('random programs on Runtime and TestRuntime', () => {
  it('0 lost, 0 stuck, 0 crashes; FIFO per pair, one DOWN per monitor, symmetric links; shutdown resolves', async () => {
    const { runtime, testRuntime } = await runPrograms(12)
    for (const totals of [runtime, testRuntime]) {
      expect(totals.programs).toBe(12)
      expect(totals.messages).toBeGreaterThan(0)
      expect([totals.lost, totals.stuck, totals.crashes]).toEqual([0, 0, 0])
    }
  })
})

describe('the checks can fail', () => {
  /** One program with messages, dead letters and a monitor that fires, from a fixed seed. */
  const sample = fc.sample(
    arbProgram(4).filter((p) =>
      p.scripts.some((s) => s.steps.some((x) => x._tag === 'monitor') && s.steps.some((x) => x._tag === 'send'))
    ),
    { numRuns: 40, seed: 42 }
  )

  it('a message whose delivery or dead letter is dropped from the record is reported lost', async () => {
    for (const program of sample) {
      const honest = await onTestRuntime(program, 1)
      if (honest.messages === 0) continue
      const tampered = await onTestRuntime(program, 1, (events) => {
        const i = events.findIndex(
          (e) => (e._tag === 'Receive' && isMsg(e.message)) || (e._tag === 'DeadLetter' && isMsg(e.letter.message))
        )
        return events.filter((_, j) => j !== i)
      })
      expect(honest.lost).toBe(0)
      expect(tampered.lost).toBe(1)
      expect(tampered.violations.join('\n')).toMatch(/1 messages lost/)
      return
    }
    throw new Error('no sample program sent a message')
  })

  it('a second DOWN for one monitor is reported, on the production runtime too', async () => {
    for (const program of sample) {
      const honest = await onRuntime(program)
      if (honest.downs === 0) continue
      const tampered = await onRuntime(program, (events) => {
        const down = events.find((e) => e._tag === 'Down')
        return down === undefined ? events : [...events, down]
      })
      expect(honest.violations).toEqual([])
      expect(tampered.violations.join('\n')).toMatch(/got 2 DOWNs/)
      return
    }
    throw new Error('no sample program had a DOWN')
  })

  it('a one-sided link is reported', () => {
    const info = (pid: string, links: ReadonlyArray<string>) =>
      ({
        pid,
        links,
        name: { _tag: 'None' },
        status: 'waiting',
        mailbox: 0,
        monitors: [],
        trapExit: false
      }) as unknown as Runtime.ProcessInfo
    expect(symmetric([info('a', ['b']), info('b', ['a'])])).toEqual([])
    expect(symmetric([info('a', ['b']), info('b', [])])).toEqual(['link a -> b is one-sided'])
  })
})
