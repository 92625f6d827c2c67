/**
 * A parallel map with bounded concurrency: `Task.asyncStream`.
 *
 * In Elixir:
 *
 * ```elixir
 * urls
 * |> Task.async_stream(&fetch/1, max_concurrency: 4, timeout: 1_000)
 * |> Enum.to_list()
 * # [ok: page, ok: page, ...] in the order of urls
 * ```
 *
 * Each "fetch" is a task (a process linked to the caller) that takes a
 * while; at most `maxConcurrency` run at once, and the results come back in
 * the order of the input. A second run gives each element 300 ms with
 * `onTimeout: 'killTask'`: the slow one is killed and comes back as
 * `left(timeout)` while the others finish. A third run uses the default
 * `onTimeout: 'exit'`: the caller fails, and the failure names the element
 * that timed out.
 *
 * Run it: `npx tsx examples/parallel-map.ts`
 */
import * as E from 'fp-ts/lib/Either.js'
import { Effect, Exit, Runtime } from '../lib/index.js'
import * as Task from '../lib/Task.js'
import { runIfMain } from './run.js'

/** A pretend download: takes a few ms per character of the path, records how many run at once. */
const fetcher = () => {
  const stats = { running: 0, peak: 0, calls: 0 }
  const fetch = (url: string) =>
    Effect.gen(function* () {
      yield* Effect.sync(() => {
        stats.calls++
        stats.running++
        stats.peak = Math.max(stats.peak, stats.running)
      })
      yield* Effect.ensuring(
        Effect.sleep(url.includes('slow') ? 10_000 : 2 * url.length),
        Effect.sync(() => stats.running--)
      )
      return `<html>${url}</html>`.length
    })
  return { stats, fetch }
}

const urls = Array.from({ length: 12 }, (_, i) => `/page/${i + 1}`)

const show = (outcome: Task.Outcome<number>): string =>
  E.isRight(outcome) ? `ok ${outcome.right}` : `exit ${Exit.format(outcome.left)}`

/** What the example returns, so the test can check it. */
export interface ParallelMapResult {
  /** The sizes of the 12 pages, in the order of the urls. */
  readonly sizes: ReadonlyArray<number>
  /** The most fetches that ran at once (bounded by maxConcurrency 4). */
  readonly peak: number
  /** The run with a slow page and onTimeout killTask. */
  readonly withKill: ReadonlyArray<string>
  /** The run with a slow page and onTimeout exit: how it failed. */
  readonly withExit: string
}

const program = Effect.gen(function* () {
  const { stats, fetch } = fetcher()
  const outcomes = yield* Task.asyncStream(urls, fetch, { maxConcurrency: 4, timeout: 1_000 })
  const sizes = outcomes.map((o) => (E.isRight(o) ? o.right : -1))
  console.log(`  fetched ${urls.length} pages (/page/1 to /page/12), at most ${stats.peak} at once (maxConcurrency 4)`)
  console.log(`  their sizes in bytes, in the order of the urls: ${sizes.join(' ')}`)

  const mixed = ['/a', '/slow', '/bb']
  const killed = yield* Task.asyncStream(mixed, fetch, { maxConcurrency: 3, timeout: 300, onTimeout: 'killTask' })
  const withKill = killed.map(show)
  console.log(`  /a, /slow, /bb with 300 ms each and onTimeout 'killTask' (size in bytes, or the exit):`)
  mixed.forEach((url, i) => console.log(`    ${url}: ${withKill[i] ?? '?'}`))

  const failed = yield* Effect.either(Task.asyncStream(mixed, fetch, { maxConcurrency: 3, timeout: 300 }))
  const withExit = E.isLeft(failed) ? Exit.format(failed.left.reason) : 'no failure'
  if (E.isLeft(failed) && failed.left.reason._tag === 'CallExit') {
    console.log(
      `  with onTimeout 'exit': ${Exit.format(failed.left.reason.reason)} on ${String(failed.left.reason.args[1])}`
    )
  }
  return { sizes, peak: stats.peak, withKill, withExit }
})

export const main = async (): Promise<ParallelMapResult> => {
  const exit = await Runtime.make().run(program)
  if (exit._tag !== 'Normal' || exit.value === undefined) throw new Error(`the example ended with ${Exit.format(exit)}`)
  return exit.value
}

runIfMain(import.meta.url, main)
