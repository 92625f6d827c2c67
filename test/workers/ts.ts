/**
 * Start options for a TypeScript worker module. The module is bundled by esbuild into one plain
 * ES module (its imports, `lib/` included, inside it; Node's built-ins left as imports), so each
 * thread starts on JavaScript: through tsx's loader (`examples/workers-tsx.mjs`, what
 * `examples/workers-supervisor.ts` and its test use) a thread spends about 1.5 s of CPU
 * transpiling and resolving before it joins, which the suite would pay for every thread it starts.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildSync } from 'esbuild'

const cache = fileURLToPath(new URL('../../node_modules/.cache/worker-modules/', import.meta.url))

export const tsWorker = (module: URL) => {
  const text =
    buildSync({
      entryPoints: [fileURLToPath(module)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent'
    }).outputFiles[0]?.text ?? ''
  // named by its content, and written whole (renamed into place): test files bundling the same
  // module at once each get a complete file
  const name = `${basename(module.pathname, '.ts')}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`
  mkdirSync(cache, { recursive: true })
  const temp = join(cache, `${name}.${process.pid}.tmp`)
  writeFileSync(temp, text)
  renameSync(temp, join(cache, name))
  return { module: pathToFileURL(join(cache, name)), argv: [] as ReadonlyArray<string> } as const
}
