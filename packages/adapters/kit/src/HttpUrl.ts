/**
 * The one schema of an absolute http(s) URL: a location's website and photos in the canonical model, a
 * platform's authorization URL in the hub's API, and whatever else takes a web address. The canonical
 * model's fast check (`internal/canonicalSource.ts`) uses the same predicate, so the two cannot disagree.
 *
 * @since 0.1.0
 */
import { Option, Schema } from "effect"
import { isHttpUrl as check, parseHttpUrl } from "./internal/checks.js"

/**
 * Whether `s` is an absolute http(s) URL.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isHttpUrl: (s: string) => boolean = check

/**
 * `s` parsed, when it is an absolute http(s) URL (for checks beyond the schema, e.g. of the host).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (s: string): Option.Option<URL> => Option.fromNullable(parseHttpUrl(s))

/**
 * An absolute http(s) URL, kept as given.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HttpUrl = Schema.String.pipe(
  Schema.filter((s) => isHttpUrl(s) || "Expected an absolute http(s) URL"),
  Schema.annotations({
    identifier: "HttpUrl",
    description: "An absolute http(s) URL",
    examples: ["https://example.com/"],
    jsonSchema: { format: "uri" }
  })
)
/** @since 0.1.0 */
export type HttpUrl = typeof HttpUrl.Type
