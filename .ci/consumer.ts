// A consumer of the packed package, written as a user would: scripts/consumer.ts installs the
// tarball in a fresh strict project, type-checks this file there and checks its hovers.
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import { sequenceT } from 'fp-ts/lib/Apply.js'
import { Effect, Exit, GenServer, Process, Rx, Runtime, TestRuntime } from 'fp-ts-actors'
import * as Observer from 'fp-ts-actors/observer'

const Msg = t.type({ _tag: t.literal('Hello'), from: Process.pid })
const both: Effect.Effect<never, readonly [number, string]> = sequenceT(Effect.Apply)(Effect.succeed(1), Effect.succeed('a'))
const program = pipe(
  Effect.Do,
  Effect.bind('pid', () => Process.spawn(Process.receive(Msg), { mailbox: Msg })),
  Effect.bind('me', () => Process.self),
  Effect.tap(({ pid, me }) => Process.send(pid, { _tag: 'Hello', from: me })),
  Effect.flatMap(() => both)
)
const rt: Runtime.Runtime = Runtime.make()
const done: Promise<Exit.Reason<Process.NoProcess, readonly [number, string]>> = rt.run(program)
const virtual = TestRuntime.make({ seed: 1 })
const exits = Rx.exits(rt, rt.spawn(Effect.unit))
const observed: Promise<Observer.Observer> = Observer.serve(rt, { port: 0, allowExit: false })
const saved: (found: TestRuntime.Explored) => void = Observer.writeTrace('failing.trace.html')
const file: Observer.TraceFile = Observer.traceFile(virtual.trace, { failure: 'check returned false' })
export { done, virtual, exits, observed, saved, file }

// the hovers scripts/consumer.ts checks: each shows its TSDoc summary
const spawned = Process.spawn(Effect.never)
const called = GenServer.call<number>('counter', 'count')
const Job = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })
const asked = Rx.ask(rt, rt.spawn(Effect.never, { mailbox: Job }), (n: number, replyTo) => ({ n, replyTo }))
export { spawned, called, asked }
