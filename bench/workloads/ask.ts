/**
 * ask: request/reply round trips through the RxJS bridge. A source of `N`
 * numbers (default 200,000, times `BENCH_SCALE`) goes through
 * `Rx.ask(rt, server, (n, replyTo) => ({ n, replyTo }), { concurrency: 64 })`:
 * each value is sent to a server process (a receive loop matching a `t.type`
 * record with an `Rx.replyTo` codec) that answers `n * 2` to the request's
 * reply alias; `ask` keeps at most 64 requests in flight and emits the
 * answers in input order. Reports round trips per second.
 *
 * The floor is plain RxJS doing the same work without processes:
 * `mergeMap((n) => double(n), 64)` over a Promise-returning `double`.
 *
 * The values go in batches of 1,000 (each batch's pipeline completes
 * before the next starts), so mergeMap's buffer of waiting values stays
 * short on both sides.
 *
 * Checked: ours emits exactly `2 * i` for the i-th value, in order; the
 * floor emits N answers whose sum is `N * (N - 1)` (mergeMap does not
 * promise order).
 */
import * as t from 'io-ts'
import { mergeMap, range, type Observable } from 'rxjs'
import { Effect, Process, Runtime, Rx } from '../../lib/index.js'
import { check, impl, main, rateResult, scaled, stopwatch, type Elapsed, type Result } from '../harness.js'

const CONCURRENCY = 64
const BATCH = 1000

interface Outcome {
  readonly elapsed: Elapsed
  /** Answers received. */
  readonly answers: number
  /** The sum of the answers. */
  readonly sum: number
  /** Every answer was `2 * i` for the i-th value (ours: in order). */
  readonly ordered: boolean
}

const Req = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })

/**
 * Feeds `0 .. count-1` through `pipeline` in batches of `BATCH` values, one
 * batch after the other, and tallies the answers. Batches keep mergeMap's
 * buffer of waiting values short (it shifts an array: a source of 200,000
 * values at once would make the floor quadratic); both sides get the same.
 */
const feed = async (count: number, pipeline: (source: Observable<number>) => Observable<number>): Promise<Outcome> => {
  let answers = 0
  let sum = 0
  let ordered = true
  const sw = stopwatch()
  for (let start = 0; start < count; start += BATCH) {
    await new Promise<void>((resolve, reject) =>
      pipeline(range(start, Math.min(BATCH, count - start))).subscribe({
        next: (x) => {
          if (x !== 2 * answers) ordered = false
          answers++
          sum += x
        },
        error: reject,
        complete: resolve
      })
    )
  }
  return { elapsed: sw(), answers, sum, ordered }
}

const ours = async (count: number): Promise<Outcome> => {
  const rt = Runtime.make()
  const server: Effect.Effect<never, never> = Process.receive(
    Process.on(Req, (m) => Effect.flatMap(Rx.reply(m.replyTo, m.n * 2), () => server))
  )
  const pid = rt.spawn(server)
  const ask = Rx.ask(rt, pid, (n: number, replyTo: Rx.ReplyTo<number>) => ({ n, replyTo }), {
    concurrency: CONCURRENCY,
    timeout: Infinity
  })
  const o = await feed(count, (source) => source.pipe(ask))
  await rt.shutdown()
  return o
}

/** The same work as the server, as a Promise-returning function. */
const double = async (n: number): Promise<number> => n * 2

const floor = async (count: number): Promise<Outcome> => {
  const o = await feed(count, (source) => source.pipe(mergeMap((n) => double(n), CONCURRENCY)))
  // mergeMap does not promise input order: only the count and the sum are checked
  return { ...o, ordered: true }
}

main(async (): Promise<Result> => {
  const which = impl()
  const count = scaled(200_000, 10)
  const go = which === 'ours' ? ours : floor
  await go(Math.round(count / 10)) // warm-up
  const o = await go(count)
  check(o.answers === count, `${o.answers} answers, expected ${count}`)
  check(o.sum === count * (count - 1), `the answers sum to ${o.sum}, expected ${count * (count - 1)}`)
  check(o.ordered, 'ask emitted an answer out of input order')
  return rateResult('ask', which, count, 'round trips/s', o.elapsed, { count, concurrency: CONCURRENCY, batch: BATCH })
})
