/**
 * The browser bundle of a minimal program (`examples/browser/minimal.ts`), by esbuild with
 * `platform=browser`, minified: its size, and a check that no Node built-in is in it.
 *
 *     npm run size:browser          # from the built package (dist/, through package.json exports)
 *     npx tsx scripts/browser-bundle.ts --from lib   # from the TypeScript sources
 *
 * From `dist`, the program's import of the library is resolved as a user's bundler resolves
 * `import ... from 'fp-ts-actors'`: through `package.json` `exports` under the `browser`
 * condition. It also checks that `fp-ts-actors/observer` (Node-only) is refused there.
 * Exits non-zero when a check fails. Run by CI after the build.
 */
import { builtinModules } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Plugin } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const minimal = join(root, 'examples', 'browser', 'minimal.ts')

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))

/** The example's `../../lib/index.js` as a user writes it: `'fp-ts-actors'`, resolved by the package's exports. */
const asAUser = (specifier: string): Plugin => ({
  name: 'as-a-user',
  setup(b) {
    b.onResolve({ filter: /\/lib\/index\.js$/ }, async (a) => {
      if (a.pluginData === 'as-a-user') return undefined
      const r = await b.resolve(specifier, { kind: a.kind, resolveDir: root, pluginData: 'as-a-user' })
      return r.errors.length > 0 ? { errors: r.errors } : { path: r.path }
    })
  }
})

/** The npm package a bundled module comes from (`fp-ts-actors` for this one's). */
const packageOf = (path: string): string => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'fp-ts-actors'

/** What a bundle holds and weighs. */
export interface Measured {
  readonly bytes: number
  readonly gzipped: number
  readonly text: string
  /** The modules in it, relative to the repo. */
  readonly inputs: ReadonlyArray<string>
  /** Bytes in the (minified) output by package: `fp-ts-actors`, `rxjs`, `fp-ts`, `io-ts`, ... */
  readonly byPackage: Readonly<Record<string, number>>
  /** Imports of Node built-ins found in it (`module -> built-in`): must be none. */
  readonly builtins: ReadonlyArray<string>
}

/** Bundles `entry` for the browser, minified, from `dist` (as a user) or from `lib`. */
export const browserBundle = async (
  options: { readonly from?: 'dist' | 'lib'; readonly entry?: string; readonly minify?: boolean } = {}
): Promise<Measured> => {
  const result = await build({
    entryPoints: [options.entry ?? minimal],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: options.minify ?? true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: options.from === 'lib' ? [] : [asAUser('fp-ts-actors')]
  })
  const text = result.outputFiles[0]?.text ?? ''
  const inputs = Object.entries(result.metafile.inputs)
  const byPackage: Record<string, number> = {}
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(path)
      byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput
    }
  }
  return {
    byPackage,
    bytes: Buffer.byteLength(text),
    gzipped: gzipSync(text).length,
    text,
    inputs: inputs.map(([path]) => relative(root, join(root, path))),
    builtins: inputs.flatMap(([path, i]) =>
      i.imports.filter((im) => builtins.has(im.path) || im.external === true).map((im) => `${path} -> ${im.path}`)
    )
  }
}

/**
 * Why a browser bundle of `import 'fp-ts-actors/observer'` fails: `'disabled'` (the package's
 * `"browser": null`, as wanted), another error's text, or `undefined` when it bundled.
 */
export const observerRefused = async (): Promise<string | undefined> => {
  try {
    await build({
      stdin: { contents: `export * from 'fp-ts-actors/observer'`, resolveDir: root },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent'
    })
    return undefined
  } catch (e) {
    const failure = e as {
      readonly errors?: ReadonlyArray<{ readonly notes: ReadonlyArray<{ readonly text: string }> }>
    }
    const notes = failure.errors?.flatMap((m) => m.notes.map((n) => n.text)) ?? []
    return notes.some((n) => n.includes('explicitly disabled')) ? 'disabled' : String(e)
  }
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const from =
    process.argv.includes('--from') && process.argv[process.argv.indexOf('--from') + 1] === 'lib' ? 'lib' : 'dist'
  const m = await browserBundle({ from })
  const parts = Object.entries(m.byPackage)
    .sort(([, a], [, b]) => b - a)
    .map(([name, bytes]) => `${name} ${kb(bytes)}`)
  console.log(
    `browser bundle of examples/browser/minimal.ts from ${from} (esbuild, platform=browser, minified): ` +
      `${kb(m.bytes)}, ${kb(m.gzipped)} gzipped; ${m.inputs.length} modules (${parts.join(', ')})`
  )
  const refused = from === 'dist' ? await observerRefused() : 'disabled'
  const failures = [
    ...m.builtins.map((b) => `a Node built-in in the bundle: ${b}`),
    ...(refused === 'disabled'
      ? []
      : [`fp-ts-actors/observer must be refused for the browser, got: ${refused ?? 'bundled'}`])
  ]
  for (const f of failures) console.error(f)
  if (failures.length > 0) process.exit(1)
  console.log('no Node built-in in it; fp-ts-actors/observer is refused under the browser condition')
}
