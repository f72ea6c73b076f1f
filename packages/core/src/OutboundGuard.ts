/**
 * The outbound guard: every request the hub makes on a tenant's behalf (webhook deliveries, feed URLs,
 * adapter base URLs) goes through an undici dispatcher that refuses loopback, private, link-local, CGNAT,
 * multicast, unspecified, reserved and cloud-metadata addresses unless
 * `SPACESYNC_ALLOW_PRIVATE_TARGETS=true`.
 *
 * The check happens **when connecting**: a custom `lookup` on the connector checks every address a host
 * name resolves to (so DNS rebinding between a check and the connection does not get around it), and
 * numeric hosts, which never reach a lookup, are checked before the socket opens. The WHATWG URL parser
 * has already turned every numeric form (`2130706433`, `0x7f.1`, `0177.0.0.1`, `[::ffff:127.0.0.1]`) into
 * a canonical address; IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 addresses are judged by the IPv4
 * address they embed. Address classes are ipaddr.js's (`range()`), with the cloud metadata addresses
 * named apart. Redirects are never followed (undici's `request` does not), connecting times out
 * after 5 s.
 *
 * `layer` is an `HttpClient` on that dispatcher (through `@effect/platform-node`'s undici client) that
 * adapters' upstream clients and the delivery workers share.
 *
 * @since 0.1.0
 */
import { HttpClient, HttpClientError } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Config, Duration, Effect, Layer, Schema } from "effect"
import type * as ConfigError from "effect/ConfigError"
import type * as Scope from "effect/Scope"
import ipaddr from "ipaddr.js"
import * as Dns from "node:dns"
import * as Net from "node:net"
import { Agent, buildConnector, type Dispatcher } from "undici"

/** Why an address is refused. @since 0.1.0 */
export type RefusalReason =
  | "loopback"
  | "private"
  | "link-local"
  | "cgnat"
  | "multicast"
  | "unspecified"
  | "metadata"
  | "reserved"

/**
 * A request was refused because its target resolves to an address that is not public.
 *
 * @since 0.1.0
 */
export class RefusedTarget extends Schema.TaggedError<RefusedTarget>()("RefusedTarget", {
  host: Schema.String,
  address: Schema.String,
  reason: Schema.Literal(
    "loopback",
    "private",
    "link-local",
    "cgnat",
    "multicast",
    "unspecified",
    "metadata",
    "reserved"
  ),
  message: Schema.String
}) {
  /** A Node-style code, so that code which only looks at `err.code` sees what happened. */
  readonly code = "ERR_SPACESYNC_REFUSED_TARGET"
}

/** `SPACESYNC_ALLOW_PRIVATE_TARGETS`: `true` lets requests reach private addresses. @since 0.1.0 */
export const AllowPrivateTargets: Config.Config<boolean> = Config.boolean("SPACESYNC_ALLOW_PRIVATE_TARGETS").pipe(
  Config.withDefault(false),
  Config.withDescription("Let outbound requests reach loopback/private addresses (development and tests only)")
)

// Exact addresses of cloud metadata services (AWS/GCP/Azure/OpenStack, ECS, Alibaba, Azure wireserver, the
// AWS IPv6 endpoint), normalized as ipaddr.js prints them; they sit inside ranges judged otherwise.
const metadata = new Set(
  ["169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16", "fd00:ec2::254"].map((address) =>
    ipaddr.parse(address).toNormalizedString()
  )
)

// ipaddr.js range names → why such an address is refused. Ranges not listed (unicast, and the
// anycast `as112`/`amt` blocks) are public.
const reasonsV4: Readonly<Record<string, RefusalReason>> = {
  unspecified: "unspecified",
  broadcast: "reserved",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "cgnat",
  private: "private",
  reserved: "reserved"
}

const reasonsV6: Readonly<Record<string, RefusalReason>> = {
  unspecified: "unspecified",
  linkLocal: "link-local",
  multicast: "multicast",
  loopback: "loopback",
  uniqueLocal: "private",
  deprecatedSiteLocal: "private",
  // Not real targets: discard-only, IPv4-translated, Teredo, benchmarking, ORCHID and DRIP identifiers,
  // documentation.
  discard: "reserved",
  rfc6145: "reserved",
  teredo: "reserved",
  benchmarking: "reserved",
  deprecatedOrchid: "reserved",
  orchid2: "reserved",
  droneRemoteIdProtocolEntityTags: "reserved",
  reserved: "reserved"
}

const classifyV4 = (address: ipaddr.IPv4): RefusalReason | undefined =>
  metadata.has(address.toNormalizedString()) ? "metadata" : reasonsV4[address.range()]

const embeddedV4 = (hi: number, lo: number) => classifyV4(new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]))

const classifyV6 = (address: ipaddr.IPv6): RefusalReason | undefined => {
  if (metadata.has(address.toNormalizedString())) return "metadata"
  // IPv4-mapped ::ffff:a.b.c.d: judged by the IPv4 address.
  if (address.isIPv4MappedAddress()) return classifyV4(address.toIPv4Address())
  const g = address.parts
  const range: string = address.range()
  // IPv4-compatible ::a.b.c.d (deprecated): judged by the IPv4 address, or reserved.
  if (range === "unicast" && g.slice(0, 6).every((x) => x === 0)) return embeddedV4(g[6]!, g[7]!) ?? "reserved"
  // NAT64 (64:ff9b::/96) carries an IPv4 address; its local-use prefix (64:ff9b:1::/48) is private.
  if (range === "rfc6052") return g[2] === 1 ? "private" : embeddedV4(g[6]!, g[7]!)
  // 6to4 (2002::/16) carries an IPv4 address in groups 1–2.
  if (range === "6to4") return embeddedV4(g[1]!, g[2]!)
  const reason = reasonsV6[range]
  if (reason !== undefined) return reason
  // Everything outside global unicast (2000::/3) is not a public target.
  return (g[0]! & 0xe000) === 0x2000 ? undefined : "reserved"
}

/**
 * Why `address` (an IPv4 or IPv6 address, brackets and a zone allowed) is not a public target, or
 * `undefined` when it is one. A string that is not an IP address gives `undefined`. The address classes
 * are ipaddr.js's `range()`, plus the cloud metadata addresses and the IPv4 address that IPv4-mapped,
 * IPv4-compatible, NAT64 and 6to4 addresses embed.
 *
 * @since 0.1.0
 */
export const classify = (address: string): RefusalReason | undefined => {
  const text = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address
  // Shorthand IPv4 forms (`127.1`, `0x7f.1`, `2130706433`) are read as inet_aton and URL parsers read them.
  if (ipaddr.IPv4.isValid(text)) return classifyV4(ipaddr.IPv4.parse(text))
  return ipaddr.IPv6.isValid(text) ? classifyV6(ipaddr.IPv6.parse(text)) : undefined
}

const refused = (host: string, address: string, reason: RefusalReason) =>
  new RefusedTarget({
    host,
    address,
    reason,
    message: `Refused to connect to ${host} (${address}): ${reason} address`
  })

/**
 * A `dns.lookup` replacement for sockets: resolves like `dns.lookup` and refuses the host when any
 * address it resolves to is not public.
 *
 * @since 0.1.0
 */
export const guardedLookup: Net.LookupFunction = (hostname, options, callback) => {
  Dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return (callback as (...args: Array<unknown>) => void)(error, options.all ? [] : "", 0)
    for (const entry of addresses) {
      const reason = classify(entry.address)
      if (reason !== undefined) {
        return (callback as (...args: Array<unknown>) => void)(refused(hostname, entry.address, reason))
      }
    }
    if (options.all) return (callback as (...args: Array<unknown>) => void)(null, addresses)
    const first = addresses[0]
    if (first === undefined) {
      const notFound = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: "ENOTFOUND",
        syscall: "getaddrinfo",
        hostname
      })
      return (callback as (...args: Array<unknown>) => void)(notFound, "", 0)
    }
    return (callback as (...args: Array<unknown>) => void)(null, first.address, first.family)
  })
}

/** Options of the guarded dispatcher. @since 0.1.0 */
export interface DispatcherOptions {
  /** Let requests reach non-public addresses (default `false`). */
  readonly allowPrivateTargets?: boolean | undefined
  /** Default 5 seconds. */
  readonly connectTimeout?: Duration.DurationInput | undefined
  /** Connections per origin (default: unlimited). */
  readonly connections?: number | undefined
}

/**
 * The guarded undici connector: refuses numeric hosts that are not public before connecting, and resolves
 * names with `guardedLookup`.
 *
 * @since 0.1.0
 */
export const connector = (options: DispatcherOptions = {}): buildConnector.connector => {
  const timeout = Duration.toMillis(options.connectTimeout ?? Duration.seconds(5))
  if (options.allowPrivateTargets === true) return buildConnector({ timeout })
  const base = buildConnector({ timeout, lookup: guardedLookup })
  return (connectOptions, callback) => {
    const host = connectOptions.hostname
    if (Net.isIP(host) !== 0) {
      const reason = classify(host)
      if (reason !== undefined) return callback(refused(host, host, reason), null)
    }
    return base(connectOptions, callback)
  }
}

/**
 * A new guarded undici `Agent` (never follows redirects). The caller owns it: `destroy` it when done, or
 * use `makeDispatcher`.
 *
 * @since 0.1.0
 */
export const unsafeMakeAgent = (options: DispatcherOptions = {}): Agent =>
  new Agent({
    connect: connector(options),
    ...(options.connections !== undefined ? { connections: options.connections } : {}),
    keepAliveTimeout: 30_000
  })

/**
 * A guarded dispatcher, destroyed with the scope.
 *
 * @since 0.1.0
 */
export const makeDispatcher = (options: DispatcherOptions = {}): Effect.Effect<Dispatcher, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => unsafeMakeAgent(options)),
    (agent) => Effect.promise(() => agent.destroy())
  )

/**
 * An `HttpClient` on a guarded dispatcher. Every exchange is bounded by `timeout` (default 15 s, the
 * response headers; read bodies with your own bound). Redirects are not followed.
 *
 * @since 0.1.0
 */
export const makeHttpClient = (
  options: DispatcherOptions & { readonly timeout?: Duration.DurationInput | undefined } = {}
): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> =>
  Effect.map(makeDispatcher(options), (dispatcher) => {
    const timeout = options.timeout ?? Duration.seconds(15)
    return NodeHttpClient.makeUndici(dispatcher).pipe(
      HttpClient.transform((effect, request) =>
        Effect.timeoutFail(effect, {
          duration: timeout,
          onTimeout: () =>
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              cause: new TimeoutError(`No response within ${Duration.format(timeout)}`),
              description: "timeout"
            })
        })
      )
    )
  })

/**
 * A request or its body did not complete in time.
 *
 * @since 0.1.0
 */
export class TimeoutError extends Error {
  /** A Node-style code. */
  readonly code = "ERR_SPACESYNC_TIMEOUT"
}

/**
 * The guarded `HttpClient` with explicit options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (
  options: DispatcherOptions & { readonly timeout?: Duration.DurationInput | undefined } = {}
): Layer.Layer<HttpClient.HttpClient> => Layer.scoped(HttpClient.HttpClient, makeHttpClient(options))

/**
 * The guarded `HttpClient`, private targets allowed only with `SPACESYNC_ALLOW_PRIVATE_TARGETS=true`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(AllowPrivateTargets, (allowPrivateTargets) => layerWith({ allowPrivateTargets }))
)

/**
 * A guarded dispatcher with explicit options as `@effect/platform-node`'s `NodeHttpClient.Dispatcher`, for
 * code that sends with undici directly (the delivery workers) or builds its own client with
 * `NodeHttpClient.layerUndiciWithoutDispatcher`.
 *
 * @since 0.1.0
 * @category layers
 */
export const dispatcherLayerWith = (options: DispatcherOptions = {}): Layer.Layer<NodeHttpClient.Dispatcher> =>
  Layer.scoped(NodeHttpClient.Dispatcher, makeDispatcher(options))

/**
 * The guarded dispatcher, private targets allowed only with `SPACESYNC_ALLOW_PRIVATE_TARGETS=true`.
 *
 * @since 0.1.0
 * @category layers
 */
export const dispatcherLayer: Layer.Layer<NodeHttpClient.Dispatcher, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(AllowPrivateTargets, (allowPrivateTargets) => dispatcherLayerWith({ allowPrivateTargets }))
)

/** How an attempt failed, as the attempt log records it. @since 0.1.0 */
export type ErrorClass = "timeout" | "dns" | "connection" | "tls" | "http" | "refused_target"

const tlsCodes = new Set([
  "EPROTO",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_REVOKED",
  "HOSTNAME_MISMATCH"
])
const dnsCodes = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EAI_NODATA", "ENODATA"])
const timeoutCodes = new Set([
  "ERR_SPACESYNC_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT"
])

/**
 * The class of a transport failure, from the error and its causes: `refused_target` (this guard),
 * `timeout`, `dns`, `tls`, or `connection` for anything else.
 *
 * @since 0.1.0
 */
export const errorClass = (error: unknown): Exclude<ErrorClass, "http"> => {
  const seen = new Set<unknown>()
  const queue: Array<unknown> = [error]
  let found: Exclude<ErrorClass, "http"> | undefined
  while (queue.length > 0) {
    const current = queue.shift()
    if (current === null || typeof current !== "object" || seen.has(current)) continue
    seen.add(current)
    if (current instanceof RefusedTarget) return "refused_target"
    const { cause, code, errors, name, syscall } = current as {
      code?: unknown
      syscall?: unknown
      name?: unknown
      cause?: unknown
      errors?: unknown
    }
    if (typeof code === "string") {
      if (code === "ERR_SPACESYNC_REFUSED_TARGET") return "refused_target"
      if (timeoutCodes.has(code)) found ??= "timeout"
      else if (dnsCodes.has(code) || syscall === "getaddrinfo") found ??= "dns"
      else if (tlsCodes.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_")) found ??= "tls"
    }
    if (name === "TimeoutException" || name === "ConnectTimeoutError") found ??= "timeout"
    if (cause !== undefined) queue.push(cause)
    if (Array.isArray(errors)) queue.push(...errors)
  }
  return found ?? "connection"
}
