/**
 * The three RxJS values the library uses, loaded from their own modules.
 *
 * Node resolves `rxjs` to its CommonJS build, whose barrel loads every
 * operator (about 220 modules, most of the package's import time); these
 * subpaths (`rxjs/internal/*`, in RxJS 7's `exports` map, with their types)
 * load only the classes themselves, which are the very objects (and
 * declarations) the barrel re-exports: `test/rxjs-subpaths.test.ts` checks that.
 *
 * (internal: not an entry point)
 */
export { Observable } from 'rxjs/internal/Observable'
export { Subject } from 'rxjs/internal/Subject'
export { isObservable } from 'rxjs/internal/util/isObservable'
