/**
 * The minimal program whose browser bundle is measured (`npm run size:browser`, the README's
 * "In the browser"): the README tour's key-value store, a process with an io-ts mailbox
 * asked for a value. It prints `apples: 3`.
 */
import * as t from 'io-ts'
import { Effect, Exit, Process, Runtime } from '../../lib/index.js'

const Get = t.type({ _tag: t.literal('Get'), key: t.string, replyTo: Process.pid })
const Put = t.type({ _tag: t.literal('Put'), key: t.string, value: t.number })

const store = (map: ReadonlyMap<string, number>): Effect.Effect<Process.NoProcess, never> =>
  Process.receive(
    Process.on(Get, (m) => Effect.flatMap(Process.send(m.replyTo, map.get(m.key) ?? null), () => store(map))),
    Process.on(Put, (m) => store(new Map(map).set(m.key, m.value)))
  )

const main = Effect.gen(function* () {
  const pid = yield* Process.spawn(store(new Map()), { mailbox: t.union([Get, Put]) })
  yield* Process.send(pid, { _tag: 'Put', key: 'apples', value: 3 })
  yield* Process.send(pid, { _tag: 'Get', key: 'apples', replyTo: yield* Process.self })
  return yield* Process.receive(t.union([t.number, t.null]))
})

const reason = await Runtime.make().run(main)
console.log(Exit.isNormal(reason) ? `apples: ${String(reason.value)}` : Exit.format(reason))
