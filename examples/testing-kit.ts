/**
 * Unit-testing one process by hand with TestKit: no scheduler, no timers,
 * no promises. The process runs synchronously inside each call until it
 * blocks; the test plays everything around it.
 *
 * The process under test is a session, as one would write it in Elixir:
 *
 * ```elixir
 * def session(owner) do
 *   ref = Process.monitor(owner)
 *   audit = spawn_link(fn -> audit_log(0) end)
 *   loop(owner, ref, audit, 0)
 * end
 *
 * defp loop(owner, ref, audit, count) do
 *   receive do
 *     {:ping, from, n} ->
 *       send(from, {:pong, n}); send(audit, {:seen, n})
 *       loop(owner, ref, audit, count + 1)
 *     {:DOWN, ^ref, :process, _, reason} -> {:owner_gone, reason, count}
 *   after
 *     60_000 -> send(owner, {:closed, count}); {:idle, count}
 *   end
 * end
 * ```
 *
 * The test sends it pings (`kit.send`), reads what it sent (`kit.sent()`:
 * recorded, not delivered), moves virtual time (`kit.advance`) to hit the
 * idle timeout exactly, ends the monitored owner (`kit.down`), starts the
 * audit child it spawned (`kit.spawned()`) as a kit of its own, and checks
 * that its mailbox codec rejects a malformed message.
 *
 * Run it: `npx tsx examples/testing-kit.ts`
 */
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, TestKit } from '../lib/index.js'
import { runIfMain } from './run.js'

// -------------------------------------------------------------------------------------
// messages
// -------------------------------------------------------------------------------------

/** Elixir: `{:ping, from, n}`. The session's mailbox codec. */
export const Ping = t.type({ _tag: t.literal('Ping'), from: Process.pid, n: t.number }, 'Ping')

/** Elixir: `{:seen, n}`, what the session tells its audit log. */
export const Seen = t.type({ _tag: t.literal('Seen'), n: t.number }, 'Seen')

// -------------------------------------------------------------------------------------
// the processes
// -------------------------------------------------------------------------------------

/** How long the session waits for a ping before it closes itself. */
export const IDLE_MS = 60_000

/** Counts what it has seen; ends with the count after 5 s of quiet. */
const auditLog = (count: number): Effect.Effect<never, number> =>
  Process.receive(
    Process.on(Seen, () => auditLog(count + 1)),
    Process.after(5_000, () => Effect.succeed(count))
  )

const loop = (
  owner: Process.Pid,
  ref: Process.Ref,
  audit: Process.Pid,
  count: number
): Effect.Effect<Process.NoProcess, string> =>
  Process.receive(
    Process.on(Ping, (p) =>
      pipe(
        Process.send(p.from, { _tag: 'Pong', n: p.n }),
        Effect.flatMap(() => Process.send(audit, { _tag: 'Seen', n: p.n })),
        Effect.flatMap(() => loop(owner, ref, audit, count + 1))
      )
    ),
    Process.on(Exit.Down, (d) =>
      d.ref === ref
        ? Effect.succeed(`owner gone (${Exit.format(d.reason)}) after ${count} pings`)
        : loop(owner, ref, audit, count)
    ),
    Process.after(IDLE_MS, () =>
      pipe(
        Process.send(owner, { _tag: 'Closed', pings: count }),
        Effect.as(`idle for ${IDLE_MS} ms after ${count} pings`)
      )
    )
  )

/** The process under test. */
export const session = (owner: Process.Pid): Effect.Effect<Process.NoProcess, string> =>
  Effect.gen(function* () {
    const ref = yield* Process.monitor(owner)
    const audit = yield* Process.spawnLink(auditLog(0), { mailbox: Seen })
    return yield* loop(owner, ref, audit, 0)
  })

// -------------------------------------------------------------------------------------
// the test, by hand
// -------------------------------------------------------------------------------------

/** Prints a check and throws if it does not hold, so the example verifies itself. */
const expectEqual = (what: string, actual: unknown, expected: unknown): void => {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`)
  console.log(`  ✓ ${what}`)
}

const exitText = (kit: TestKit.Kit): string =>
  O.isSome(kit.exit) ? Exit.format(kit.exit.value) : `still ${kit.status}`

/** What the example found, so the test can check it. */
export interface TestingKitResult {
  /** The replies the client got, as the session sent them. */
  readonly pongs: ReadonlyArray<unknown>
  /** What the session told its owner when it closed. */
  readonly closed: unknown
  /** The virtual time at which it closed. */
  readonly closedAt: number
  readonly sessionExit: string
  /** How the audit child ended, once started and fed what the session sent it. */
  readonly auditExit: string
  /** How a second session ended when its owner went down. */
  readonly ownerGoneExit: string
  /** The error a malformed ping raised. */
  readonly rejected: string
}

export const main = (): TestingKitResult => {
  // Stand-ins for the other processes: pids that nobody runs.
  const owner = TestKit.spawn(Effect.never).pid
  const client = TestKit.spawn(Effect.never).pid

  console.log('== a session, driven by hand')
  const kit = TestKit.spawn(session(owner), { mailbox: Ping })
  expectEqual('it waits for a ping', kit.status, 'waiting')
  expectEqual(
    'it monitors its owner',
    kit.monitors().map((m) => m.target === owner),
    [true]
  )
  const [audit] = kit.spawned()
  if (audit === undefined) throw new Error('the session spawned no audit child')
  expectEqual(
    'it spawned and linked its audit log, which has not run',
    [kit.links().length, kit.links()[0] === audit.pid, audit.sent().length],
    [1, true, 0]
  )

  kit.send({ _tag: 'Ping', from: client, n: 1 })
  const toClient = () =>
    kit
      .sent()
      .filter((s) => s.to === client)
      .map((s) => s.message)
  const toAudit = () =>
    kit
      .sent()
      .filter((s) => s.to === audit.pid)
      .map((s) => s.message)
  expectEqual('a ping is answered with a pong (recorded, not delivered)', toClient(), [{ _tag: 'Pong', n: 1 }])
  expectEqual('and reported to the audit log', toAudit(), [{ _tag: 'Seen', n: 1 }])

  kit.advance(IDLE_MS - 1)
  expectEqual(`${IDLE_MS - 1} ms later it still waits`, kit.status, 'waiting')
  kit.send({ _tag: 'Ping', from: client, n: 2 })
  kit.advance(IDLE_MS - 1)
  expectEqual('a second ping restarts the idle timeout', kit.status, 'waiting')
  kit.advance(1)
  const closed = kit.sent().find((s) => s.to === owner)?.message
  const closedAt = kit.now
  expectEqual(
    `exactly ${IDLE_MS} ms after the last ping it tells its owner and ends`,
    [closed, closedAt],
    [{ _tag: 'Closed', pings: 2 }, 2 * IDLE_MS - 1]
  )
  const sessionExit = exitText(kit)
  console.log(`    session: ${sessionExit}`)

  // the child shares the parent's virtual clock
  console.log('== its audit child, started as a kit of its own')
  audit.start()
  for (const m of toAudit()) audit.send(m)
  audit.advance(5_000)
  const auditExit = exitText(audit)
  expectEqual('it counted both pings', auditExit, ':normal (returned 2)')

  console.log('== a second session whose owner goes down')
  const kit2 = TestKit.spawn(session(owner), { mailbox: Ping })
  const [monitor] = kit2.monitors()
  if (monitor === undefined) throw new Error('no monitor on the owner')
  kit2.down(monitor.ref, Exit.killed)
  const ownerGoneExit = exitText(kit2)
  expectEqual('the DOWN ends it', ownerGoneExit, ':normal (returned "owner gone (:killed) after 0 pings")')

  console.log('== a malformed ping')
  const kit3 = TestKit.spawn(session(owner), { mailbox: Ping })
  let rejected = ''
  try {
    kit3.send({ _tag: 'Ping', from: 'nobody', n: 'one' })
  } catch (e) {
    rejected = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  }
  console.log(`    ${rejected}`)
  expectEqual(
    'the mailbox codec rejects it with the io-ts report; nothing reaches the session',
    [rejected.startsWith('TypeError: TestKit.send: the mailbox codec'), kit3.mailbox(), kit3.sent(), kit3.status],
    [true, [], [], 'waiting']
  )

  return { pongs: toClient(), closed, closedAt, sessionExit, auditExit, ownerGoneExit, rejected }
}

runIfMain(import.meta.url, main)
