/**
 * The node benchmarks (`npm run bench:nodes`): the worker-thread transport
 * against a bare `MessageChannel`, and a CPU-bound fan-out on two worker
 * threads against one.
 *
 * Each run is a fresh Node process (`bench/nodes/workload.ts`); the sides of
 * a row alternate and swap which goes first every round, so a change in the
 * machine's load hits both alike. Prints the medians, their ratio, the
 * target, and the load average before and after (the machine is shared).
 *
 * Usage: `npm run bench:nodes`, `BENCH_RUNS=7 npm run bench:nodes`,
 * `npm run bench:nodes -- pingpong`, `BENCH_SCALE=0.2 ...` for a quick run.
 */
import { spawn } from 'node:child_process'
import * as os from 'node:os'
import { fileURLToPath } from 'node:url'

interface Row {
  readonly workload: 'pingpong' | 'oneway' | 'relay' | 'fanout'
  readonly sides: readonly [string, string]
  /** The ratio side A / side B must reach; none for a row that only informs. */
  readonly target?: number
  readonly what: string
}

const rows: ReadonlyArray<Row> = [
  {
    workload: 'pingpong',
    sides: ['ours', 'raw'],
    target: 0.7,
    what: 'cross-thread round trips/s, ours / raw MessageChannel'
  },
  {
    workload: 'pingpong',
    sides: ['nowait', 'raw'],
    what: 'the same, ours with busyWaitMicros: 0 (no target: what busy waiting buys)'
  },
  { workload: 'oneway', sides: ['ours', 'raw'], target: 0.7, what: 'one-way messages/s, ours / raw MessageChannel' },
  {
    workload: 'relay',
    sides: ['ours', 'nowait'],
    what: 'worker-to-worker round trips/s through the main thread (three threads), busy waiting / none (no target)'
  },
  { workload: 'fanout', sides: ['two', 'one'], target: 1.6, what: 'CPU-bound jobs/s, two worker threads / one' }
]

const root = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(process.env['BENCH_RUNS'] ?? 5)
const only = process.argv.slice(2)

interface Result {
  readonly value: number
  readonly unit: string
  readonly details: Readonly<Record<string, unknown>>
}

const once = (workload: string, side: string): Promise<Result> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './bench/nodes/use-dist.mjs',
        'bench/nodes/workload.ts',
        '--workload',
        workload,
        '--side',
        side
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (code !== 0 || line === undefined) reject(new Error(`${workload} ${side} failed (exit ${code}): ${out}`))
      else resolve(JSON.parse(line) as Result)
    })
  })

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')

const main = async () => {
  console.log(
    `${runs} fresh-process runs per side, alternating; load average before: ${load()} (${os.cpus().length} cores)`
  )
  const table: Array<string> = [
    '| workload | side A | median A | side B | median B | A/B | target | meets |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |'
  ]
  for (const row of rows) {
    if (only.length > 0 && !only.includes(row.workload)) continue
    const values: Record<string, Array<number>> = { [row.sides[0]]: [], [row.sides[1]]: [] }
    const cpu: Record<string, Array<number>> = { [row.sides[0]]: [], [row.sides[1]]: [] }
    let unit = ''
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? row.sides : ([row.sides[1], row.sides[0]] as const)
      for (const side of order) {
        const r = await once(row.workload, side)
        unit = r.unit
        values[side]!.push(r.value)
        const c = r.details['cpuUsPerRoundTrip']
        if (typeof c === 'number') cpu[side]!.push(c)
      }
    }
    const a = median(values[row.sides[0]]!)
    const b = median(values[row.sides[1]]!)
    const ratio = a / b
    console.log(
      `${row.workload}: ${row.sides[0]} ${values[row.sides[0]]!.map((v) => v.toFixed(0)).join(', ')}; ${row.sides[1]} ${values[row.sides[1]]!.map((v) => v.toFixed(0)).join(', ')} (${unit})`
    )
    for (const side of row.sides) {
      const c = cpu[side]!
      if (c.length > 0) console.log(`  ${side}: CPU per round trip (every thread), median ${median(c).toFixed(1)} us`)
    }
    const target = row.target === undefined ? '-' : `>= ${row.target}x`
    const meets = row.target === undefined ? '-' : ratio >= row.target ? 'yes' : 'no'
    table.push(
      `| ${row.workload} (${unit}) | ${row.sides[0]} | ${a.toFixed(0)} | ${row.sides[1]} | ${b.toFixed(0)} | ${ratio.toFixed(2)}x | ${target} | ${meets} |`
    )
  }
  console.log(`\n${table.join('\n')}\n\nload average after: ${load()}`)
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
