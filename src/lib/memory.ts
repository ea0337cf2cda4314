// Memory flat in the number of Pages: a fleet run allocates a little for every request, and V8
// lets its heap grow long before it collects, so RSS would grow with the fleet though what is live
// stays small. Once the heap has grown HEAP_GROWTH past what the last collection left, a full
// collection brings it back (what is live, e.g. a report's rows, raises the floor, never the growth).
import {getHeapStatistics, setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

/** How far the heap (bytes in use) may grow past what the last collection left before the next one. */
const HEAP_GROWTH = 16 * 1024 * 1024

/** Unset until the first look: the growth counts from the heap the run started with (oclif and the modules). */
let ceiling: number | undefined

let collect: (() => void) | undefined

/** A full garbage collection when the heap has grown past the ceiling (V8's gc exposed once, the first time). */
export function reclaimIfGrown(): void {
  const used = getHeapStatistics().used_heap_size
  ceiling ??= used + HEAP_GROWTH
  if (used < ceiling) return
  if (!collect) {
    setFlagsFromString('--expose-gc')
    collect = runInNewContext('gc') as () => void
  }

  collect()
  ceiling = getHeapStatistics().used_heap_size + HEAP_GROWTH
}
