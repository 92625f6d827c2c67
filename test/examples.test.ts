/**
 * Every program in examples/: each example's `main` run in the test process
 * (its result and what it prints), the showcase that runs them in order, and
 * the examples run as scripts (`npm start`, `node --import tsx examples/x.ts`).
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { main as keyValStore } from '../examples/key-val-store.js'
import { main as keyValStoreAgent } from '../examples/key-val-store-agent.js'
import { main as linkedCrash } from '../examples/linked-crash.js'
import { main as parallelMap } from '../examples/parallel-map.js'
import { main as pingPong } from '../examples/ping-pong.js'
import { main as rxPipeline } from '../examples/rx-pipeline.js'
import { main as showcase } from '../examples/showcase.js'
import { main as supervisionTree } from '../examples/supervision-tree.js'
import { main as testingExplore } from '../examples/testing-explore.js'
import { main as testingKit } from '../examples/testing-kit.js'
import { main as testingRuntime } from '../examples/testing-runtime.js'
import { capturedLog } from './support.js'

const root = fileURLToPath(new URL('..', import.meta.url))

const DISK_FULL = '{:defect, %Error{message: "disk full"}}'
const REJECTED_PUT = 'Invalid value "lots" supplied to : Msg/1: Put/value: number'

const kvResult = {
  reads: [
    ['apples', 3],
    ['pears', 5],
    ['apples', 4],
    ['plums', null],
    ['plums', null]
  ],
  storeExit: ':shutdown',
  deadLetters: [REJECTED_PUT]
}

const pingPongLog = (rounds: number): ReadonlyArray<string> =>
  Array.from({ length: rounds }, (_, i) => [`ponger: ping ${i + 1}`, `pinger: pong ${i + 1}`]).flat()

const pingPongResult = (rounds: number) => ({
  pongsReceived: rounds,
  pingsAnswered: rounds,
  pingerExit: `:normal (returned ${rounds})`,
  pongerExit: `:normal (returned ${rounds})`,
  log: pingPongLog(rounds)
})

const linkedCrashResult = {
  exitFrom: 'worker',
  exitReason: DISK_FULL,
  siblingReason: DISK_FULL,
  sameReason: true,
  exits: [`worker exited: ${DISK_FULL}`, `sibling exited: ${DISK_FULL}`],
  parentExit: 'Normal'
}

// The examples print as they go: capture it (and keep the test output quiet).
const lines = capturedLog()

describe('process-model examples', () => {
  it('key-val-store: puts and gets, the malformed Put is a dead letter with its io-ts report', async () => {
    expect(await keyValStore()).toEqual(kvResult)
    expect(lines).toContain(`    io-ts: ${REJECTED_PUT}`)
    expect(lines).toContain('  get apples -> 4')
    expect(lines).toContain('  store stopped: :shutdown')
  })

  it('ping-pong: 3 rounds by default, both players end normally with their counts', async () => {
    expect(await pingPong()).toEqual(pingPongResult(3))
    expect(lines.slice(-1)).toEqual(['  3 pings and pongs exchanged'])
  })

  it('ping-pong: any number of rounds', async () => {
    expect(await pingPong(25)).toEqual(pingPongResult(25))
    expect(await pingPong(0)).toEqual(pingPongResult(0))
  })

  it('linked-crash: the trapping parent gets EXIT, the linked sibling dies of the same reason', async () => {
    expect(await linkedCrash()).toEqual(linkedCrashResult)
    expect(lines).toContain(`  parent: got EXIT from worker: ${DISK_FULL}`)
    expect(lines).toContain(`  [exits$] sibling exited: ${DISK_FULL}`)
  })
})

describe('OTP examples', () => {
  it('key-val-store-agent: the seed KeyValStore as an Agent', async () => {
    expect(await keyValStoreAgent()).toEqual({
      reads: [
        ['apples', 3],
        ['pears', 5],
        ['apples', 4],
        ['plums', null],
        ['plums', 7],
        ['pears', 5]
      ],
      keys: ['apples', 'plums'],
      storeExit: ':normal'
    })
    expect(lines).toContain('  cast plums = 7')
    expect(lines).toContain('  store stopped: :normal')
  })

  it('supervision-tree: survives a throwing worker and a killed counter, and says what restarted', async () => {
    expect(await supervisionTree()).toEqual({
      before: [1, 4, 9, 16, 25, 36],
      countBefore: 6,
      explosion: expect.stringMatching(
        /^\{\{:defect, %Error\{message: "worker-2 exploded"\}\}, \{GenServer\.call, \[#PID<0\.\d+\.0>, \{"_tag":"Explode"\}, 5000\]\}\}$/
      ),
      after: [49, 64, 81],
      countAfter: 3,
      starts: ['counter', 'pool/worker-1', 'pool/worker-2', 'pool/worker-3', 'pool', 'pool/worker-2', 'counter'],
      appChildren: ['pool', 'counter']
    })
    expect(lines.filter((l) => l.startsWith('  restarted '))).toEqual([
      expect.stringMatching(/^ {2}restarted pool\/worker-2 as #PID<0\.\d+\.0>$/),
      expect.stringMatching(/^ {2}restarted counter as #PID<0\.\d+\.0>$/)
    ])
    expect(lines).toContain('  the counter was killed: :killed')
    expect(lines).toContain('  restarted: pool/worker-2, counter')
  })

  it('parallel-map: results in input order, at most 4 at once, a timeout killed or named', async () => {
    expect(await parallelMap()).toEqual({
      sizes: [20, 20, 20, 20, 20, 20, 20, 20, 20, 21, 21, 21],
      peak: 4,
      withKill: ['ok 15', 'exit :timeout', 'ok 16'],
      withExit: '{:timeout, {Task.asyncStream, [300, "/slow"]}}'
    })
    expect(lines).toContain("  with onTimeout 'exit': :timeout on /slow")
  })
})

describe('Rx examples', () => {
  it('rx-pipeline: every job answered, in order, by the supervised pool; the crashed job re-dispatched', async () => {
    const failed = '{:defect, %Error{message: "job 7 failed"}}'
    expect(await rxPipeline()).toEqual({
      results: [1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144],
      redispatched: [7],
      workerStarts: ['worker-1', 'worker-2', 'worker-3', expect.stringMatching(/^worker-[123]$/)],
      why: [`worker died (${failed}): link from job 7, which died (${failed}): it threw`]
    })
    expect(lines.filter((l) => l.startsWith('  answer: '))).toEqual(
      [1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144].map((n) => `  answer: ${n}`)
    )
    expect(lines.filter((l) => l.startsWith('  exit: '))).toEqual([
      `  exit: job 7 ${failed} (threw)`,
      expect.stringMatching(/^ {2}exit: worker \{:defect, %Error\{message: "job 7 failed"\}\} \(link from job 7\)$/)
    ])
    expect(lines).toContain('  the pool puts job 7 back in the queue: its worker died')
    expect(lines).toContain('  all 12 answers, in order: 1 4 9 16 25 36 49 64 81 100 121 144')
  })
})

describe('testing examples', () => {
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

describe('showcase', () => {
  it('showcase: runs the examples in order', async () => {
    const result = await showcase()
    expect({ keyValStore: result.keyValStore, pingPong: result.pingPong, linkedCrash: result.linkedCrash }).toEqual({
      keyValStore: kvResult,
      pingPong: pingPongResult(3),
      linkedCrash: linkedCrashResult
    })
    expect(result.supervisionTree.starts).toEqual([
      'counter',
      'pool/worker-1',
      'pool/worker-2',
      'pool/worker-3',
      'pool',
      'pool/worker-2',
      'counter'
    ])
    expect(result.parallelMap.peak).toBeLessThanOrEqual(4)
    expect(result.testingExplore.replayMatches).toBe(true)
    expect(result.rxPipeline.results).toEqual([1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144])
    const headings = lines.filter((l) => /^== \d\. /.test(l))
    const expected = [
      '== 1. KeyValStore',
      '== 2. Ping-pong',
      '== 3. Linked crash',
      '== 4. The same KeyValStore as an Agent',
      '== 5. A supervision tree surviving injected crashes',
      '== 6. Task.asyncStream',
      '== 7. TestRuntime.explore',
      '== 8. RxJS pipeline'
    ]
    expect(headings.length).toBe(expected.length)
    headings.forEach((h, i) => expect(h.startsWith(expected[i] ?? '?'), h).toBe(true))
    expect(lines.slice(-1)).toEqual(['All examples done.'])
  })
})

interface ScriptRun {
  /** Set when the script could not be started or was killed (the timeout). */
  readonly error: Error | undefined
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs an example as a script, as `tsx` does (one Node process with tsx's loader). */
const runScript = (file: string): Promise<ScriptRun> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        const exited = error === null || (typeof error.code === 'number' && error.killed !== true)
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ error: exited ? undefined : (error ?? undefined), status, stdout, stderr })
      }
    )
  })

// started together, so the scripts run side by side
let scriptRuns: ReadonlyMap<string, Promise<ScriptRun>> = new Map()
const scriptRun = (file: string): Promise<ScriptRun> => {
  if (scriptRuns.size === 0) {
    scriptRuns = new Map(
      [
        'examples/showcase.ts',
        'examples/testing-kit.ts',
        'examples/testing-runtime.ts',
        'examples/testing-explore.ts'
      ].map((f) => [f, runScript(f)] as const)
    )
  }
  const run = scriptRuns.get(file)
  if (run === undefined) throw new Error(`not a script this test runs: ${file}`)
  return run
}

describe('examples run as scripts (npm start, node --import tsx examples/x.ts)', () => {
  it('npm start: exits 0 and prints every example once, in order', { timeout: 90_000 }, async () => {
    const child = await scriptRun('examples/showcase.ts')
    expect(child.error).toBeUndefined()
    // no crash report, no failed finalizer (Node may print notices on stderr, so not an exact check)
    expect(child.stderr).not.toMatch(/Error|fp-ts-actors:/)
    expect(child.status).toBe(0)
    const all = child.stdout.split('\n')
    // the first three sections (the later ones print some of the same lines)
    const out = [
      ...all.slice(
        0,
        all.findIndex((l) => l.startsWith('== 4.'))
      ),
      all[all.length - 2] ?? ''
    ]
    expect(all.some((l) => l.startsWith('== 5. A supervision tree surviving injected crashes'))).toBe(true)
    expect(all).toContain('  restarted: pool/worker-2, counter')
    const keyLines = [
      '== 1. KeyValStore: state in a receive loop',
      '  get apples -> 3',
      '  get apples -> 4',
      `    io-ts: ${REJECTED_PUT}`,
      '  store stopped: :shutdown',
      '== 2. Ping-pong: typed messages between two processes',
      '  ponger: ping 3',
      '  pinger: pong 3',
      '  3 pings and pongs exchanged',
      '== 3. Linked crash: exit signals, trapped and not',
      `  [exits$] worker exited: ${DISK_FULL}`,
      `  parent: got EXIT from worker: ${DISK_FULL}`,
      `  parent: got DOWN for the sibling: ${DISK_FULL}`,
      'All examples done.'
    ]
    // each key line appears exactly once (importing an example does not run it a second time) ...
    for (const line of keyLines) {
      expect(out.filter((l) => l.startsWith(line)).length, line).toBe(1)
    }
    // ... and in this order
    const positions = keyLines.map((line) => out.findIndex((l) => l.startsWith(line)))
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    expect(out).toContain(`  [exits$] sibling exited: ${DISK_FULL}`)
  })

  it(
    'each testing example runs its main when executed directly, exits 0 and prints its summary',
    { timeout: 180_000 },
    async () => {
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
        const child = await scriptRun(file)
        expect(child.error).toBeUndefined()
        expect(child.stderr).not.toMatch(/Error|fp-ts-actors:/)
        expect(child.status).toBe(0)
        const out = child.stdout.split('\n')
        for (const line of keyLines) expect(out.filter((l) => l === line).length, `${file}: ${line}`).toBe(1)
      }
    }
  )
})
