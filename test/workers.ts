/**
 * Supervised test workers, shared by the Supervisor and DynamicSupervisor tests.
 */
import * as t from 'io-ts'
import { Effect, Exit, Process } from '../lib/index.js'
import type * as Supervisor from '../lib/Supervisor.js'

export const Cmd = t.union([t.literal('exit normally'), t.literal('crash')])

/**
 * A child start that records `start id` (in the supervisor, as it runs) and
 * spawns a worker linked to the supervisor; the worker records `stop id
 * reason` however it ends, and obeys 'exit normally' / 'crash'. Like a
 * GenServer's startLink, the start returns once the worker runs (it acks),
 * so its `stop` finalizer is in place before anyone can stop it.
 */
const Ready = t.type({ _tag: t.literal('ready'), pid: Process.pid })
export const worker = (log: Array<string>, id: string, options: { readonly trap?: boolean } = {}) =>
  Effect.gen(function* () {
    log.push(`start ${id}`)
    const sup = yield* Process.self
    const pid = yield* Process.spawnLink(
      Effect.onExit(
        Effect.gen(function* () {
          if (options.trap === true) yield* Process.trapExit(true)
          yield* Process.send(sup, { _tag: 'ready', pid: yield* Process.self })
          const cmd = yield* Process.receive(Cmd)
          return yield* Process.exit(cmd === 'crash' ? Exit.custom('crash') : Exit.normal)
        }),
        (r) => Effect.sync(() => log.push(`stop ${id} ${Exit.format(r)}`))
      )
    )
    yield* Process.receive(Ready)
    return pid
  })

export const spec = (
  log: Array<string>,
  id: string,
  more: Partial<Supervisor.ChildSpec> = {}
): Supervisor.ChildSpec => ({
  id,
  start: worker(log, id),
  ...more
})
