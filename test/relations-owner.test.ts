/**
 * A process's links and monitors (`Fiber.rel`, and `Fiber.watchedBy`, the
 * one monitor on it kept outside `rel`) have one writer, the kernel:
 * every other module of `lib/` reads them through `internal/introspect.ts`,
 * which only reads. Checked on the syntax tree (TypeScript's parser), so a
 * comment or a string naming `rel` does not count.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/** The places in `text` that touch a `.rel` or `.watchedBy` property: `write` for an assignment to it or below it. */
const touches = (file: string, text: string): ReadonlyArray<{ line: number; write: boolean }> => {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const out: Array<{ line: number; write: boolean }> = []
  const isAssigned = (node: ts.Node): boolean => {
    // climb `x.rel`, `x.rel.links`, `x.rel!`...: assigned when the chain is the left side of `=`, `??=`, ...
    let n: ts.Node = node
    while (ts.isPropertyAccessExpression(n.parent) || ts.isNonNullExpression(n.parent)) n = n.parent
    const p = n.parent
    return (
      ts.isBinaryExpression(p) &&
      p.left === n &&
      p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      p.operatorToken.kind <= ts.SyntaxKind.LastAssignment
    )
  }
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && (node.name.text === 'rel' || node.name.text === 'watchedBy')) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1
      out.push({ line, write: isAssigned(node) })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

const filesOf = (dir: string): ReadonlyArray<string> =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? filesOf(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []
    )

describe('relations have one writer, the kernel', () => {
  it('tells a read from a write', () => {
    const text = [
      'const a = f.rel?.links',
      'f.rel = undefined',
      'f.rel ??= new Relations()',
      'g.rel.links = new Set()',
      '// f.rel = x',
      "const s = 'f.rel = x'",
      'f.watchedBy = m',
      'const w = f.watchedBy?.watcher'
    ].join('\n')
    expect(touches('x.ts', text)).toEqual([
      { line: 1, write: false },
      { line: 2, write: true },
      { line: 3, write: true },
      { line: 4, write: true },
      { line: 7, write: true },
      { line: 8, write: false }
    ])
  })

  it('no module of lib/ but the kernel touches them, and introspect only reads', () => {
    const lib = path.join(import.meta.dirname, '..', 'lib')
    const found: Array<string> = []
    for (const file of filesOf(lib)) {
      const rel = path.relative(lib, file)
      if (rel === path.join('internal', 'kernel.ts')) continue
      for (const t of touches(file, fs.readFileSync(file, 'utf8'))) {
        if (rel !== path.join('internal', 'introspect.ts') || t.write) found.push(`${rel}:${t.line}`)
      }
    }
    expect(found).toEqual([])
  })
})
