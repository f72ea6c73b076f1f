/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no insignificant whitespace, numbers in their
 * shortest round-trip form (as RFC 8785 JCS). Two values that are equal as data always serialize to the
 * same string, whatever order their keys were built in.
 *
 * @since 0.1.0
 */

// The hot path: no paths kept. It throws `unrepresentable` on a value JSON cannot carry, and `stringify`
// then walks the value again with `locate` to say where.
const unrepresentable = new TypeError("Canonical JSON cannot represent the value")

// Strings without quotes, backslashes, control characters or surrogates (almost all of them) need no
// escaping: quoting them by hand is much cheaper than a call to `JSON.stringify`.
// eslint-disable-next-line no-control-regex -- control characters are exactly what needs escaping
const needsEscaping = /["\\\u0000-\u001f\ud800-\udfff]/
const quote = (text: string): string => needsEscaping.test(text) ? JSON.stringify(text) : `"${text}"`

// Object keys are few (the model's field names): their quoted forms are kept.
const quotedKeys = new Map<string, string>()
const quoteKey = (key: string): string => {
  let quoted = quotedKeys.get(key)
  if (quoted === undefined) {
    quoted = `${quote(key)}:`
    if (quotedKeys.size < 4096) quotedKeys.set(key, quoted)
  }
  return quoted
}

const writeFast = (value: unknown): string => {
  switch (typeof value) {
    case "string":
      return quote(value)
    case "boolean":
      return value ? "true" : "false"
    case "number":
      if (!Number.isFinite(value)) throw unrepresentable
      return String(value)
    case "object": {
      if (value === null) return "null"
      if (Array.isArray(value)) {
        let out = "["
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ","
          const item = value[i]
          out += item === undefined ? "null" : writeFast(item)
        }
        return out + "]"
      }
      const keys = Object.keys(value).sort()
      let out = "{"
      let first = true
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!
        const item = (value as Record<string, unknown>)[key]
        if (item === undefined) continue
        if (!first) out += ","
        first = false
        out += quoteKey(key) + writeFast(item)
      }
      return out + "}"
    }
    default:
      throw unrepresentable
  }
}

/** The error for the first value JSON cannot carry, naming where it is (`undefined` when there is none). */
const locate = (value: unknown, path: string): TypeError | undefined => {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return undefined
    case "number":
      return Number.isFinite(value)
        ? undefined
        : new TypeError(`Canonical JSON cannot represent ${value} at ${path || "$"}`)
    case "object": {
      if (value === null) return undefined
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const found = locate(value[i], `${path}[${i}]`)
          if (found) return found
        }
        return undefined
      }
      for (const key of Object.keys(value).sort()) {
        const found = locate((value as Record<string, unknown>)[key], `${path}.${key}`)
        if (found) return found
      }
      return undefined
    }
    default:
      return new TypeError(`Canonical JSON cannot represent a ${typeof value} at ${path || "$"}`)
  }
}

/**
 * Serializes a JSON-compatible value canonically. Throws a `TypeError` on values JSON cannot carry
 * (non-finite numbers, functions, bigints); object properties that are `undefined` are left out.
 *
 * @since 0.1.0
 */
export const stringify = (value: unknown): string => {
  try {
    return writeFast(value)
  } catch (error) {
    throw error === unrepresentable ? (locate(value, "") ?? error) : error
  }
}
