/**
 * A Web Worker's module: a node named as the worker (`new Worker(url, { name })`), reached
 * through the page's hub over the worker's own port (`Port.peer(self)`), offering two
 * programs: `primes` (CPU-bound: counts the primes below a bound and sends the count back)
 * and `idle` (waits forever, to be linked to and monitored).
 */
import * as t from 'io-ts'
import { Effect, Node, Port, Process, Runtime } from '../../../lib/index.js'

/** The worker's global scope, as far as it is used: its port and its name. */
const scope = globalThis as unknown as Port.PortLike & { readonly name: string }

const countPrimes = (below: number): number => {
  const composite = new Uint8Array(below)
  let count = 0
  for (let i = 2; i < below; i++) {
    if (composite[i] === 1) continue
    count++
    for (let j = i * i; j < below; j += i) composite[j] = 1
  }
  return count
}

const primes = Node.program(t.type({ below: t.number, to: Process.pid }), ({ below, to }) =>
  Effect.flatMap(
    Effect.sync(() => countPrimes(below)),
    (count) => Process.send(to, { below, count, node: scope.name })
  )
)
const idle = Node.program(t.unknown, () => Effect.never)

Runtime.make({ node: { name: scope.name, transport: Port.peer(scope), programs: { primes, idle } } })
