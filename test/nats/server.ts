/**
 * A real `nats-server` for the NATS tests, benches and examples: bound to
 * 127.0.0.1 on a free port, JetStream in a fresh temporary directory, ready
 * when it says so. `restart` stops it and starts it again on the same port
 * and store (the "server went away and came back" case).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface NatsServer {
  readonly url: string
  readonly port: number
  /** Stops the server (SIGTERM, then waits for its exit). */
  readonly stop: () => Promise<void>
  /** Starts it again on the same port and store directory. */
  readonly start: () => Promise<void>
  /** Stops it and removes its store. */
  readonly dispose: () => Promise<void>
}

/** The `nats-server` binary: `NATS_SERVER` if set, else the one on `PATH`, else `undefined`. */
export const natsServerBinary = (): string | undefined => {
  const bin = process.env['NATS_SERVER'] ?? 'nats-server'
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8' })
  return probe.status === 0 ? bin : undefined
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const launch = (bin: string, port: number, dir: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let log = ''
    const timer = setTimeout(() => fail(new Error(`nats-server not ready after 10 s:\n${log}`)), 10_000)
    const fail = (error: Error): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    child.once('error', fail)
    child.once('exit', (code) => fail(new Error(`nats-server exited (${code}) before ready:\n${log}`)))
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      if (log.length < 20_000) log += chunk
      if (log.includes('Server is ready')) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        child.stderr?.removeAllListeners('data')
        child.stderr?.resume()
        resolve(child)
      }
    })
  })

const stopChild = (child: ChildProcess | undefined): Promise<void> =>
  child === undefined || child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })

/** Starts a `nats-server` with JetStream on 127.0.0.1 and a free port. */
export const startNatsServer = async (bin: string): Promise<NatsServer> => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'fp-ts-actors-nats-'))
  let child: ChildProcess | undefined = await launch(bin, port, dir)
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await stopChild(child)
      child = undefined
    },
    start: async () => {
      if (child === undefined) child = await launch(bin, port, dir)
    },
    dispose: async () => {
      await stopChild(child)
      child = undefined
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
