// A consumer of the built package: type-checked against the bundled dist/index.d.ts by .ci/run,
// so the published types stay whole (namespaces, the fp-ts URI augmentation, io-ts codecs).
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import { sequenceT } from 'fp-ts/lib/Apply.js'
import { Effect, Exit, Process, Rx, Runtime, TestRuntime } from '../dist/index.js'
import * as Observer from '../dist/observer/index.js'

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
