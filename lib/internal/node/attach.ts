/**
 * Making a kernel a node: the `node` option of `Runtime.make` and
 * `TestRuntime.make`, checked, and its layer attached to the transport.
 *
 * @internal
 */
import { describe } from '../check.js'
import type { Kernel } from '../kernel.js'
import { NodeLayer, type ProgramImpl } from './layer.js'
import { MemoryNetwork } from './memory.js'

/** The `node` option as the runtime constructors take it (the public type is `Node.Config`). @internal */
export interface NodeConfig {
  readonly name: string
  readonly transport: unknown
  readonly programs?: unknown
  readonly creation?: unknown
}

/** A random 31-bit incarnation (the memory transport numbers them instead). */
const randomCreation = (): number => 1 + Math.floor(Math.random() * 0x7ffffffe)

/**
 * Makes `kernel` the node `config` describes; throws a `TypeError` naming what is wrong.
 * `runOnDelivery`: see `LayerOptions` (a host runtime's nodes).
 *
 * @internal
 */
export const attachNode = (kernel: Kernel, config: NodeConfig, where: string, runOnDelivery = false): NodeLayer => {
  if (typeof config !== 'object' || config === null)
    throw new TypeError(`${where}: node must be an object { name, transport, programs? }, got ${describe(config)}`)
  const { name, transport, programs, creation } = config
  if (typeof name !== 'string' || name.length === 0 || name === 'nonode@nohost')
    throw new TypeError(`${where}: node.name must be a non-empty string, got ${describe(name)}`)
  if (
    typeof transport !== 'object' ||
    transport === null ||
    typeof (transport as { attach?: unknown }).attach !== 'function'
  )
    throw new TypeError(
      `${where}: node.transport must be a Transport (Transport.memory(), ...), got ${describe(transport)}`
    )
  const table = new Map<string, ProgramImpl>()
  if (programs !== undefined) {
    if (typeof programs !== 'object' || programs === null)
      throw new TypeError(`${where}: node.programs must be an object of Node.program(...), got ${describe(programs)}`)
    for (const [k, v] of Object.entries(programs)) {
      const p = v as { args?: { decode?: unknown }; run?: unknown } | undefined
      if (typeof p?.args?.decode !== 'function' || typeof p.run !== 'function')
        throw new TypeError(`${where}: node.programs.${k} must be made by Node.program(args, run), got ${describe(v)}`)
      table.set(k, v as ProgramImpl)
    }
  }
  if (creation !== undefined && (typeof creation !== 'number' || !Number.isInteger(creation) || creation < 1))
    throw new TypeError(`${where}: node.creation must be an integer >= 1, got ${describe(creation)}`)
  const c =
    (creation as number | undefined) ??
    (transport instanceof MemoryNetwork ? transport.nextCreation(name) : randomCreation())
  const layer = new NodeLayer(kernel, {
    name,
    transport: transport as NodeLayer['options']['transport'],
    programs: table,
    creation: c,
    runOnDelivery
  })
  kernel.node = layer
  return layer
}
