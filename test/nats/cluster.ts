/**
 * A cluster for the NATS integration tests: the test process is node `t`,
 * and each other node is its own OS process (test/nats/host.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Runtime } from '../../lib/index.js'
import { Global, nats, type NatsOptions } from '../../lib/nats/index.js'
import { natsNodesOf } from '../../lib/nats/transport.js'

const host = join(dirname(fileURLToPath(import.meta.url)), 'host.ts')

export interface Host {
  readonly name: string
  readonly child: ChildProcess
  /** `kill -9`: no goodbye. */
  readonly kill: () => void
  /** SIGTERM: a clean stop; resolves with the wall-clock ms at which the node began stopping. */
  readonly stop: () => Promise<number>
}

/** Starts node `name` as a child process; resolves once it is connected and its Global started. */
export const startHost = (name: string, url: string, prefix: string): Promise<Host> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', host, name, url, prefix], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    let out = ''
    let stopping: ((at: number) => void) | undefined
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const m = /stopping ([\d.]+)/.exec(out)
      if (m !== null && stopping !== undefined) stopping(Number(m[1]))
      if (out.includes('ready')) resolve(h)
    })
    child.once('exit', (code, signal) => {
      if (!out.includes('ready')) reject(new Error(`node ${name} exited (${code ?? signal}) before ready: ${out}`))
    })
    const h: Host = {
      name,
      child,
      kill: () => child.kill('SIGKILL'),
      stop: () =>
        new Promise((res) => {
          stopping = res
          child.kill('SIGTERM')
        })
    }
  })

/** The test process as node `t` of the cluster, with its Global. */
export const testNode = async (url: string, prefix: string, options: Partial<NatsOptions> = {}) => {
  const transport = nats({ servers: url, prefix, ...options })
  const rt = Runtime.make({ node: { name: 't', transport } })
  await Promise.all(natsNodesOf(transport).map((n) => n.ready))
  const started = await rt.run(Global.start({ bucket: prefix }))
  if (started._tag !== 'Normal') throw new Error(`Global.start failed: ${JSON.stringify(started)}`)
  return { rt, global: started.value as Global.Global }
}

export const wallClock = (): number => performance.timeOrigin + performance.now()
