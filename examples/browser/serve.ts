/**
 * Serves the browser example (`examples/browser/index.html` and `main.ts`, bundled for the
 * browser by esbuild) on http://127.0.0.1:8016/ (or `PORT`):
 *
 *     npm run example:browser
 *
 * The browser tests use the same server (`serve({ port: 0 })`) and `put` their own bundles
 * on it, so every page runs from an http origin (module scripts, Web Workers).
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type Plugin } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')

/** `import ... from 'fp-ts-actors'` in a bundled snippet: this checkout's sources. */
const thisPackage: Plugin = {
  name: 'fp-ts-actors',
  setup(b) {
    b.onResolve({ filter: /^fp-ts-actors$/ }, () => ({ path: join(root, 'lib', 'index.ts') }))
  }
}

/**
 * The examples' `runIfMain` (`examples/run.ts`) starts an example from Node's command line
 * (it reads `process.argv` with `node:url`); in a page nothing is "the script Node was
 * started with", so a bundle gets a `runIfMain` that does nothing.
 */
const noCommandLine: Plugin = {
  name: 'no-command-line',
  setup(b) {
    b.onResolve({ filter: /^\.\/run\.js$/ }, (a) =>
      a.importer.startsWith(join(root, 'examples')) ? { path: 'run.js', namespace: 'no-command-line' } : undefined
    )
    b.onLoad({ filter: /.*/, namespace: 'no-command-line' }, () => ({
      contents: 'export const runIfMain = () => {}',
      loader: 'js'
    }))
  }
}

/**
 * A browser bundle (one ES module) of a file, or of TypeScript `contents` (its relative
 * imports resolved from `resolveDir`, default the repo's root).
 */
export const bundle = async (
  entry: string | { readonly contents: string; readonly resolveDir?: string }
): Promise<string> => {
  const result = await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.contents, loader: 'ts', resolveDir: entry.resolveDir ?? root } }),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [thisPackage, noCommandLine]
  })
  return result.outputFiles[0]?.text ?? ''
}

/**
 * Browser bundles of several TypeScript sources at once (name -> source, resolved from the
 * repo's root), sharing chunks: file name (`name.js`, `chunk-*.js`) -> text. Serve them side
 * by side.
 */
export const bundleMany = async (sources: ReadonlyMap<string, string>): Promise<Map<string, string>> => {
  const virtual: Plugin = {
    name: 'sources',
    setup(b) {
      b.onResolve({ filter: /^source:/ }, (a) => ({ path: a.path.slice('source:'.length), namespace: 'source' }))
      b.onLoad({ filter: /.*/, namespace: 'source' }, (a) => ({
        contents: sources.get(a.path) ?? '',
        loader: 'ts',
        resolveDir: root
      }))
    }
  }
  const result = await build({
    entryPoints: Object.fromEntries([...sources.keys()].map((name) => [name, `source:${name}`])),
    bundle: true,
    splitting: true,
    outdir: join(root, 'out'),
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [thisPackage, noCommandLine, virtual]
  })
  return new Map(result.outputFiles.map((f) => [f.path.slice(join(root, 'out').length + 1), f.text]))
}

/** A running server: its base URL, a way to add files, and `close`. */
export interface Served {
  readonly url: string
  /** Serves `body` at `path` (`/x.js`) from now on. */
  put(path: string, body: string): void
  close(): Promise<void>
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json'
}
const typeOf = (path: string): string => types[/\.[a-z]+$/.exec(path)?.[0] ?? ''] ?? 'text/plain; charset=utf-8'

/** Starts the server: `/` is the example page, `/main.js` its bundle, `/blank.html` an empty page. */
export const serve = async (options: { readonly port?: number } = {}): Promise<Served> => {
  const files = new Map<string, string>([
    ['/', readFileSync(join(here, 'index.html'), 'utf8')],
    ['/main.js', await bundle(join(here, 'main.ts'))],
    ['/blank.html', '<!doctype html><meta charset="utf-8"><title>blank</title>'],
    ['/favicon.ico', '']
  ])
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const body = files.get(path)
    if (req.method !== 'GET' || body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': typeOf(path === '/' ? '/.html' : path), 'cache-control': 'no-store' })
    res.end(body)
  })
  await new Promise<void>((ok) => server.listen(options.port ?? 0, '127.0.0.1', ok))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    put: (path, body) => void files.set(path, body),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const served = await serve({ port: Number(process.env['PORT'] ?? 8016) })
  console.log(`the browser example: open ${served.url}/ (Ctrl-C stops)`)
}
