/**
 * The `Stack` server of Elixir's gen_server_test.exs and supervisor_test.exs.
 */
import { Effect, Exit, GenServer, Process } from '../../lib/index.js'

export type StackRequest = 'pop' | 'noreply' | 'stop' | 'stop_self'

export const Stack: GenServer.Behaviour<ReadonlyArray<unknown>, ReadonlyArray<unknown>, StackRequest> = {
  init: (args) => Effect.succeed(GenServer.ok(args)),
  handleCall: (request, _from, state) => {
    switch (request) {
      case 'pop':
        return Effect.succeed(GenServer.replyWith(state[0], state.slice(1)))
      case 'noreply':
        return Effect.succeed(GenServer.noReply(state))
      case 'stop':
        return Effect.succeed(GenServer.stopWith(Exit.normal, state, 'ok'))
      case 'stop_self':
        // catch_exit(GenServer.stop(self()))
        return Effect.map(
          Effect.flatMap(Process.self, (me) => Effect.either(GenServer.stop(me))),
          (r) => GenServer.replyWith(r, state)
        )
    }
  },
  handleCast: (request, state) =>
    Effect.succeed(
      GenServer.noReply(
        typeof request === 'object' && request !== null && 'push' in request
          ? [(request as { push: unknown }).push, ...state]
          : state
      )
    )
}
