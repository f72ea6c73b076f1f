/**
 * What the chaos run proves, as pure functions over what it recorded: sync intervals per account (from
 * every process's JSON logs), and deliveries against the platforms' event feeds.
 */
import type { Incarnation } from "./HubFleet.js"
import type { Delivery } from "./Receiver.js"

/** One sync run of an account by one process, from its "Sync run started" to its end. */
export interface SyncInterval {
  readonly accountId: string
  readonly pid: number
  readonly leaseOwner: string
  readonly start: number
  readonly end: number
  /** How the interval ended: its "Sync run ended" line, the test's kill, the process's exit, or still running. */
  readonly endedBy: "finished" | "killed" | "exited" | "running"
}

interface LogLine {
  readonly message?: unknown
  readonly timestamp?: string
  readonly fiberId?: string
  readonly annotations?: Record<string, unknown>
}

const parse = (line: string): LogLine | undefined => {
  if (!line.startsWith("{")) return undefined
  try {
    return JSON.parse(line) as LogLine
  } catch {
    return undefined
  }
}

const messageOf = (entry: LogLine) => (Array.isArray(entry.message) ? entry.message.join(" ") : String(entry.message))

/** Every sync interval each process logged; one left open ends at the process's kill or exit. */
export const syncIntervals = (lives: ReadonlyArray<Incarnation>, now: number) => {
  const intervals: Array<SyncInterval> = []
  /** Lines that do not pair up (a run started twice, or finished without starting): the record is broken. */
  const unpaired: Array<string> = []
  for (const life of lives) {
    // A run's two lines come from one fiber: paired by it, runs of one account that overlap within one
    // process are told apart too.
    const open = new Map<string, { accountId: string; start: number; leaseOwner: string }>()
    for (const line of life.lines) {
      const entry = parse(line)
      if (entry === undefined || entry.annotations === undefined || entry.timestamp === undefined) continue
      const message = messageOf(entry)
      if (message !== "Sync run started" && message !== "Sync run ended") continue
      const accountId = String(entry.annotations.accountId)
      const key = `${accountId} ${String(entry.fiberId)}`
      const at = Date.parse(entry.timestamp)
      if (message === "Sync run started") {
        if (open.has(key)) unpaired.push(`process ${life.pid} started ${accountId} twice on one fiber: ${line}`)
        open.set(key, { accountId, start: at, leaseOwner: String(entry.annotations.leaseOwner) })
      } else {
        const started = open.get(key)
        if (started === undefined) {
          unpaired.push(`process ${life.pid} finished ${accountId} without starting it: ${line}`)
          continue
        }
        open.delete(key)
        intervals.push({ pid: life.pid, ...started, end: at, endedBy: "finished" })
      }
    }
    for (const started of open.values()) {
      const [end, endedBy] = life.killedAt !== undefined
        ? [life.killedAt, "killed" as const]
        : life.exit !== undefined
        ? [life.exit.at, "exited" as const]
        : [now, "running" as const]
      intervals.push({ pid: life.pid, ...started, end, endedBy })
    }
  }
  return { intervals, unpaired }
}

/** Pairs of intervals of one account that overlap in time. */
export const overlaps = (intervals: ReadonlyArray<SyncInterval>) => {
  const found: Array<readonly [SyncInterval, SyncInterval]> = []
  const byAccount = new Map<string, Array<SyncInterval>>()
  for (const interval of intervals) {
    byAccount.set(interval.accountId, [...(byAccount.get(interval.accountId) ?? []), interval])
  }
  for (const list of byAccount.values()) {
    const sorted = [...list].sort((a, b) => a.start - b.start)
    let latest: SyncInterval | undefined
    for (const interval of sorted) {
      if (latest !== undefined && interval.start < latest.end) found.push([latest, interval])
      if (latest === undefined || interval.end > latest.end) latest = interval
    }
  }
  return found
}

/** Lines a process logged at level ERROR or FATAL (a failure message). */
export const errorLines = (life: Incarnation) =>
  life.lines.filter((line) => {
    const entry = parse(line) as { logLevel?: string } | undefined
    return entry?.logLevel === "ERROR" || entry?.logLevel === "FATAL"
  })

export interface FeedEvent {
  readonly type: string
  readonly data: { readonly eventId: string; readonly locationId: string | null; readonly version: number | null }
}

export interface Endpoint {
  readonly key: string
  /** `undefined`: every type. */
  readonly eventTypes: ReadonlyArray<string> | undefined
}

/**
 * For one platform's endpoints and its feed: the events an endpoint is subscribed to that never reached it
 * (with a verified signature and a 2xx), the deliveries that failed verification, and the duplicates.
 *
 * An event may instead have been superseded (the contract: a newer undelivered event of the same type for
 * the same location supersedes an older one queued for the endpoint); it then counts as reached when the
 * event that superseded it (or, in turn, the one that superseded that) reached the endpoint.
 */
export const deliveryReport = (
  feed: ReadonlyArray<FeedEvent>,
  endpoints: ReadonlyArray<Endpoint>,
  deliveries: ReadonlyArray<Delivery>,
  /** Per endpoint key: the event ids the hub recorded as superseded, and by which event. */
  superseded: ReadonlyMap<string, ReadonlyMap<string, string>>
) =>
  endpoints.map((endpoint) => {
    const mine = deliveries.filter((d) => d.endpoint === endpoint.key)
    const accepted = mine.filter((d) => d.answered === "ok" && d.verified)
    const acceptedIds = new Set(accepted.map((d) => d.eventId))
    const expected = feed.filter((e) => endpoint.eventTypes === undefined || endpoint.eventTypes.includes(e.type))
    const feedIds = new Set(feed.map((e) => e.data.eventId))
    const supersededHere = superseded.get(endpoint.key) ?? new Map<string, string>()
    const reached = (eventId: string, depth = 0): boolean =>
      acceptedIds.has(eventId) ||
      (depth < 1_000 && supersededHere.has(eventId) && reached(supersededHere.get(eventId)!, depth + 1))
    return {
      endpoint: endpoint.key,
      expected: expected.length,
      missing: expected.filter((e) => !reached(e.data.eventId)).map((e) => e.data.eventId),
      superseded: expected.filter((e) => !acceptedIds.has(e.data.eventId) && reached(e.data.eventId)).length,
      unverified: mine.filter((d) => !d.verified).length,
      notInFeed: mine.filter((d) => !feedIds.has(d.eventId)).map((d) => d.eventId),
      attempts: mine.length,
      refused: mine.filter((d) => d.answered !== "ok").length,
      accepted: accepted.length,
      duplicates: accepted.length - acceptedIds.size
    }
  })

/** The highest version of each location among the deliveries an endpoint accepted. */
export const receivedVersions = (deliveries: ReadonlyArray<Delivery>, endpoint: string) => {
  const versions = new Map<string, number>()
  for (const d of deliveries) {
    if (d.endpoint !== endpoint || d.answered !== "ok" || !d.verified) continue
    if (d.locationId === null || d.version === null) continue
    versions.set(d.locationId, Math.max(versions.get(d.locationId) ?? 0, d.version))
  }
  return versions
}
