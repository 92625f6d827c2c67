/**
 * Small helpers the Rx modules share.
 *
 * @internal
 */
import { describe } from '../internal/check.js'

/** @internal */
export const checkCount = (where: string, name: string, u: unknown): void => {
  if (!(u === Infinity || (typeof u === 'number' && Number.isInteger(u) && u >= 1))) {
    throw new TypeError(`${where}: ${name} must be an integer >= 1 (or Infinity), got ${describe(u)}`)
  }
}

/**
 * A FIFO with a head index: O(1) shift, compacted as it drains.
 *
 * @internal
 */
export class Queue<T> {
  private items: Array<T | undefined> = []
  private head = 0
  get length(): number {
    return this.items.length - this.head
  }
  push(x: T): void {
    this.items.push(x)
  }
  peek(): T | undefined {
    return this.items[this.head]
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const x = this.items[this.head]
    this.items[this.head++] = undefined
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return x
  }
  /** The items, oldest first (a copy). */
  toArray(): Array<T> {
    return this.items.slice(this.head) as Array<T>
  }
  clear(): Array<T> {
    const rest = this.items.slice(this.head) as Array<T>
    this.items = []
    this.head = 0
    return rest
  }
}
