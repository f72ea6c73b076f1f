/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no insignificant whitespace, numbers in their
 * shortest round-trip form (as RFC 8785 JCS). Two values that are equal as data always serialize to the
 * same string, whatever order their keys were built in.
 *
 * @since 0.1.0
 */

const write = (value: unknown, path: string): string => {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value)
    case "boolean":
      return value ? "true" : "false"
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`Canonical JSON cannot represent ${value} at ${path || "$"}`)
      return JSON.stringify(value)
    case "object": {
      if (value === null) return "null"
      if (Array.isArray(value)) {
        let out = "["
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ","
          const item = value[i]
          out += item === undefined ? "null" : write(item, `${path}[${i}]`)
        }
        return out + "]"
      }
      const keys = Object.keys(value).sort()
      let out = "{"
      let first = true
      for (const key of keys) {
        const item = (value as Record<string, unknown>)[key]
        if (item === undefined) continue
        if (!first) out += ","
        first = false
        out += JSON.stringify(key) + ":" + write(item, `${path}.${key}`)
      }
      return out + "}"
    }
    default:
      throw new TypeError(`Canonical JSON cannot represent a ${typeof value} at ${path || "$"}`)
  }
}

/**
 * Serializes a JSON-compatible value canonically. Throws a `TypeError` on values JSON cannot carry
 * (non-finite numbers, functions, bigints); object properties that are `undefined` are left out.
 *
 * @since 0.1.0
 */
export const stringify = (value: unknown): string => write(value, "")
