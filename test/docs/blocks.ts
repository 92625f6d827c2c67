/**
 * Code blocks taken out of the docs, type-checked together in one TypeScript program and run.
 *
 * Used by `test/docs/readme.test.ts` (every ```ts block of README.md and of `docs/*.md`) and by
 * `test/docs/examples.test.ts` (every `@example` of the TSDoc in `lib/`). An import from
 * `'fp-ts-actors'` resolves to `lib/index.ts`, so a block reads exactly as a user writes it.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { format } from 'node:util'
import ts from 'typescript'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** One block: where it comes from, its text, and how it is checked. */
export interface Block {
  /** `README.md:42` or `lib/Process.ts:120` (the line of the block's first code line). */
  readonly where: string
  /** A file name for it, unique in the program (`README.md-42.ts`). */
  readonly file: string
  readonly code: string
  /** `partial` blocks are type-checked only; the others are also run. */
  readonly run: boolean
  /** The text the block prints (a ```text block right after it), if the docs show it. */
  readonly prints: string | undefined
}

const fence = /^```(\S*)(?:[ \t]+(\S+))?[ \t]*$/

/**
 * The ```ts blocks of a markdown file. A ```ts block directly followed by a ```text block
 * (only blank lines between) must print exactly that text.
 */
export const markdownBlocks = (relative: string): ReadonlyArray<Block> => {
  const lines = fs.readFileSync(path.join(root, relative), 'utf8').split('\n')
  const found: Array<{ lang: string; flag: string | undefined; start: number; end: number; body: string }> = []
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i] ?? '')
    if (open === null || open[1] === '') continue
    let j = i + 1
    while (j < lines.length && lines[j] !== '```') j++
    found.push({ lang: open[1] ?? '', flag: open[2], start: i + 2, end: j, body: lines.slice(i + 1, j).join('\n') })
    i = j
  }
  const blocks: Array<Block> = []
  found.forEach((b, k) => {
    if (b.lang !== 'ts') return
    if (b.flag !== undefined && b.flag !== 'partial') {
      throw new Error(`${relative}:${b.start - 1}: unknown block flag ${JSON.stringify(b.flag)} (only "partial")`)
    }
    const next = found[k + 1]
    const between = next === undefined ? [] : lines.slice(b.end + 1, next.start - 2)
    const prints =
      next !== undefined && next.lang === 'text' && between.every((l) => l.trim() === '') ? next.body : undefined
    blocks.push({
      where: `${relative}:${b.start}`,
      file: `${relative.replace(/[/.]/g, '-')}-${b.start}.ts`,
      code: b.body + '\n',
      run: b.flag !== 'partial',
      prints
    })
  })
  return blocks
}

const filesUnder = (dir: string): ReadonlyArray<string> =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []
    )
    .sort()

/**
 * The `@example`s of the TSDoc in the `.ts` files under `dir` (relative to the repo), as docs-ts
 * takes them: the comment's lines after `@example` up to its next tag or its end, without their
 * leading ` * `. Each is a module of its own. One that `declare`s what it works on (a pid or a
 * runtime it cannot make alone) or imports `vitest` (a test) is type-checked only.
 */
export const tsdocExamples = (dir: string): ReadonlyArray<Block> => {
  const blocks: Array<Block> = []
  for (const file of filesUnder(path.join(root, dir))) {
    const relative = path.relative(root, file).split(path.sep).join('/')
    const lines = fs.readFileSync(file, 'utf8').split('\n')
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*\*\s*@example\s*$/.test(lines[i] ?? '')) continue
      const body: Array<string> = []
      let j = i + 1
      for (; j < lines.length; j++) {
        const line = lines[j] ?? ''
        if (/^\s*\*\//.test(line) || /^\s*\*\s*@\w/.test(line)) break
        body.push(line.replace(/^\s*\* ?/, ''))
      }
      while (body.length > 0 && (body[body.length - 1] ?? '').trim() === '') body.pop()
      const code = body.join('\n') + '\nexport {}\n'
      blocks.push({
        where: `${relative}:${i + 2}`,
        file: `${relative.replace(/[/.]/g, '-')}-${i + 2}.ts`,
        code,
        run: !/^declare /m.test(code) && !/from 'vitest'/.test(code),
        prints: undefined
      })
      i = j - 1
    }
  }
  return blocks
}

const examplesDir = path.join(root, 'test', '.blocks')

const compilerOptions = (): ts.CompilerOptions => {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  return {
    ...parsed.options,
    noEmit: true,
    // a block may declare a name or a parameter to show it; an unused import is still caught by `withoutImport`
    noUnusedLocals: false,
    noUnusedParameters: false,
    paths: {
      'fp-ts-actors': [path.join(root, 'lib', 'index.ts')],
      // the subpaths: 'fp-ts-actors/observer' is lib/observer/index.ts, and so on
      'fp-ts-actors/*': [path.join(root, 'lib', '*', 'index.ts')]
    }
  }
}

/** The path a block is type-checked and run under. */
export const blockPath = (file: string): string => path.join(examplesDir, file)

/**
 * The parsed files on disk (`lib/`, the libraries' typings), shared by every program this
 * process makes, as a language service shares them: each later program parses only its blocks.
 */
const parsed = new Map<string, ts.SourceFile | undefined>()

/**
 * Type-checks the files (name -> text) in one program with the repo's compiler options.
 * Returns the diagnostics of each file, formatted, keyed by file name.
 */
export const typecheck = (files: ReadonlyMap<string, string>): Map<string, ReadonlyArray<string>> => {
  const options = compilerOptions()
  const host = ts.createCompilerHost(options)
  const byPath = new Map([...files].map(([name, code]) => [blockPath(name), code]))
  const { fileExists, readFile, getSourceFile } = host
  host.fileExists = (f) => byPath.has(f) || fileExists.call(host, f)
  host.readFile = (f) => byPath.get(f) ?? readFile.call(host, f)
  host.getSourceFile = (f, language, onError, create) => {
    const code = byPath.get(f)
    if (code !== undefined) return ts.createSourceFile(f, code, language, true)
    const key = `${JSON.stringify(language)}:${f}`
    if (!parsed.has(key)) parsed.set(key, getSourceFile.call(host, f, language, onError, create))
    return parsed.get(key)
  }
  const program = ts.createProgram([...byPath.keys()], options, host)
  const result = new Map<string, ReadonlyArray<string>>()
  for (const [name] of files) {
    const source = program.getSourceFile(blockPath(name))
    const diagnostics =
      source === undefined
        ? [`${name}: not in the program`]
        : [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
            const text = ts.flattenDiagnosticMessageText(d.messageText, '\n')
            if (d.file === undefined || d.start === undefined) return text
            const { line } = d.file.getLineAndCharacterOfPosition(d.start)
            return `line ${line + 1} of the block: ${text}`
          })
    result.set(name, diagnostics)
  }
  return result
}

/**
 * The block's code with its `i`th import declaration removed, or `undefined` when it has fewer.
 */
export const withoutImport = (code: string, i: number): string | undefined => {
  const source = ts.createSourceFile('x.ts', code, ts.ScriptTarget.ES2022, true)
  const imports = source.statements.filter(ts.isImportDeclaration)
  const target = imports[i]
  return target === undefined ? undefined : code.slice(0, target.getStart()) + code.slice(target.getEnd())
}

/**
 * Runs a block as an ES module (its imports of `'fp-ts-actors'` pointed at `lib/index.ts`) and
 * returns what it printed with `console.log`.
 */
export const runBlock = async (block: Block): Promise<string> => {
  fs.mkdirSync(examplesDir, { recursive: true })
  const file = blockPath(block.file)
  const lib = (sub: string): string => pathToFileURL(path.join(root, 'lib', sub, 'index.ts')).href
  fs.writeFileSync(
    file,
    block.code
      .replace(/from 'fp-ts-actors'/g, `from '${lib('')}'`)
      .replace(/from 'fp-ts-actors\/([\w-]+)'/g, (_, sub: string) => `from '${lib(sub)}'`)
  )
  const printed: Array<string> = []
  const log = console.log
  console.log = (...args: Array<unknown>) => void printed.push(format(...args))
  try {
    await import(pathToFileURL(file).href)
  } finally {
    console.log = log
  }
  return printed.join('\n')
}
