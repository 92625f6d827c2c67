import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { main as testingExplore } from '../examples/testing-explore.js'
import { main as testingKit } from '../examples/testing-kit.js'
import { main as testingRuntime } from '../examples/testing-runtime.js'

const root = fileURLToPath(new URL('..', import.meta.url))

describe('testing examples', () => {
  // The examples print as they go: capture it (and keep the test output quiet).
  let lines: Array<string> = []
  beforeEach(() => {
    lines = []
    vi.spyOn(console, 'log').mockImplementation((...args: ReadonlyArray<unknown>) => {
      lines.push(args.map(String).join(' '))
    })
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('testing-kit: a session unit-tested by hand', () => {
    expect(testingKit()).toEqual({
      pongs: [
        { _tag: 'Pong', n: 1 },
        { _tag: 'Pong', n: 2 }
      ],
      closed: { _tag: 'Closed', pings: 2 },
      closedAt: 119_999,
      sessionExit: ':normal (returned "idle for 60000 ms after 2 pings")',
      auditExit: ':normal (returned 2)',
      ownerGoneExit: ':normal (returned "owner gone (:killed) after 0 pings")',
      rejected:
        'TypeError: TestKit.send: the mailbox codec rejects the message: ' +
        'Invalid value "nobody" supplied to : Ping/from: Pid; Invalid value "one" supplied to : Ping/n: number'
    })
    expect(lines.filter((l) => l.startsWith('  ✓ ')).length).toBe(11)
    expect(lines).toContain('  ✓ exactly 60000 ms after the last ping it tells its owner and ends')
  })

  it('testing-runtime: 75 minutes of virtual time, the same trace for the same seed', () => {
    const result = testingRuntime()
    expect(result.exit).toBe(':normal (returned [1,2,3,4,5,6])')
    expect(result.virtualMs).toBe(75 * 60_000)
    expect(result.timersCreated).toBe(13) // 6 sleeps, 7 receives with an after clause
    expect(result.sameTrace).toBe(true)
    expect(result.trace.length).toBe(20)
    // the messages, each at its virtual minute (the same under any interleaving)
    expect(result.trace.filter((l) => /Send|Receive/.test(l))).toEqual([
      ...[1, 2, 3, 4, 5, 6].flatMap((n) => [
        `${String(10 * n).padStart(3)} min  Send #PID<0.3.0> -> #PID<0.2.0> {"_tag":"Beat","n":${n}}`,
        `${String(10 * n).padStart(3)} min  Receive #PID<0.2.0> {"_tag":"Beat","n":${n}}`
      ]),
      ' 75 min  Send #PID<0.2.0> -> #PID<0.1.0> {"_tag":"Alarm","beats":[1,2,3,4,5,6]}',
      ' 75 min  Receive #PID<0.1.0> {"_tag":"Alarm","beats":[1,2,3,4,5,6]}'
    ])
    expect(result.trace[result.trace.length - 1]).toBe(' 75 min  Exit #PID<0.1.0> :normal (returned [1,2,3,4,5,6])')
    // printed, and the same again: a run is a function of its seed
    expect(lines).toContain('== the same seed again: the same trace, byte for byte')
    expect(testingRuntime()).toEqual(result)
    expect(testingRuntime(7).trace.length).toBe(20)
  })

  it('testing-explore: finds the lost update, shrinks it, replays it; the fix passes', () => {
    const result = testingExplore()
    expect(result.productionOrder).toBe(':normal (returned 2)')
    expect(result.failingExit).toBe(':normal (returned 1)')
    expect(result.failure).toBe('check returned false')
    expect(result.run).toBeLessThan(1000)
    expect(result.schedule).toMatch(/^v1:/)
    expect(result.preemptions).toBeGreaterThanOrEqual(1)
    expect(result.preemptions).toBeLessThanOrEqual(3)
    expect(result.replayMatches).toBe(true)
    expect(result.fixPasses).toBe(true)
    // both clients read 0, so both wrote 1
    expect(result.trace.filter((l) => l.startsWith('Send') && l.endsWith('{"_tag":"Value","value":0}')).length).toBe(2)
    expect(result.trace.filter((l) => l.endsWith('{"_tag":"Put","value":1}') && l.startsWith('Send')).length).toBe(2)
    expect(result.trace[result.trace.length - 1]).toBe('Exit #PID<0.1.0> :normal (returned 1)')
    expect(lines).toContain(`  shrunk schedule: ${result.schedule} (${result.preemptions} preemptions/choices)`)
    expect(lines).toContain('== the fix (an atomic Inc): passes all 300 schedules')
  })

  it('testing-explore: with another seed it finds the bug too', () => {
    const result = testingExplore(1000, 20_240)
    expect(result.failingExit).toBe(':normal (returned 1)')
    expect(result.replayMatches).toBe(true)
    expect(result.fixPasses).toBe(true)
  })
})

describe('npx tsx examples/testing-*.ts', () => {
  const runExample = (file: string) => spawnSync('npx', ['tsx', file], { cwd: root, encoding: 'utf8', timeout: 60_000 })

  it('each runs its main when executed directly, exits 0 and prints its summary', { timeout: 180_000 }, () => {
    const expected: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
      [
        'examples/testing-kit.ts',
        ['== a session, driven by hand', '  ✓ the DOWN ends it', "  auditExit: ':normal (returned 2)',"]
      ],
      [
        'examples/testing-runtime.ts',
        [
          '== seed 42: :normal (returned [1,2,3,4,5,6])',
          '== the same seed again: the same trace, byte for byte',
          '  virtualMs: 4500000,'
        ]
      ],
      [
        'examples/testing-explore.ts',
        ['== a plain run (production order): :normal (returned 2)', '  replayMatches: true,', '  fixPasses: true,']
      ]
    ]
    for (const [file, keyLines] of expected) {
      const child = runExample(file)
      expect(child.error).toBeUndefined()
      expect(child.stderr).not.toMatch(/Error|fp-ts-actors:/)
      expect(child.status).toBe(0)
      const out = child.stdout.split('\n')
      for (const line of keyLines) expect(out.filter((l) => l === line).length, `${file}: ${line}`).toBe(1)
    }
  })
})
