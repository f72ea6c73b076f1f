import { describe, expect, it } from "@effect/vitest"
import { Adapter, Digest } from "@spacesync/adapter-kit"
import { Fixtures } from "@spacesync/adapter-kit/testing"
import { Effect, Either } from "effect"
import fc from "fast-check"
import { FeedDocument, FeedText } from "../src/index.js"

const body = (text: string | Uint8Array) => ({
  bytes: typeof text === "string" ? Buffer.from(text) : text,
  what: "GET https://feed.example/feed.json"
})

/** A read's results as plain data, `Unparsed` ones parsed (digests left out). */
const plain = (results: ReadonlyArray<Adapter.LocationResult>) =>
  results.map((result) => {
    const item = result._tag === "Unparsed" ? result.parse() : result
    return item._tag === "Snapshot"
      ? { snapshot: item.source }
      : { failed: [item.externalId, item.error.reason, item.error.path, item.error.message] }
  })

/** What `entries` gives for the document parsed whole, and what `entriesOfText` gives for its bytes. */
const both = (text: string | Uint8Array) =>
  Effect.gen(function*() {
    const parsed = Either.try(() => JSON.parse(new TextDecoder().decode(body(text).bytes)) as unknown)
    const whole = Either.isLeft(parsed)
      ? Either.left("not JSON")
      : Either.mapLeft(yield* Effect.either(FeedDocument.entries(parsed.right)), (e) => e.reason)
    const scanned = Either.mapLeft(yield* Effect.either(FeedDocument.entriesOfText()(body(text))), (e) => e.reason)
    return {
      whole: Either.map(whole, plain),
      scanned: Either.map(scanned, plain)
    }
  })

const entry = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 30 }).map((i) => Fixtures.locationSource(`loc-${i}`)) },
  // Valid but not canonical, or invalid, or without an externalId, or not an object at all.
  fc.integer({ min: 0, max: 30 }).map((i) => {
    const source: any = Fixtures.locationSource(`loc-${i}`)
    source.prices[0].amount.amount = i % 2 === 0 ? "12.5" : 12.5
    return source
  }),
  fc.jsonValue({ maxDepth: 3 })
)

const document = fc.record({
  before: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
  locations: fc.array(entry, { maxLength: 8 }),
  after: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
  indent: fc.constantFrom(0, 2, "\t", " \r\n"),
  key: fc.constantFrom("\"locations\"", "\"locati\\u006fns\"", "\"Locations\"")
})

/** The document's text, its `locations` key spelled as `key` (an escape, or another key). */
const render = (d: typeof document extends fc.Arbitrary<infer A> ? A : never) => {
  const parts = [
    ...Object.entries(d.before).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v, null, d.indent)}`),
    `${d.key}:${JSON.stringify(d.locations, null, d.indent)}`,
    ...Object.entries(d.after).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v, null, d.indent)}`)
  ]
  return `{${parts.join(`,${typeof d.indent === "string" ? d.indent : ""}`)}}`
}

describe("FeedDocument.entriesOfText", () => {
  // The reads yield to the event loop after a few milliseconds of work (a loaded machine reaches that
  // on small documents too), so each run is a promise, never runSync.
  it.effect("gives what entries gives for the document parsed whole, for any document", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(document, async (d) => {
          const { scanned, whole } = await Effect.runPromise(both(render(d)))
          if (Either.isLeft(whole)) expect(Either.isLeft(scanned)).toBe(true)
          else expect(scanned).toEqual(whole)
        }),
        { numRuns: 300, seed: 14 }
      )
    ))

  it.effect("and for the same documents damaged: a byte changed, inserted, doubled, or the text cut short", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          document,
          fc.nat(),
          fc.constantFrom(..."{}[],:\"\\ 0a".split("")),
          fc.constantFrom("replace", "insert", "cut", "double"),
          async (d, position, byte, how) => {
            const text = render(d)
            const at = position % text.length
            const damaged = how === "replace"
              ? text.slice(0, at) + byte + text.slice(at + 1)
              : how === "insert"
              ? text.slice(0, at) + byte + text.slice(at)
              : how === "cut"
              ? text.slice(0, at)
              : text.slice(0, at + 1) + text.slice(at)
            const { scanned, whole } = await Effect.runPromise(both(damaged))
            if (Either.isLeft(whole)) expect(Either.isLeft(scanned)).toBe(true)
            else expect(scanned).toEqual(whole)
          }
        ),
        { numRuns: 1000, seed: 14 }
      )
    ))

  it.effect("gives each entry with the digest of its bytes, and parses only the texts its index does not know", () =>
    Effect.gen(function*() {
      const locations = [Fixtures.locationSource("a"), Fixtures.locationSource("b")]
      const text = `{"locations": [\n  ${JSON.stringify(locations[0])} ,\n${JSON.stringify(locations[1], null, 2)}\n]}`
      const index = FeedDocument.makeTextIndex()
      const parsed: Array<number> = []
      const parse = JSON.parse
      JSON.parse = (value: string, reviver?: any) => {
        parsed.push(value.length)
        return parse(value, reviver)
      }
      const read = () => FeedDocument.entriesOfText(index)(body(text))
      const first = yield* read().pipe(Effect.ensuring(Effect.sync(() => (JSON.parse = parse))))
      expect(first.map((r) => r._tag === "Unparsed" ? [r.externalId, r.digest] : r._tag)).toEqual([
        ["a", Digest.sha256Hex(JSON.stringify(locations[0]))],
        ["b", Digest.sha256Hex(JSON.stringify(locations[1], null, 2))]
      ])
      // The first read parsed the skeleton and both entries (for their externalIds); the second, known
      // texts, only the skeleton.
      expect(parsed.length).toBe(3)
      parsed.length = 0
      JSON.parse = (value: string, reviver?: any) => {
        parsed.push(value.length)
        return parse(value, reviver)
      }
      yield* read().pipe(Effect.ensuring(Effect.sync(() => (JSON.parse = parse))))
      expect(parsed).toEqual([JSON.stringify({ locations: [] }).length + 1])
      expect(plain(first)).toEqual([{ snapshot: locations[0] }, { snapshot: locations[1] }])
    }))
})

describe("FeedText.layout", () => {
  it("finds the entries of the last top-level locations array, after a byte order mark", () => {
    const text =
      "\uFEFF { \"x\": {\"locations\": [9]}, \"locations\": [1], \"locations\" : [ {\"a\": \"],\\\"\"} , [2,3] ] } "
    const found = FeedText.layout(Buffer.from(text))!
    const bytes = Buffer.from(text)
    const entries = Array.from(
      { length: found.entries.length / 2 },
      (_, i) => bytes.toString("utf8", found.entries[2 * i]!, found.entries[2 * i + 1]!)
    )
    expect(entries).toEqual(["{\"a\": \"],\\\"\"}", "[2,3]"])
    expect(JSON.parse(found.skeleton)).toEqual({ x: { locations: [9] }, locations: [] })
  })

  it("gives the same layout scanned in steps of any size as in one go, damaged documents included", () => {
    const stepped = (bytes: Buffer, sizes: ReadonlyArray<number>) => {
      const scan = FeedText.scanner(bytes)
      for (let i = 0;; i++) {
        const step = scan.step(sizes[i % sizes.length]!)
        if (step !== "more") return { step, steps: i + 1 }
      }
    }
    let resumed = 0
    fc.assert(
      fc.property(
        document,
        fc.nat(),
        fc.constantFrom("", ..."{}[],:\"\\ 0a".split("")),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        (d, position, byte, sizes) => {
          const text = render(d)
          const at = position % text.length
          const bytes = Buffer.from(text.slice(0, at) + byte + text.slice(at + (byte === "" ? 0 : 1)))
          const { step, steps } = stepped(bytes, sizes)
          if (steps > 1) resumed++
          expect(step).toEqual(FeedText.layout(bytes))
        }
      ),
      { numRuns: 500, seed: 14 }
    )
    // Most documents took several steps: the scan was resumed, not just run once.
    expect(resumed).toBeGreaterThan(250)
  })

  it("leaves to a whole parse what it cannot lay out", () => {
    for (
      const text of [
        "[1]",
        "{\"locations\": [1,]}",
        "{\"locations\": [,1]}",
        "{\"locations\": [1]} x",
        "{\"locations\": [\"1]}",
        "{\"locations\": {}}",
        "{\"other\": []}"
      ]
    ) {
      expect([text, FeedText.layout(Buffer.from(text))]).toEqual([text, undefined])
    }
  })
})
