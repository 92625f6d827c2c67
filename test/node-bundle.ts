/**
 * A TypeScript entry bundled by esbuild into one plain ES module, for a fresh Node process or
 * worker thread to start on (its imports, `lib/` included, inside it; Node's built-ins left as
 * imports). Started through tsx's loader instead, each process or thread spends about 1.5 s of
 * CPU transpiling and resolving before it runs, which the suites would pay for every process and
 * thread they start. What users run with tsx is still run that way: the examples as scripts
 * (`test/examples.test.ts`, `test/workers/examples.test.ts`).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'

const cache = fileURLToPath(new URL('../node_modules/.cache/node-bundles/', import.meta.url))

/** The path of the bundle of `entry` (a file path), written under `node_modules/.cache`. */
export const nodeBundle = (entry: string): string => {
  const text =
    buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // the package's `"sideEffects": false` must not drop a bare import (`import './delete-globals.js'`)
      ignoreAnnotations: true,
      write: false,
      logLevel: 'silent'
    }).outputFiles[0]?.text ?? ''
  // named by its content, and written whole (renamed into place): files bundling the same entry
  // at once each get a complete file
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16)
  const file = join(cache, `${basename(entry, extname(entry))}-${hash}.mjs`)
  mkdirSync(cache, { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, text)
  renameSync(temp, file)
  return file
}
