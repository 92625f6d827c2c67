/**
 * What every workload shares: the command line (`--impl ours|floor`), the
 * scale (`BENCH_SCALE`), correctness checks that fail loudly, forced GC and
 * heap readings, and the one JSON line a workload prints for the runner.
 */
import type { Exit } from '../lib/index.js'

/** Which implementation a workload runs. */
export type Impl = 'ours' | 'floor'

/** The line a workload prints on stdout (the runner parses the last line that starts with `{`). */
export interface Result {
  readonly workload: string
  readonly impl: Impl
  /** The headline number (a rate, or bytes for the memory workloads). */
  readonly value: number
  /** What `value` counts, e.g. `hops/s`. */
  readonly unit: string
  /** `true` when a larger value is better. */
  readonly higherIsBetter: boolean
  /** Elapsed milliseconds of the measured part. */
  readonly ms: number
  /**
   * For rates: the rate computed from the CPU time the process used (user +
   * system, all threads) instead of the wall clock; less sensitive to other
   * load on the machine.
   */
  readonly cpuValue?: number
  /** Workload-specific details (sizes, heap samples). */
  readonly details?: Readonly<Record<string, unknown>>
}

/** `--impl ours|floor` from the command line. */
export const impl = (): Impl => {
  const i = process.argv.indexOf('--impl')
  const v = i >= 0 ? process.argv[i + 1] : undefined
  if (v !== 'ours' && v !== 'floor') {
    throw new Error(`expected --impl ours|floor on the command line, got ${String(v)}`)
  }
  return v
}

/** `BENCH_SCALE` (default 1): multiplies every workload's size. */
export const scale = (): number => {
  const raw = process.env['BENCH_SCALE']
  if (raw === undefined || raw === '') return 1
  const s = Number(raw)
  if (!Number.isFinite(s) || s <= 0) {
    throw new Error(`BENCH_SCALE must be a positive number, got ${JSON.stringify(raw)}`)
  }
  return s
}

/** `n * scale`, rounded, at least `min`. */
export const scaled = (n: number, min = 1): number => Math.max(min, Math.round(n * scale()))

/** Throws (the workload exits non-zero) when `cond` is false. */
export function check(cond: boolean, what: string): asserts cond {
  if (!cond) throw new Error(`benchmark result is wrong: ${what}`)
}

/** The value a process returned; throws when it exited any other way. */
export const normalValue = <A>(r: Exit.Reason<unknown, A>, who: string): A => {
  check(r._tag === 'Normal' && r.value !== undefined, `${who} exited with ${JSON.stringify(r)}`)
  return r.value
}

/** Forces a full garbage collection (the workload must run under `node --expose-gc`). */
export const gc = (): void => {
  const f = globalThis.gc
  if (f === undefined) throw new Error('run under node --expose-gc (globalThis.gc is missing)')
  f()
  f()
}

/** `heapUsed` after a forced full GC. */
export const heapAfterGc = (): number => {
  gc()
  return process.memoryUsage().heapUsed
}

/** Resolves after the event loop has turned (timers and `setImmediate` callbacks queued before have run). */
export const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Prints the result line and exits (nothing a workload left behind keeps the process alive). */
export const report = (r: Result): never => {
  process.stdout.write(JSON.stringify(r) + '\n')
  process.exit(0)
}

/** Runs a workload and prints its result line; any throw or rejection exits with code 1 and the error on stderr. */
export const main = (body: () => Promise<Result>): void => {
  // a lost message leaves every process waiting: the event loop empties before the workload reports
  process.on('beforeExit', () => {
    process.stderr.write('the workload stalled: the event loop emptied before it finished (a message was lost?)\n')
    process.exit(1)
  })
  body().then(report, (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(1)
  })
}

/** A measurement: wall-clock and CPU milliseconds since `stopwatch()` was called. */
export interface Elapsed {
  readonly ms: number
  readonly cpuMs: number
}

/** Starts measuring; the function it returns reads the elapsed wall-clock and CPU time. */
export const stopwatch = (): (() => Elapsed) => {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  return () => {
    const ms = performance.now() - t0
    const c = process.cpuUsage(c0)
    return { ms, cpuMs: (c.user + c.system) / 1000 }
  }
}

/** Per-second rate of `count` events in `ms` milliseconds. */
export const rate = (count: number, ms: number): number => (count * 1000) / ms

/** The result of a rate workload: `count` events in `elapsed`. */
export const rateResult = (
  workload: string,
  which: Impl,
  count: number,
  unit: string,
  elapsed: Elapsed,
  details: Readonly<Record<string, unknown>>
): Result => ({
  workload,
  impl: which,
  value: rate(count, elapsed.ms),
  unit,
  higherIsBetter: true,
  ms: elapsed.ms,
  cpuValue: rate(count, elapsed.cpuMs),
  details: { ...details, cpuMs: elapsed.cpuMs }
})
