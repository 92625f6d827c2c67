/**
 * The benchmark runner (`npm run bench`).
 *
 * For each workload it runs `bench/workloads/<name>.ts --impl ours` and
 * `--impl floor` `BENCH_RUNS` times each (default 5), every run in a fresh
 * `node --expose-gc --import tsx` process, alternating the two
 * implementations; parses the JSON line each run prints; takes the medians and
 * prints a markdown table of ours, the floor and their ratio. The table goes to
 * `bench/RESULTS.md` too when the whole suite ran at `BENCH_SCALE=1`; every
 * invocation also writes its raw runs to `bench/results/<time>.json` (not
 * committed).
 *
 * Usage: `npm run bench`, `npm run bench -- ring pingpong`,
 * `BENCH_SCALE=0.1 BENCH_RUNS=3 npm run bench`.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { scale, type Impl, type Result } from './harness.js'

interface Workload {
  readonly name: string
  /** What the project asks of ours, in words, and whether a row meets it. */
  readonly target: string
  readonly meets: (ours: number, floor: number) => boolean
}

const WORKLOADS: ReadonlyArray<Workload> = [
  { name: 'ring', target: '>= 0.5x floor', meets: (o, f) => o / f >= 0.5 },
  { name: 'pingpong', target: '>= 0.5x floor', meets: (o, f) => o / f >= 0.5 },
  { name: 'spawn', target: '>= 0.5x floor', meets: (o, f) => o / f >= 0.5 },
  { name: 'fanin', target: '>= 0.5x floor', meets: (o, f) => o / f >= 0.5 },
  { name: 'memory', target: '< 400 B/process', meets: (o) => o < 400 },
  { name: 'loop', target: 'flat heap (< 1 MiB growth)', meets: (o) => o < 1024 * 1024 },
  { name: 'ask', target: '>= 0.25x floor (RxJS mergeMap)', meets: (o, f) => o / f >= 0.25 }
]

const IMPLS: ReadonlyArray<Impl> = ['ours', 'floor']

const here = dirname(fileURLToPath(import.meta.url))
const root = dirname(here)

/**
 * `npm run bench` builds first: the workloads then run against dist/ (the JavaScript users run),
 * not the TypeScript sources as tsx transpiles them (about 20% slower in pingpong).
 */
const useDist: ReadonlyArray<string> = existsSync(join(root, 'dist', 'index.js'))
  ? ['--import', './bench/use-dist.mjs']
  : []
if (useDist.length === 0)
  console.error('bench: dist/ is not built, measuring the sources through tsx (npm run build first)')

/** A failed run: how it ended and what it printed on stderr. */
interface Failure {
  readonly workload: string
  readonly impl: Impl
  readonly run: number
  readonly message: string
}

/** Runs one workload once in a fresh Node process; resolves with its result line, or rejects with why not. */
const runOnce = (workload: string, which: Impl, timeoutMs: number): Promise<Result> =>
  new Promise((resolve, reject) => {
    const args = [
      '--expose-gc',
      '--import',
      'tsx',
      ...useDist,
      join(here, 'workloads', `${workload}.ts`),
      '--impl',
      which
    ]
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code !== 0) {
        const how =
          signal === null
            ? `exited with code ${code}`
            : `was killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutMs} ms?)` : ''}`
        return reject(new Error(`${how}\n${err.trim()}`))
      }
      const line = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .pop()
      if (line === undefined) return reject(new Error(`printed no result line; stdout: ${JSON.stringify(out)}`))
      try {
        const r = JSON.parse(line) as Result
        if (r.workload !== workload || r.impl !== which || typeof r.value !== 'number' || !Number.isFinite(r.value)) {
          return reject(new Error(`printed an unexpected result line: ${line}`))
        }
        resolve(r)
      } catch (e) {
        reject(new Error(`printed a result line that is not JSON: ${line} (${String(e)})`))
      }
    })
  })

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

/** 1234567 -> '1.23M'. */
const si = (x: number): string => {
  const a = Math.abs(x)
  if (a >= 1e9) return `${(x / 1e9).toFixed(2)}G`
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)}M`
  if (a >= 1e3) return `${(x / 1e3).toFixed(1)}k`
  return x.toFixed(x === Math.round(x) ? 0 : 1)
}

const fmt = (r: Result | undefined, value: number): string => {
  if (r === undefined) return 'n/a'
  if (r.unit.endsWith('/s')) return `${si(value)} ${r.unit}`
  return `${value.toFixed(1)} ${r.unit === 'bytes/process' ? 'B/process' : 'B growth'}`
}

interface Row {
  readonly workload: Workload
  readonly results: Record<Impl, Array<Result>>
}

const medianOf = (rs: ReadonlyArray<Result>, pick: (r: Result) => number | undefined): number | undefined => {
  const xs = rs.map(pick).filter((x): x is number => x !== undefined)
  return xs.length === 0 ? undefined : median(xs)
}

const table = (rows: ReadonlyArray<Row>): string => {
  const lines = [
    '| workload | ours | floor | ours/floor | ours/floor by CPU time | target | meets |',
    '|---|---|---|---|---|---|---|'
  ]
  for (const { workload, results } of rows) {
    const o = results.ours
    const f = results.floor
    const mo = medianOf(o, (r) => r.value)
    const mf = medianOf(f, (r) => r.value)
    const cell = (rs: ReadonlyArray<Result>, m: number | undefined): string =>
      m === undefined ? 'FAILED' : fmt(rs[0], m)
    if (mo === undefined || mf === undefined) {
      lines.push(`| ${workload.name} | ${cell(o, mo)} | ${cell(f, mf)} | n/a | n/a | ${workload.target} | no |`)
      continue
    }
    const first = o[0] as Result
    const co = medianOf(o, (r) => r.cpuValue)
    const cf = medianOf(f, (r) => r.cpuValue)
    const ratio =
      workload.name === 'loop' ? 'n/a' : `${(mo / mf).toFixed(2)}x${first.higherIsBetter ? '' : ' (lower is better)'}`
    const cpuRatio = co === undefined || cf === undefined ? 'n/a' : `${(co / cf).toFixed(2)}x`
    const meets = workload.meets(mo, mf) ? 'yes' : 'no'
    const cells = [workload.name, cell(o, mo), cell(f, mf), ratio, cpuRatio, workload.target, meets]
    lines.push(`| ${cells.join(' | ')} |`)
  }
  return lines.join('\n')
}

/** Every run's value, and the loop workload's heap samples. */
const detail = (rows: ReadonlyArray<Row>): string => {
  const lines = ['| workload | impl | runs (in order) | median |', '|---|---|---|---|']
  for (const { workload, results } of rows) {
    for (const which of IMPLS) {
      const rs = results[which]
      const first = rs[0]
      if (first === undefined) continue
      const all = rs.map((r) => fmt(r, r.value)).join(', ')
      lines.push(`| ${workload.name} | ${which} | ${all} | ${fmt(first, median(rs.map((r) => r.value)))} |`)
    }
  }
  const loops = rows.find((r) => r.workload.name === 'loop')
  if (loops !== undefined) {
    lines.push('', 'Receive-loop heap samples (heapUsed after a forced GC at 10%, 50%, 90% of the receives):', '')
    for (const which of IMPLS) {
      for (const r of loops.results[which]) {
        const s = (r.details?.['samples'] ?? []) as ReadonlyArray<number>
        const mps = (r.details?.['messagesPerSecond'] ?? 0) as number
        const path = s.map((x) => `${(x / 1024 / 1024).toFixed(2)} MiB`).join(' -> ')
        lines.push(`- ${which}: ${path} (growth ${r.value} B, ${si(mps)} messages/s)`)
      }
    }
  }
  return lines.join('\n')
}

const positiveInt = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`)
  return n
}

const run = async (): Promise<number> => {
  const runs = positiveInt('BENCH_RUNS', 5)
  const s = scale()
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
  const unknown = wanted.filter((w) => !WORKLOADS.some((x) => x.name === w))
  if (unknown.length > 0) {
    throw new Error(`unknown workload(s) ${unknown.join(', ')}; known: ${WORKLOADS.map((w) => w.name).join(', ')}`)
  }
  const selected = wanted.length === 0 ? WORKLOADS : WORKLOADS.filter((w) => wanted.includes(w.name))
  const timeoutMs = Math.max(60_000, 300_000 * s)
  const started = new Date()
  const load = os.loadavg()
  const cpus = os.cpus()
  const machine = `${cpus.length} x ${cpus[0]?.model ?? 'unknown cpu'}, ${os.platform()} ${os.release()}`
  const loads = (ls: ReadonlyArray<number>): string => ls.map((l) => l.toFixed(2)).join(' / ')
  console.log(
    `fp-ts-actors benchmarks: ${runs} runs per implementation, BENCH_SCALE=${s}, ` +
      `node ${process.version}, ${machine}, load ${loads(load)}`
  )
  const rows: Array<Row> = []
  const failures: Array<Failure> = []
  for (const workload of selected) {
    const results: Record<Impl, Array<Result>> = { ours: [], floor: [] }
    for (let i = 0; i < runs; i++) {
      // alternate, and swap which goes first every round, so drift in the machine's load hits both alike
      const order: ReadonlyArray<Impl> = i % 2 === 0 ? IMPLS : [...IMPLS].reverse()
      for (const which of order) {
        try {
          const r = await runOnce(workload.name, which, timeoutMs)
          results[which].push(r)
          console.log(`  ${workload.name} ${which} #${i + 1}: ${fmt(r, r.value)} (${r.ms.toFixed(0)} ms)`)
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e)
          failures.push({ workload: workload.name, impl: which, run: i + 1, message })
          console.log(`  ${workload.name} ${which} #${i + 1}: FAILED: ${message}`)
        }
      }
    }
    rows.push({ workload, results })
  }
  const endLoad = os.loadavg()
  const header = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` on ${started.toISOString()}: Node ${process.version}, ${machine}, ` +
      `${runs} runs per implementation (each in a fresh Node process), BENCH_SCALE=${s}. ` +
      `Load average ${loads(load)} at the start, ${loads(endLoad)} at the end.`,
    '',
    'Medians. `ours` is fp-ts-actors (Effect programs, io-ts codecs in receive, `Runtime.make()`); ' +
      '`floor` is the hand-written plain-TypeScript runtime in `bench/floor.ts`. ' +
      'See `bench/README.md` for what each workload measures.',
    ''
  ].join('\n')
  const body = `${table(rows)}\n\n## All runs\n\n${detail(rows)}\n`
  const brief = (f: Failure): string =>
    `- ${f.workload} ${f.impl} run ${f.run}: ${f.message.split('\n').filter(Boolean).slice(0, 2).join(': ')}`
  const failed = failures.length === 0 ? '' : `\n## Failures\n\n${failures.map(brief).join('\n')}\n`
  const markdown = `${header}\n${body}${failed}`
  console.log(`\n${table(rows)}\n`)
  mkdirSync(join(here, 'results'), { recursive: true })
  const raw = join(here, 'results', `${started.toISOString().replace(/[:.]/g, '-')}.json`)
  const dump = {
    started: started.toISOString(),
    node: process.version,
    machine,
    scale: s,
    runs,
    rows: rows.map((r) => ({ workload: r.workload.name, results: r.results })),
    failures
  }
  writeFileSync(raw, JSON.stringify(dump, null, 2))
  console.log(`raw runs: ${raw}`)
  if (s === 1 && selected.length === WORKLOADS.length) {
    writeFileSync(join(here, 'RESULTS.md'), markdown)
    console.log(`table written to ${join(here, 'RESULTS.md')}`)
  } else {
    writeFileSync(join(here, 'results', 'latest.md'), markdown)
    console.log('not the full suite at BENCH_SCALE=1: bench/RESULTS.md is left as it was')
    console.log(`table written to ${join(here, 'results', 'latest.md')}`)
  }
  if (failures.length > 0) {
    console.error(`\n${failures.length} run(s) failed:`)
    for (const f of failures) console.error(`- ${f.workload} ${f.impl} run ${f.run}: ${f.message}`)
    return 1
  }
  return 0
}

run().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e))
    process.exit(1)
  }
)
