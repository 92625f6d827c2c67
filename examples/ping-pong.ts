/**
 * Ping-pong: two processes exchange `rounds` pings and pongs, then both end.
 *
 * In Elixir:
 *
 * ```elixir
 * defmodule PingPong do
 *   def ponger(count) do
 *     receive do
 *       {:ping, n, from} -> send(from, {:pong, n}); ponger(count + 1)
 *       :stop -> count
 *     end
 *   end
 *
 *   def pinger(ponger, n, rounds) when n > rounds, do: (send(ponger, :stop); rounds)
 *   def pinger(ponger, n, rounds) do
 *     send(ponger, {:ping, n, self()})
 *     receive do
 *       {:pong, ^n} -> pinger(ponger, n + 1, rounds)
 *     end
 *   end
 * end
 * ```
 *
 * Each process is spawned with its mailbox codec, so its pid is typed: the
 * pinger holds a `Pid<PongerMsg>` and cannot send the ponger a pong. A ping
 * carries the pinger's own pid (`Process.self`) so the ponger knows where to
 * answer. The main process monitors both and collects their results from the
 * `DOWN` messages: a process that returns ends with `:normal`, carrying its value.
 *
 * Run it: `npx tsx examples/ping-pong.ts`
 */
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import { Effect, Exit, Process, Runtime } from '../lib/index.js'
import { runIfMain } from './run.js'

// -------------------------------------------------------------------------------------
// messages
// -------------------------------------------------------------------------------------

/** Elixir: `{:ping, n, from}` */
export const Ping = t.type({ _tag: t.literal('Ping'), n: t.number, from: Process.pid }, 'Ping')

/** Elixir: `:stop` */
export const Stop = t.type({ _tag: t.literal('Stop') }, 'Stop')

/** Elixir: `{:pong, n}` */
export const Pong = t.type({ _tag: t.literal('Pong'), n: t.number }, 'Pong')

/** What the ponger accepts. */
export const PongerMsg = t.union([Ping, Stop], 'PongerMsg')
export type PongerMsg = t.TypeOf<typeof PongerMsg>

// -------------------------------------------------------------------------------------
// the two players
// -------------------------------------------------------------------------------------

/** One line of the shared log; both players write to it, in causal order. */
const say = (log: Array<string>, line: string): Effect.Effect<never, void> =>
  Effect.sync(() => {
    log.push(line)
    console.log(`  ${line}`)
  })

/** Answers every ping with a pong until told to stop; ends returning how many pongs it sent. */
const ponger = (log: Array<string>, count: number): Effect.Effect<Process.NoProcess, number> =>
  Process.receive(
    // Elixir: {:ping, n, from} -> send(from, {:pong, n}); ponger(count + 1)
    Process.on(Ping, ({ n, from }) =>
      pipe(
        say(log, `ponger: ping ${n}`),
        Effect.flatMap(() => Process.send(from, { _tag: 'Pong', n })),
        Effect.flatMap(() => ponger(log, count + 1))
      )
    ),
    // Elixir: :stop -> count
    Process.on(Stop, () => Effect.succeed(count))
  )

/** Sends ping `n`, waits for pong `n`, and so on up to `rounds`; then stops the ponger and returns. */
const pinger = (
  log: Array<string>,
  partner: Process.Pid<PongerMsg>,
  n: number,
  rounds: number
): Effect.Effect<Process.NoProcess, number> =>
  n > rounds
    ? // Elixir: send(ponger, :stop); rounds
      Effect.as(Process.send(partner, { _tag: 'Stop' }), rounds)
    : Effect.gen(function* () {
        const me = yield* Process.self
        // Elixir: send(ponger, {:ping, n, self()})
        yield* Process.send(partner, { _tag: 'Ping', n, from: me })
        // Elixir: receive do {:pong, ^n} -> ... end
        // (messages from one sender arrive in the order sent, so the next pong is pong n)
        const pong = yield* Process.receive(Pong)
        yield* say(log, `pinger: pong ${pong.n}`)
        return yield* pinger(log, partner, n + 1, rounds)
      })

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

/** What the example returns, so the test can check it. */
export interface PingPongResult {
  /** Pongs the pinger got (its return value). */
  readonly pongsReceived: number
  /** Pings the ponger answered (its return value). */
  readonly pingsAnswered: number
  /** How each player ended. */
  readonly pingerExit: string
  readonly pongerExit: string
  /** Both players' lines, in order. */
  readonly log: ReadonlyArray<string>
}

/** The result a player ended with, read off its `DOWN` message. */
const returnedCount = (reason: Exit.Reason): number =>
  reason._tag === 'Normal' && typeof reason.value === 'number' ? reason.value : -1

export const main = async (rounds = 3): Promise<PingPongResult> => {
  const log: Array<string> = []

  const game = Effect.gen(function* () {
    // Elixir: {pong_pid, pong_ref} = spawn_monitor(fn -> PingPong.ponger(0) end)
    const [pongPid, pongRef] = yield* Process.spawnMonitor(ponger(log, 0), { mailbox: PongerMsg })
    // Elixir: {ping_pid, ping_ref} = spawn_monitor(fn -> PingPong.pinger(pong_pid, 1, rounds) end)
    const [, pingRef] = yield* Process.spawnMonitor(pinger(log, pongPid, 1, rounds), { mailbox: Pong })

    // Elixir: receive {:DOWN, ref, :process, _pid, reason} (twice; in whichever order they end)
    const first = yield* Process.receive(Exit.Down)
    const second = yield* Process.receive(Exit.Down)
    const downs = [first, second]
    const pingDown = downs.find((d) => d.ref === pingRef)
    const pongDown = downs.find((d) => d.ref === pongRef)
    if (pingDown === undefined || pongDown === undefined) return yield* Effect.die(new Error('a DOWN is missing'))
    return {
      pongsReceived: returnedCount(pingDown.reason),
      pingsAnswered: returnedCount(pongDown.reason),
      pingerExit: Exit.format(pingDown.reason),
      pongerExit: Exit.format(pongDown.reason),
      log
    }
  })

  const exit = await Runtime.make().run(game)
  if (exit._tag !== 'Normal' || exit.value === undefined) throw new Error(`the game ended with ${Exit.format(exit)}`)
  const result = exit.value
  console.log(`  pinger ended ${result.pingerExit}, ponger ended ${result.pongerExit}`)
  console.log(`  ${result.pongsReceived} pings and pongs exchanged`)
  return result
}

runIfMain(import.meta.url, main)
