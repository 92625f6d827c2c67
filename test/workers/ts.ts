/**
 * Start options for a TypeScript worker module: the thread starts on its bundle (`../node-bundle.ts`),
 * plain JavaScript, instead of through tsx's loader (`examples/workers-tsx.mjs`, which
 * `examples/workers-supervisor.ts` and its test still use).
 */
import { fileURLToPath, pathToFileURL } from 'node:url'
import { nodeBundle } from '../node-bundle.js'

export const tsWorker = (module: URL) =>
  ({ module: pathToFileURL(nodeBundle(fileURLToPath(module))), argv: [] as ReadonlyArray<string> }) as const
