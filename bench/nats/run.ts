/**
 * NATS benchmarks, all sides in one run on one fresh nats-server:
 *
 * - `raw`: `@nats-io` pub/sub ping-pong between two OS processes (bench/nats/raw.ts);
 * - `raw-busy`: the same, with the busy wait `Transport.nats` does by default
 *   (50 us after each publish), to compare the two on equal terms;
 * - `transport`: `Transport.nats` alone, endpoints answering at once (bench/nats/transport.ts);
 * - `ours`: a process on node a pinging an echo process on node b, each node its
 *   own OS process, over `Transport.nats` (bench/nats/ours.ts);
 * - `erlang`: the same between two Erlang nodes over distribution on loopback
 *   (bench/nats/erlang.exs), where `elixir` is installed.
 *
 * Each side measures sequential round trips (one at a time) and round trips/s
 * with 32 ping-pong pairs in flight. Runs alternate sides, `NATS_BENCH_RUNS`
 * rounds (default 5); the table shows medians and the ratios to `raw`
 * (sequential: target >= 0.8x) and to `erlang` (32 pairs: target >= 1x).
 *
 *   npx tsx bench/nats/run.ts                       # needs nats-server on PATH
 *   NATS_BENCH_RUNS=3 NATS_BENCH_SCALE=0.2 npx tsx bench/nats/run.ts
 *   npx tsx bench/nats/run.ts raw ours            # some sides only
 *
 * `ours` runs the built package: the runner runs `npm run build` first
 * (`NATS_BENCH_NO_BUILD=1` skips it).
 */
import { spawn, spawnSync } from 'node:child_process'
import { dirname, join, resolve as resolvePath } from 'node:path'
import { fileURLToPath } from 'node:url'
import { natsServerBinary, startNatsServer } from '../../test/nats/server.js'

interface Row {
  readonly seqRoundTripUs: number
  readonly seqPerSec: number
  readonly pairs: number
  readonly parPerSec: number
}

const here = dirname(fileURLToPath(import.meta.url))
const runs = Number(process.env['NATS_BENCH_RUNS'] ?? 5)
const scale = Number(process.env['NATS_BENCH_SCALE'] ?? 1)
const seqN = Math.round(10_000 * scale)
const pairs = 32
const perPair = Math.round(2_000 * scale)

const bin = natsServerBinary()
if (bin === undefined) {
  console.error('nats-server not found on PATH: apt-get install nats-server (or set NATS_SERVER)')
  process.exit(1)
}
const hasElixir = spawnSync('elixir', ['--version']).status === 0

/** Runs `cmd`, resolves with its last stdout line parsed as JSON. */
const runJson = (cmd: string, args: ReadonlyArray<string>, cwd = here): Promise<Row> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? ''
      try {
        resolve(JSON.parse(line) as Row)
      } catch {
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out}`))
      }
    })
  })

/** Starts a long-running helper (an echo side) and waits for its `ready` line. */
const startHelper = (args: ReadonlyArray<string>): Promise<() => void> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes('ready')) resolve(() => child.kill('SIGTERM'))
    })
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before ready`)))
  })

// ours runs the built package (dist/), as users do
if (process.env['NATS_BENCH_NO_BUILD'] === undefined) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: join(here, '../..'), stdio: 'inherit' })
  if (build.status !== 0) process.exit(1)
}
const server = await startNatsServer(bin)
/** One side: its `echo` helper started, then its `ping` run timed (each in a fresh process; `file` is raw, transport or ours). */
const side =
  (name: string) =>
  async (round: number): Promise<Row> => {
    const file = join(here, `${name}.ts`)
    const prefix = `${name}${round}`
    const stop = await startHelper([file, 'echo', server.url, prefix])
    try {
      return await runJson(process.execPath, [
        '--import',
        'tsx',
        file,
        'ping',
        server.url,
        prefix,
        String(seqN),
        String(pairs),
        String(perPair)
      ])
    } finally {
      stop()
    }
  }
const sides: Record<string, (round: number) => Promise<Row>> = {
  raw: side('raw'),
  transport: side('transport'),
  ours: side('ours')
}
/** `run` with `variable` set in the environment the sides' processes inherit. */
const withEnv = async <A>(variable: string, value: string, run: () => Promise<A>): Promise<A> => {
  process.env[variable] = value
  try {
    return await run()
  } finally {
    delete process.env[variable]
  }
}
// raw with the busy wait Transport.nats does by default (50 us after each publish): the two on equal terms
sides['raw-busy'] = (round) => withEnv('NATS_BENCH_RAW_BUSY_WAIT_MICROS', '50', () => sides['raw']!(round + 2000))
// NATS_BENCH_BASE=<dir>: a side `base`, ours on another build's dist/ (before/after in one run)
const base = process.env['NATS_BENCH_BASE']
if (base !== undefined)
  // resolved here: the sides run in other directories
  sides['base'] = (round) => withEnv('NATS_BENCH_DIST', resolvePath(base), () => sides['ours']!(round + 1000))
if (hasElixir)
  sides['erlang'] = () =>
    runJson('elixir', ['--sname', `bench_a_${process.pid}`, 'erlang.exs', String(seqN), String(pairs), String(perPair)])

const only = process.argv.slice(2)
const names = Object.keys(sides).filter((s) => only.length === 0 || only.includes(s))
const results: Record<string, Array<Row>> = Object.fromEntries(names.map((n) => [n, []]))
try {
  for (let round = 0; round < runs; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse()
    for (const name of order) {
      const row = await sides[name]!(round)
      results[name]!.push(row)
      console.error(`round ${round + 1}/${runs} ${name}: ${JSON.stringify(row)}`)
    }
  }
} finally {
  await server.dispose()
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const med = (name: string, key: keyof Row): number => median((results[name] ?? []).map((r) => r[key]))
console.log(
  `\nNATS benchmarks: medians of ${runs} alternating runs, ${seqN} sequential round trips, ${pairs} pairs x ${perPair} in flight\n`
)
console.log('| side | sequential round trip (us) | sequential round trips/s | 32 pairs: round trips/s |')
console.log('|---|---|---|---|')
for (const n of names)
  console.log(
    `| ${n} | ${med(n, 'seqRoundTripUs').toFixed(1)} | ${Math.round(med(n, 'seqPerSec'))} | ${Math.round(med(n, 'parPerSec'))} |`
  )
if (names.includes('ours') && names.includes('raw'))
  console.log(
    `\nsequential: ours / raw = ${(med('ours', 'seqPerSec') / med('raw', 'seqPerSec')).toFixed(2)}x (target >= 0.8x)`
  )
if (names.includes('ours') && names.includes('erlang'))
  console.log(
    `32 pairs: ours / erlang = ${(med('ours', 'parPerSec') / med('erlang', 'parPerSec')).toFixed(2)}x (target >= 1x)`
  )
if (names.includes('transport') && names.includes('raw'))
  console.log(
    `transport alone: sequential ${(med('transport', 'seqPerSec') / med('raw', 'seqPerSec')).toFixed(2)}x raw, 32 pairs ${(med('transport', 'parPerSec') / med('raw', 'parPerSec')).toFixed(2)}x raw`
  )
if (names.includes('ours') && names.includes('raw-busy'))
  console.log(
    `sequential: ours / raw with the same busy wait = ${(med('ours', 'seqPerSec') / med('raw-busy', 'seqPerSec')).toFixed(2)}x`
  )
if (names.includes('ours') && names.includes('raw'))
  console.log(`32 pairs: ours / raw = ${(med('ours', 'parPerSec') / med('raw', 'parPerSec')).toFixed(2)}x`)
