/**
 * Vitest global setup: one `nats-server` for the whole run (the NATS suite
 * reads its URL with `inject('natsUrl')`). Where the binary is missing, the
 * NATS suite skips with one line, unless `CI` is set: then the run fails.
 */
import type { TestProject } from 'vitest/node'
import { natsServerBinary, startNatsServer } from './server.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The URL of the run's nats-server, or `''` when there is none (NATS suite skipped). */
    natsUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bin = natsServerBinary()
  if (bin === undefined) {
    if (process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false') {
      throw new Error(
        'nats-server not found on PATH: the NATS suite (test/nats) needs it under CI (apt-get install nats-server)'
      )
    }
    console.warn(
      'nats-server not found on PATH: skipping the NATS suite (test/nats); apt-get install nats-server to run it'
    )
    project.provide('natsUrl', '')
    return async () => undefined
  }
  const server = await startNatsServer(bin)
  project.provide('natsUrl', server.url)
  return () => server.dispose()
}
