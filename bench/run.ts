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
import { scale, type Result } from './harness.js'
import type { IdiomResult } from './shared/idiom.js'

/**
 * One side of a comparison: `ours` (the flatMap idioms), `gen` (the same in `Effect.gen` style), `floor`,
 * `bare` (ours's own effects on the least interpreter that runs them: `bench/shared/bare.ts`);
 * with `BENCH_BASE=<another build's dist/index.js>`, `base` and `base-gen` run ours and gen on that build.
 */
type Side = 'ours' | 'gen' | 'floor' | 'bare' | 'base' | 'base-gen'

/** `BENCH_BASE`: an absolute path to another revision's `dist/index.js`, measured beside this one. */
const BASE =
  process.env['BENCH_BASE'] === undefined || process.env['BENCH_BASE'] === '' ? undefined : process.env['BENCH_BASE']

/** The sides of a workload, with the base build's when `BENCH_BASE` is set. */
const sidesOf = (w: Workload): ReadonlyArray<Side> => {
  if (BASE === undefined) return w.sides
  if (w.suite === 'shared') return [...w.sides, 'base', 'base-gen']
  return w.name === 'import' ? ['ours', 'base'] : w.sides
}

interface Workload {
  readonly name: string
  /** `shared`: the user workloads and the hand-written floor in `bench/shared/`; `own`: `bench/workloads/`. */
  readonly suite: 'shared' | 'own'
  readonly sides: ReadonlyArray<Side>
  /** Run by `npm run bench` without names (the `own-*` copies of the shared workloads only when named). */
  readonly byDefault: boolean
  /** What the project asks, in words, and whether a row meets it (`gen` is NaN when the row has no gen side). */
  readonly target: string
  readonly meets: (ours: number, floor: number, gen: number) => boolean
}

/** A rate workload of the shared suite; `bare`: with the bound of its effects (ring, pingpong, fan-in). */
const rate = (name: string, bare: boolean): Workload => ({
  name,
  suite: 'shared',
  sides: bare ? ['ours', 'gen', 'floor', 'bare'] : ['ours', 'gen', 'floor'],
  byDefault: true,
  target: 'ours >= 0.5x floor; gen >= 0.5x ours',
  meets: (o, f, g) => o / f >= 0.5 && g / o >= 0.5
})
const own = (name: string, byDefault: boolean, target: string, meets: Workload['meets']): Workload => ({
  name,
  suite: 'own',
  sides: ['ours', 'floor'],
  byDefault,
  target,
  meets
})

const WORKLOADS: ReadonlyArray<Workload> = [
  rate('ring', true),
  rate('pingpong', true),
  rate('spawn', false),
  rate('fanin', true),
  {
    name: 'memory',
    suite: 'shared',
    sides: ['ours', 'gen', 'floor'],
    byDefault: true,
    target: 'ours <= 400 B; gen <= 500 B',
    meets: (o, _f, g) => o <= 400 && g <= 500
  },
  own('loop', true, 'flat heap (< 1 MiB growth)', (o) => o < 1024 * 1024),
  own('ask', true, '>= 0.25x floor (RxJS mergeMap)', (o, f) => o / f >= 0.25),
  {
    name: 'import',
    suite: 'own',
    sides: ['ours'],
    byDefault: true,
    target: 'cold import of dist/index.js (report only)',
    meets: () => true
  },
  own('own-ring', false, '>= 0.5x floor', (o, f) => o / f >= 0.5),
  own('own-pingpong', false, '>= 0.5x floor', (o, f) => o / f >= 0.5),
  own('own-spawn', false, '>= 0.5x floor', (o, f) => o / f >= 0.5),
  own('own-fanin', false, '>= 0.5x floor', (o, f) => o / f >= 0.5),
  own('own-memory', false, '< 400 B/process', (o) => o < 400)
]

const here = dirname(fileURLToPath(import.meta.url))
const root = dirname(here)

/**
 * `npm run bench` builds first: the workloads then run against dist/ (the JavaScript users run),
 * not the TypeScript sources as tsx transpiles them (about 20% slower in pingpong). The shared
 * workloads import the package by its name, which resolves to dist/ through package.json's exports.
 */
const useDist: ReadonlyArray<string> = existsSync(join(root, 'dist', 'index.js'))
  ? ['--import', './bench/use-dist.mjs']
  : []
if (useDist.length === 0) {
  console.error('bench: dist/ is not built (npm run build first)')
  process.exit(1)
}

/** The shared harness's sizes, times `BENCH_SCALE`. */
const sharedSizes = (s: number): Record<string, string> => {
  const n = (x: number): string => String(Math.max(1, Math.round(x * s)))
  return {
    RING_N: n(10_000),
    RING_M: n(1_000_000),
    PINGPONG_N: n(500_000),
    SPAWN_N: n(100_000),
    MEMORY_N: n(100_000),
    FANIN_SENDERS: n(1_000),
    FANIN_MSGS: n(1_000)
  }
}

const SHARED_FILE: Record<Side, string> = {
  ours: 'user-workloads.ts',
  gen: 'gen-workloads.ts',
  floor: 'floor-workloads.ts',
  bare: 'bare-workloads.ts',
  base: 'user-workloads.ts',
  'base-gen': 'gen-workloads.ts'
}

/** What one run printed, whichever suite it came from. */
interface Run {
  readonly value: number
  readonly unit: string
  readonly ms: number
  readonly cpuValue?: number | undefined
  readonly details?: Readonly<Record<string, unknown>> | undefined
}

/** A failed run: how it ended and what it printed on stderr. */
interface Failure {
  readonly workload: string
  readonly side: Side
  readonly run: number
  readonly message: string
}

/** The command line of one run of `w` on `side`. */
const commandOf = (w: Workload, side: Side): ReadonlyArray<string> =>
  w.suite === 'shared'
    ? ['--expose-gc', '--import', 'tsx', join(here, 'shared', SHARED_FILE[side]), w.name]
    : [
        '--expose-gc',
        '--import',
        'tsx',
        ...useDist,
        join(here, 'workloads', `${w.name.replace(/^own-/, '')}.ts`),
        '--impl',
        side === 'base' ? 'ours' : side
      ]

/** Reads a run's result line (either suite's format) into a `Run`, or says why it is not one. */
const parseRun = (w: Workload, side: Side, line: string): Run => {
  const r = JSON.parse(line) as Partial<Result> & { readonly params?: unknown }
  const name = w.name.replace(/^own-/, '')
  if (r.workload !== name || typeof r.value !== 'number' || !Number.isFinite(r.value) || typeof r.unit !== 'string') {
    throw new Error(`printed an unexpected result line: ${line}`)
  }
  if (w.suite === 'own' && r.impl !== (side === 'base' ? 'ours' : side))
    throw new Error(`printed a result line of another side: ${line}`)
  return { value: r.value, unit: r.unit, ms: r.ms ?? NaN, cpuValue: r.cpuValue, details: r.details }
}

/** Runs one workload once in a fresh Node process; resolves with its result, or rejects with why not. */
const runOnce = (w: Workload, side: Side, s: number, timeoutMs: number): Promise<Run> =>
  new Promise((resolve, reject) => {
    const lib = side === 'base' || side === 'base-gen' ? { FPTS_ACTORS_LIB: BASE } : { FPTS_ACTORS_LIB: undefined }
    const env = { ...process.env, ...(w.suite === 'shared' ? sharedSizes(s) : {}), ...lib }
    const child = spawn(process.execPath, commandOf(w, side), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (x: string) => (out += x))
    child.stderr.setEncoding('utf8').on('data', (x: string) => (err += x))
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
        resolve(parseRun(w, side, line))
      } catch (e) {
        reject(e instanceof SyntaxError ? new Error(`printed a result line that is not JSON: ${line}`) : e)
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

const isRate = (unit: string): boolean => unit.endsWith('/s')

const fmt = (r: Run | undefined, value: number): string => {
  if (r === undefined) return 'n/a'
  if (isRate(r.unit)) return `${si(value)} ${r.unit}`
  if (r.unit === 'ms') return `${value.toFixed(1)} ms`
  return `${value.toFixed(1)} ${r.unit.startsWith('bytes/proc') ? 'B/process' : 'B growth'}`
}

interface Row {
  readonly workload: Workload
  readonly results: Record<Side, Array<Run>>
}

const medianOf = (rs: ReadonlyArray<Run>, pick: (r: Run) => number | undefined): number | undefined => {
  const xs = rs.map(pick).filter((x): x is number => x !== undefined)
  return xs.length === 0 ? undefined : median(xs)
}

const ratio = (a: number | undefined, b: number | undefined, unit: string): string =>
  a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(2)}x${isRate(unit) ? '' : ' (lower is better)'}`

const table = (rows: ReadonlyArray<Row>): string => {
  const withBase = rows.some((r) => r.results.base.length > 0)
  const head = ['workload', 'ours', 'gen', 'floor', 'ours/floor', 'gen/floor', 'gen/ours', 'ours/floor by CPU time']
  const withBare = rows.some((r) => r.results.bare.length > 0)
  if (withBare) head.push('bare', 'bare/floor', 'ours/bare')
  if (withBase) head.push('base', 'base gen', 'base/floor', 'base gen/floor')
  head.push('target', 'meets')
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---|').join('')}`]
  for (const { workload, results } of rows) {
    const m = (side: Side): number | undefined => medianOf(results[side], (r) => r.value)
    const [mo, mg, mf] = [m('ours'), m('gen'), m('floor')]
    const has = (side: Side): boolean => sidesOf(workload).includes(side)
    const cell = (side: Side, v: number | undefined): string =>
      !has(side) ? 'n/a' : v === undefined ? 'FAILED' : fmt(results[side][0], v)
    const unit = (results.ours[0] ?? results.floor[0])?.unit ?? ''
    const co = medianOf(results.ours, (r) => r.cpuValue)
    const cf = medianOf(results.floor, (r) => r.cpuValue)
    const loop = workload.name === 'loop'
    const meets =
      mo === undefined || (has('floor') && mf === undefined) || (has('gen') && mg === undefined)
        ? 'no'
        : workload.meets(mo, mf ?? NaN, mg ?? NaN)
          ? 'yes'
          : 'no'
    const cells = [
      workload.name,
      cell('ours', mo),
      cell('gen', mg),
      cell('floor', mf),
      loop ? 'n/a' : ratio(mo, mf, unit),
      ratio(mg, mf, unit),
      ratio(mg, mo, unit),
      ratio(co, cf, 'x/s')
    ]
    if (withBare) {
      const mb = m('bare')
      cells.push(cell('bare', mb), has('bare') ? ratio(mb, mf, unit) : 'n/a', has('bare') ? ratio(mo, mb, unit) : 'n/a')
    }
    if (withBase) {
      const [mb, mbg] = [m('base'), m('base-gen')]
      cells.push(cell('base', mb), cell('base-gen', mbg), ratio(mb, mf, unit), ratio(mbg, mf, unit))
    }
    cells.push(workload.target, meets)
    lines.push(`| ${cells.join(' | ')} |`)
  }
  return lines.join('\n')
}

/** Every run's value, and the loop workload's heap samples. */
const detail = (rows: ReadonlyArray<Row>): string => {
  const lines = ['| workload | side | runs (in order) | median |', '|---|---|---|---|']
  for (const { workload, results } of rows) {
    for (const side of sidesOf(workload)) {
      const rs = results[side]
      const first = rs[0]
      if (first === undefined) continue
      const all = rs.map((r) => fmt(r, r.value)).join(', ')
      lines.push(`| ${workload.name} | ${side} | ${all} | ${fmt(first, median(rs.map((r) => r.value)))} |`)
    }
  }
  const loops = rows.find((r) => r.workload.name === 'loop')
  if (loops !== undefined) {
    lines.push('', 'Receive-loop heap samples (heapUsed after a forced GC at 10%, 50%, 90% of the receives):', '')
    for (const side of loops.workload.sides) {
      for (const r of loops.results[side]) {
        const s = (r.details?.['samples'] ?? []) as ReadonlyArray<number>
        const mps = (r.details?.['messagesPerSecond'] ?? 0) as number
        const path = s.map((x) => `${(x / 1024 / 1024).toFixed(2)} MiB`).join(' -> ')
        lines.push(`- ${side}: ${path} (growth ${r.value} B, ${si(mps)} messages/s)`)
      }
    }
  }
  return lines.join('\n')
}

/**
 * `bench/shared/idiom.ts` once, in a fresh process, at the suite's size: the
 * fan-in's and pingpong's own effects stepped with no runtime, beside the
 * floor's medians of this run (what 0.5x the floor leaves the runtime).
 * Empty when neither workload ran; a line saying why when it failed.
 */
const idiomSection = async (rows: ReadonlyArray<Row>, s: number): Promise<string> => {
  const floorNs = (name: string): number | undefined => {
    const row = rows.find((r) => r.workload.name === name)
    const rate = row === undefined ? undefined : medianOf(row.results.floor, (r) => r.value)
    return rate === undefined ? undefined : 1e9 / rate
  }
  const floors = { fanin: floorNs('fanin'), pingpong: floorNs('pingpong') }
  if (floors.fanin === undefined && floors.pingpong === undefined) return ''
  const n = Math.max(1000, Math.round(1_000_000 * s))
  const passes = 6
  const title = '## The idiom alone'
  let result: IdiomResult
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(here, 'shared', 'idiom.ts'), String(n), String(passes)],
        {
          cwd: root,
          env: { ...process.env, FPTS_ACTORS_LIB: undefined },
          stdio: ['ignore', 'pipe', 'inherit']
        }
      )
      let text = ''
      child.stdout.setEncoding('utf8').on('data', (x: string) => (text += x))
      child.on('error', reject)
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`exited with ${code}`))))
    })
    result = JSON.parse(out.trim().split('\n').at(-1) ?? '') as IdiomResult
  } catch (e) {
    return `${title}\n\nbench/shared/idiom.ts failed: ${e instanceof Error ? e.message : String(e)}\n`
  }
  const ns = (x: number): string => `${x.toFixed(1)} ns`
  const line = (name: 'fanin' | 'pingpong', per: string): string | undefined => {
    const floor = floors[name]
    const perPass = result[name]
    if (floor === undefined || perPass.length < 3) return undefined
    const early = perPass.slice(0, 2)
    const late = Math.min(...perPass.slice(2))
    const left = (x: number): string => (2 * floor - x > 0 ? ns(2 * floor - x) : 'none')
    return `| ${name}, per ${per} | ${early.map(ns).join(' / ')} | ${ns(late)} | ${ns(floor)} | ${left(late)} / ${early.map(left).join(' / ')} |`
  }
  const body = [line('fanin', 'message'), line('pingpong', 'round trip')].filter((l) => l !== undefined)
  return [
    title,
    '',
    `\`bench/shared/idiom.ts\` (one fresh process, ${n.toLocaleString('en-US')} messages and round trips, ${passes} passes): ` +
      'the effects of `ours` built by the same constructors and stepped by hand, with no runtime (README, ' +
      '"What is left for the runtime in fan-in and pingpong"); the floor is this run\'s median. The harness\'s ' +
      'measured pass follows a warm-up of a tenth of the size, so it runs like the first passes.',
    '',
    "| workload | the effects alone, passes 1 / 2 | from pass 3 (best) | the floor's whole workload | 0.5x the floor leaves the runtime: from pass 3 / passes 1 / 2 |",
    '|---|---|---|---|---|',
    ...body,
    ''
  ].join('\n')
}

const positiveInt = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`)
  return n
}

/** Round `i`'s order of the sides: rotated every round, so drift in the machine's load hits every side alike. */
const orderOf = (sides: ReadonlyArray<Side>, i: number): ReadonlyArray<Side> => {
  const k = i % sides.length
  const rotated = [...sides.slice(k), ...sides.slice(0, k)]
  return i % 2 === 0 ? rotated : rotated.reverse()
}

const run = async (): Promise<number> => {
  const runs = positiveInt('BENCH_RUNS', 5)
  const s = scale()
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
  const unknown = wanted.filter((w) => !WORKLOADS.some((x) => x.name === w))
  if (unknown.length > 0) {
    throw new Error(`unknown workload(s) ${unknown.join(', ')}; known: ${WORKLOADS.map((w) => w.name).join(', ')}`)
  }
  const selected =
    wanted.length === 0 ? WORKLOADS.filter((w) => w.byDefault) : WORKLOADS.filter((w) => wanted.includes(w.name))
  const timeoutMs = Math.max(60_000, 300_000 * s)
  const started = new Date()
  const load = os.loadavg()
  const cpus = os.cpus()
  const machine = `${cpus.length} x ${cpus[0]?.model ?? 'unknown cpu'}, ${os.platform()} ${os.release()}`
  const loads = (ls: ReadonlyArray<number>): string => ls.map((l) => l.toFixed(2)).join(' / ')
  console.log(
    `fp-ts-actors benchmarks: ${runs} runs per side, BENCH_SCALE=${s}, ` +
      `node ${process.version}, ${machine}, load ${loads(load)}`
  )
  const rows: Array<Row> = []
  const failures: Array<Failure> = []
  for (const workload of selected) {
    const results: Record<Side, Array<Run>> = { ours: [], gen: [], floor: [], bare: [], base: [], 'base-gen': [] }
    for (let i = 0; i < runs; i++) {
      for (const side of orderOf(sidesOf(workload), i)) {
        try {
          const r = await runOnce(workload, side, s, timeoutMs)
          results[side].push(r)
          console.log(`  ${workload.name} ${side} #${i + 1}: ${fmt(r, r.value)} (${r.ms.toFixed(0)} ms)`)
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e)
          failures.push({ workload: workload.name, side, run: i + 1, message })
          console.log(`  ${workload.name} ${side} #${i + 1}: FAILED: ${message}`)
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
      `${runs} runs per side (each in a fresh Node process), BENCH_SCALE=${s}. ` +
      `Load average ${loads(load)} at the start, ${loads(endLoad)} at the end.`,
    '',
    'Medians. ring, pingpong, spawn, fanin, memory: `ours` is `bench/shared/user-workloads.ts` (the idioms users ' +
      'write: `Effect.flatMap` receive loops), `gen` the same workloads in `Effect.gen` style ' +
      '(`bench/shared/gen-workloads.ts`), `floor` the hand-written runtime of `bench/shared/floor-*.ts`, ' +
      '`bare` (ring, pingpong, fanin) the effects of `ours` on the least interpreter that runs them ' +
      '(`bench/shared/bare.ts`: what the idiom leaves of the floor). ' +
      'loop, ask: `bench/workloads/` against `bench/floor.ts`. See `bench/README.md`.',
    ''
  ].join('\n')
  const idiom = await idiomSection(rows, s)
  const body = `${table(rows)}\n\n${idiom === '' ? '' : `${idiom}\n`}## All runs\n\n${detail(rows)}\n`
  const brief = (f: Failure): string =>
    `- ${f.workload} ${f.side} run ${f.run}: ${f.message.split('\n').filter(Boolean).slice(0, 2).join(': ')}`
  const failed = failures.length === 0 ? '' : `\n## Failures\n\n${failures.map(brief).join('\n')}\n`
  const markdown = `${header}\n${body}${failed}`
  console.log(`\n${table(rows)}\n${idiom === '' ? '' : `\n${idiom}`}`)
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
  const full = wanted.length === 0
  if (s === 1 && full && BASE === undefined) {
    writeFileSync(join(here, 'RESULTS.md'), markdown)
    console.log(`table written to ${join(here, 'RESULTS.md')}`)
  } else {
    writeFileSync(join(here, 'results', 'latest.md'), markdown)
    console.log('not the default suite at BENCH_SCALE=1: bench/RESULTS.md is left as it was')
    console.log(`table written to ${join(here, 'results', 'latest.md')}`)
  }
  if (failures.length > 0) {
    console.error(`\n${failures.length} run(s) failed:`)
    for (const f of failures) console.error(`- ${f.workload} ${f.side} run ${f.run}: ${f.message}`)
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
