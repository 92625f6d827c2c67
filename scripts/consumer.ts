/**
 * CI: the package as a user gets it. Packs it (`npm pack`), unpacks the tarball into a fresh
 * strict ESM project (its peers fp-ts, io-ts and rxjs beside it), type-checks `.ci/consumer.ts`
 * there with `skipLibCheck: false`, and asks the TypeScript language service for the hover text
 * (`quickinfo`) of `Process.spawn`, `GenServer.call` and `Rx.ask`: each must carry the summary
 * line of its TSDoc (read from `lib/`) and no bundler-renamed name such as `Pid$1`.
 *
 * Run after `npm run build`: `npx tsx scripts/consumer.ts`. Exits 1 on any failure.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-ts-actors-consumer-'))
const failures: Array<string> = []

// 1. the tarball, unpacked as npm would install it
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' })
) as ReadonlyArray<{ readonly filename: string }>
const tarball = path.join(work, packed[0]?.filename ?? '')
const project = path.join(work, 'project')
const installed = path.join(project, 'node_modules', 'fp-ts-actors')
fs.mkdirSync(installed, { recursive: true })
execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'])
for (const peer of ['fp-ts', 'io-ts', 'rxjs', '@types/node', 'undici-types']) {
  const to = path.join(project, 'node_modules', peer)
  fs.mkdirSync(path.dirname(to), { recursive: true })
  fs.symlinkSync(path.join(root, 'node_modules', peer), to, 'dir')
}
fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }))
const consumerFile = path.join(project, 'consumer.ts')
const consumer = fs.readFileSync(path.join(root, '.ci', 'consumer.ts'), 'utf8')
fs.writeFileSync(consumerFile, consumer)

// 2. a strict type-check of the consumer and of the package's declarations
const options: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ['node']
}
const host: ts.LanguageServiceHost = {
  getScriptFileNames: () => [consumerFile],
  getScriptVersion: () => '1',
  getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined),
  getCurrentDirectory: () => project,
  getCompilationSettings: () => options,
  getDefaultLibFileName: ts.getDefaultLibFilePath,
  fileExists: ts.sys.fileExists,
  readFile: ts.sys.readFile,
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
  realpath: (p) => p
}
const service = ts.createLanguageService(host, ts.createDocumentRegistry())
const program = service.getProgram()
if (program === undefined) throw new Error('no program')
for (const d of ts.getPreEmitDiagnostics(program)) {
  const where =
    d.file === undefined || d.start === undefined
      ? ''
      : `${path.relative(project, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
  failures.push(`type error: ${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
}

// 3. hover text: the TSDoc summary (the first line of the doc comment in lib/), real names
const summary = (file: string, name: string): string => {
  const source = fs.readFileSync(path.join(root, file), 'utf8')
  const at = source.search(new RegExp(`^export (?:function|const) ${name}\\b`, 'm'))
  const doc = source.slice(0, at).lastIndexOf('/**')
  const first = source
    .slice(doc + 3, at)
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .find((l) => l !== '')
  return first ?? ''
}
const hovers: ReadonlyArray<readonly [string, string, string]> = [
  ['Process.spawn', 'lib/Process.ts', 'spawn'],
  ['GenServer.call', 'lib/GenServer.ts', 'call'],
  ['Rx.ask', 'lib/rx/ask.ts', 'ask']
]
for (const [call, file, name] of hovers) {
  const at = consumer.search(new RegExp(`\\b${call.replace('.', '\\.')}[<(]`))
  if (at < 0) {
    failures.push(`.ci/consumer.ts does not call ${call}`)
    continue
  }
  const info = service.getQuickInfoAtPosition(consumerFile, at + call.indexOf('.') + 1)
  const shown = ts.displayPartsToString(info?.displayParts)
  const docs = ts.displayPartsToString(info?.documentation)
  const expected = summary(file, name)
  const ok = expected !== '' && docs.startsWith(expected) && !/\$\d/.test(shown + docs)
  console.log(`${ok ? 'ok  ' : 'FAIL'} hover ${call}: ${shown.split('\n')[0]} -- ${docs.split('\n')[0]}`)
  if (!ok)
    failures.push(`hover of ${call} should start with "${expected}" and have no $1-style name:\n${shown}\n${docs}`)
}

fs.rmSync(work, { recursive: true, force: true })
if (failures.length > 0) {
  console.error(failures.join('\n'))
  process.exit(1)
}
console.log(`consumer: ${path.basename(tarball)} type-checks strictly (skipLibCheck false); hovers carry their docs`)
