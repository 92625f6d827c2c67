/**
 * Heap measurement shared by the soak and restart benches: the live heap
 * after a forced full GC, and the least-squares slope of heap against work
 * done (bytes retained per unit of work; about 0 means nothing accumulates).
 */
const gc = (globalThis as { gc?: () => void }).gc

/** Heap in use after two forced GCs (needs `node --expose-gc`). */
export const heap = (): number => {
  if (gc === undefined) throw new Error('run with node --expose-gc')
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/** Bytes as megabytes, two decimals. */
export const mb = (b: number): number => Math.round((b / 2 ** 20) * 100) / 100

/** What the points say: heap before and after (MB), every sample (MB), and the slope (bytes per unit of x). */
export const heapSummary = (
  points: ReadonlyArray<readonly [x: number, heapBytes: number]>
): { heapBeforeMB: number; heapAfterMB: number; slope: number; heapMB: Array<number> } => {
  const n = points.length
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const slope =
    points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  return {
    heapBeforeMB: mb(points[0]?.[1] ?? NaN),
    heapAfterMB: mb(points[n - 1]?.[1] ?? NaN),
    slope,
    heapMB: points.map(([, y]) => mb(y))
  }
}
