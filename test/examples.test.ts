import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { main as keyValStore } from '../examples/key-val-store.js'
import { main as linkedCrash } from '../examples/linked-crash.js'
import { main as pingPong } from '../examples/ping-pong.js'
import { main as showcase } from '../examples/showcase.js'

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

describe('examples', () => {
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

describe('npx tsx examples/showcase.ts (npm start)', () => {
  it('exits 0 and prints every example once, in order', { timeout: 90_000 }, () => {
    const child = spawnSync('npx', ['tsx', 'examples/showcase.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 })
    expect(child.error).toBeUndefined()
    // no crash report, no failed finalizer (npx itself may print notices on stderr, so not an exact check)
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
})
