/**
 * Import circles: every import between the project's own files, resolved by
 * TypeScript itself (`import`, `import type`, `export ... from`,
 * `import('...')` and `import('...').T` types alike), and the circles among
 * them. `npm test` runs it (`test/import-cycles.test.ts`); run it by hand with
 * `npx tsx scripts/import-cycles.ts`: it prints each circle and exits 1 when
 * there is one.
 *
 * A type-only circle is still a circle: the modules on it cannot be read,
 * moved or split one at a time.
 */
import * as path from 'node:path'
import * as fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/** Each file and the project files it imports (absolute paths). */
export type ImportGraph = ReadonlyMap<string, ReadonlyArray<string>>

/** The module specifiers one source text imports or re-exports, types included. */
export const specifiersOf = (fileName: string, text: string): ReadonlyArray<string> => {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true)
  const found: Array<string> = []
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text)
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0].text)
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression
      if (ts.isStringLiteral(e)) found.push(e.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The import graph of the files a tsconfig includes, resolved with its compiler options. */
export const importGraph = (tsconfig: string): ImportGraph => {
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile)
  if (read.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'))
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig))
  const files = new Set(parsed.fileNames.map((f) => path.resolve(f)))
  const graph = new Map<string, Array<string>>()
  const cache = ts.createModuleResolutionCache(path.dirname(tsconfig), (f) => f, parsed.options)
  for (const file of files) {
    const edges: Array<string> = []
    for (const spec of specifiersOf(file, fs.readFileSync(file, 'utf8'))) {
      const resolved = ts.resolveModuleName(spec, file, parsed.options, ts.sys, cache).resolvedModule
      if (resolved === undefined || resolved.isExternalLibraryImport === true) continue
      const target = path.resolve(resolved.resolvedFileName)
      if (files.has(target)) edges.push(target)
    }
    graph.set(file, edges)
  }
  return graph
}

/**
 * The circles of a graph: one per strongly connected component with more
 * than one file (or a file importing itself), each given as a path that
 * starts and ends at the same file.
 */
export const cycles = (graph: ImportGraph): ReadonlyArray<ReadonlyArray<string>> => {
  // Tarjan's strongly connected components, iteratively (no recursion depth limit).
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: Array<string> = []
  const components: Array<Array<string>> = []
  let next = 0
  for (const root of graph.keys()) {
    if (index.has(root)) continue
    const work: Array<{ node: string; i: number }> = [{ node: root, i: 0 }]
    index.set(root, next)
    low.set(root, next++)
    stack.push(root)
    onStack.add(root)
    while (work.length > 0) {
      const top = work[work.length - 1]!
      const edges = graph.get(top.node) ?? []
      if (top.i < edges.length) {
        const to = edges[top.i++]!
        if (!index.has(to)) {
          index.set(to, next)
          low.set(to, next++)
          stack.push(to)
          onStack.add(to)
          work.push({ node: to, i: 0 })
        } else if (onStack.has(to)) {
          low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!))
        }
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!))
      if (low.get(top.node) === index.get(top.node)) {
        const component: Array<string> = []
        let member: string
        do {
          member = stack.pop()!
          onStack.delete(member)
          component.push(member)
        } while (member !== top.node)
        const selfImport = (graph.get(top.node) ?? []).includes(top.node)
        if (component.length > 1 || selfImport) components.push(component)
      }
    }
  }
  return components.map((component) => circleIn(graph, new Set(component)))
}

/** One concrete circle inside a strongly connected component (breadth-first from its first member back to it). */
const circleIn = (graph: ImportGraph, members: ReadonlySet<string>): ReadonlyArray<string> => {
  const start = [...members].sort()[0]!
  const cameFrom = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift()!
    for (const to of graph.get(node) ?? []) {
      if (!members.has(to)) continue
      if (to === start) {
        const circle = [start]
        for (let n = node; n !== start; n = cameFrom.get(n)!) circle.unshift(n)
        circle.unshift(start)
        return circle
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node)
        queue.push(to)
      }
    }
  }
  return [start, start]
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const found = cycles(importGraph(path.join(root, 'tsconfig.json')))
  for (const circle of found) console.log(circle.map((f) => path.relative(root, f)).join(' -> '))
  console.log(`${found.length} import circle${found.length === 1 ? '' : 's'}`)
  process.exitCode = found.length === 0 ? 0 : 1
}
