/**
 * The predicates behind the canonical model's string filters. The schemas (`Location`, `Price`, `Money`)
 * and the fast canonical-source check (`internal/canonicalSource.ts`) both use these, so the two cannot
 * disagree about what is valid.
 */
import { normalizeDecimal } from "../Money.js"

/** @internal A non-empty string without surrounding whitespace. */
export const isText = (s: string): boolean => s.length > 0 && s.trim() === s

/** @internal `s` parsed, when it is an absolute http(s) URL. */
export const parseHttpUrl = (s: string): URL | undefined => {
  let url: URL
  try {
    url = new URL(s)
  } catch {
    return undefined
  }
  return url.protocol === "https:" || url.protocol === "http:" ? url : undefined
}

/** @internal An absolute http(s) URL. */
export const isHttpUrl = (s: string): boolean => parseHttpUrl(s) !== undefined

const timestampShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

/** @internal An ISO 8601 date-time with an offset or `Z`. */
export const isTimestamp = (s: string): boolean => timestampShape.test(s) && !Number.isNaN(Date.parse(s))

const dateOrDateTimeShape = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/

/** @internal An ISO 8601 calendar date or date-time. */
export const isDateOrDateTime = (s: string): boolean => dateOrDateTimeShape.test(s) && !Number.isNaN(Date.parse(s))

/** @internal A local time "HH:MM" (00:00–23:59, or 24:00). */
export const localTimePattern = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/

/** @internal A non-negative decimal string (credits, not money). */
export const creditDecimalPattern = /^\d+(\.\d+)?$/

/** @internal A credit decimal (matching `creditDecimalPattern`) without trailing fraction zeros or leading zeros. */
export const normalizeCredits = (s: string): string => {
  const [, fraction = ""] = s.split(".")
  return normalizeDecimal(s, fraction.replace(/0+$/, "").length)!
}
