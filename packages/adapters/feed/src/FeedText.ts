/**
 * Finding a feed's entries in its raw bytes without parsing the document: where the `locations` array
 * of the top-level object is, and where each of its elements starts and ends. Each element can then be
 * hashed as it is and parsed on its own (or not at all, when its digest is known), instead of building
 * the whole document as objects.
 *
 * The scan only finds boundaries (strings with their escapes, brackets, commas). What lies outside the
 * entries (the skeleton: the document with the `locations` array emptied) is checked by `JSON.parse`
 * like any document, and each entry by `JSON.parse` when it is parsed. Whatever the scan cannot place is
 * left to the caller, which then parses the whole document instead.
 *
 * @since 0.1.0
 */

/**
 * Where the entries are: `entries` holds each element's start and end (exclusive) byte offsets, in order;
 * `skeleton` is the document without them (the array's brackets kept), to be checked with `JSON.parse`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Layout {
  readonly entries: Uint32Array
  readonly skeleton: string
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const COMMA = 0x2c
const COLON = 0x3a

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/** The offset just after the string that opens at `start`, or -1 when it is not closed. */
const stringEnd = (bytes: Buffer, start: number): number => {
  let at = start + 1
  for (;;) {
    const quote = bytes.indexOf(QUOTE, at)
    if (quote < 0) return -1
    let backslashes = 0
    for (let k = quote - 1; bytes[k] === BACKSLASH; k--) backslashes++
    if ((backslashes & 1) === 0) return quote + 1
    at = quote + 1
  }
}

const skipSpace = (bytes: Buffer, at: number) => {
  while (at < bytes.length && isSpace(bytes[at]!)) at++
  return at
}

/**
 * Finds the elements of the top-level object's `locations` array (the last such key, as `JSON.parse`
 * keeps the last). `undefined` when the document is not laid out that way or is not well formed as far
 * as the scan can tell: the caller parses the whole document then, which gives the exact error.
 *
 * @since 0.1.0
 */
export const layout = (body: Uint8Array): Layout | undefined => {
  const scan = scanner(body)
  for (;;) {
    const step = scan.step(Number.POSITIVE_INFINITY)
    if (step !== "more") return step
  }
}

/**
 * `layout` in steps: each `step(bytes)` scans about that many more bytes of the document (a string that
 * runs past them is read whole) and gives `"more"`, or the layout (`undefined`: as `layout`). A 122 MB
 * feed takes about half a second to scan: in steps, the event loop can run between them.
 *
 * @since 0.1.0
 */
export const scanner = (body: Uint8Array): { readonly step: (bytes: number) => Layout | undefined | "more" } => {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  // A UTF-8 byte order mark is ignored, as a decoded response body drops it.
  const begin = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  const first = skipSpace(bytes, begin)
  // The candidate array: [open, close] offsets and its elements' boundaries.
  let found: { open: number; close: number; entries: Array<number> } | undefined
  let depth = 0
  let at = first
  // In the top-level object: the key just read (`undefined` when none is pending).
  let pendingKey: string | undefined
  // Inside a candidate `locations` array: its depth-2 elements.
  // (`afterComma`: an element must follow, as JSON allows no trailing comma.)
  let array: { open: number; entries: Array<number>; elementStart: number; afterComma: boolean } | undefined
  let done = false

  // The end of the scan: no layout (the caller parses the whole document).
  const fail = (): undefined => {
    done = true
    return undefined
  }

  const finish = (): Layout | undefined => {
    if (depth !== 0 || found === undefined) return fail()
    done = true
    const skeleton = bytes.toString("utf8", begin, found.open + 1) + bytes.toString("utf8", found.close)
    return { entries: Uint32Array.from(found.entries), skeleton }
  }

  const step = (budget: number): Layout | undefined | "more" => {
    if (done) throw new Error("FeedText.scanner: the scan has ended")
    if (bytes[first] !== OPEN_OBJECT) return fail()
    const stop = at + budget
    while (at < bytes.length) {
      if (at >= stop) return "more"
      const c = bytes[at]!
      if (c === QUOTE) {
        const end = stringEnd(bytes, at)
        if (end < 0) return fail()
        if (depth === 1) {
          const next = skipSpace(bytes, end)
          if (bytes[next] === COLON) {
            const raw = bytes.subarray(at + 1, end - 1)
            pendingKey = raw.includes(BACKSLASH) ? safeKey(bytes.toString("utf8", at, end)) : raw.toString("utf8")
            at = next + 1
            continue
          }
          pendingKey = undefined
        }
        if (array !== undefined && depth === 2 && array.elementStart < 0) array.elementStart = at
        if (array !== undefined && depth === 2) array.afterComma = false
        at = end
        continue
      }
      if (isSpace(c)) {
        at++
        continue
      }
      if (array !== undefined && depth === 2 && c !== COMMA && c !== CLOSE_ARRAY) {
        if (array.elementStart < 0) array.elementStart = at
        array.afterComma = false
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === 1 && c === OPEN_ARRAY && pendingKey === "locations") {
          array = { open: at, entries: [], elementStart: -1, afterComma: false }
        }
        if (depth === 1) pendingKey = undefined
        depth++
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--
        if (depth < 0) return fail()
        if (array !== undefined && depth === 1) {
          if (c !== CLOSE_ARRAY || array.afterComma) return fail()
          if (array.elementStart >= 0) array.entries.push(array.elementStart, trimEnd(bytes, array.elementStart, at))
          found = { open: array.open, close: at, entries: array.entries }
          array = undefined
        }
        if (depth === 0) {
          // Only whitespace may follow the document.
          if (skipSpace(bytes, at + 1) !== bytes.length) return fail()
          break
        }
      } else if (c === COMMA) {
        if (array !== undefined && depth === 2) {
          if (array.elementStart < 0) return fail()
          array.entries.push(array.elementStart, trimEnd(bytes, array.elementStart, at))
          array.elementStart = -1
          array.afterComma = true
        }
        if (depth === 1) pendingKey = undefined
      } else if (depth === 1 && c !== COLON) {
        // A value of the top-level object that is not a string, object or array (a number, a literal).
        pendingKey = undefined
      }
      at++
    }
    return finish()
  }
  return { step }
}

// A key with escapes, read as JSON reads it; one that does not parse is not "locations".
const safeKey = (quoted: string): string | undefined => {
  try {
    return JSON.parse(quoted) as string
  } catch {
    return undefined
  }
}

// The end of an element that runs up to `end` (a comma or the array's close), without trailing space.
const trimEnd = (bytes: Buffer, start: number, end: number) => {
  let last = end
  while (last > start && isSpace(bytes[last - 1]!)) last--
  return last
}
