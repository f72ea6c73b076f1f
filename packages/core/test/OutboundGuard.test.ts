import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import * as OutboundGuard from "../src/OutboundGuard.js"
import { receiver } from "./support/Delivery.js"

const send = (url: string) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => client.execute(HttpClientRequest.post(url)))

const refusal = (url: string) =>
  send(url).pipe(
    Effect.flip,
    Effect.map((error) => ({
      errorClass: OutboundGuard.errorClass(error),
      reason: (error.cause as OutboundGuard.RefusedTarget | undefined)?.reason
    }))
  )

const guarded = OutboundGuard.layerWith({ allowPrivateTargets: false })
const open = OutboundGuard.layerWith({ allowPrivateTargets: true })

describe("OutboundGuard", () => {
  it("classifies addresses that are not public targets, IPv4-mapped and embedded forms included", () => {
    const cases: ReadonlyArray<readonly [string, OutboundGuard.RefusalReason | undefined]> = [
      ["127.0.0.1", "loopback"],
      ["127.255.0.9", "loopback"],
      ["10.0.0.1", "private"],
      ["172.16.5.4", "private"],
      ["172.32.0.1", undefined],
      ["192.168.0.10", "private"],
      ["100.64.0.1", "cgnat"],
      ["100.127.255.255", "cgnat"],
      ["169.254.10.1", "link-local"],
      ["169.254.169.254", "metadata"],
      ["100.100.100.200", "metadata"],
      ["224.0.0.251", "multicast"],
      ["0.0.0.0", "unspecified"],
      ["255.255.255.255", "reserved"],
      ["8.8.8.8", undefined],
      ["::", "unspecified"],
      ["::1", "loopback"],
      ["[::1]", "loopback"],
      ["::ffff:127.0.0.1", "loopback"],
      ["::ffff:7f00:1", "loopback"],
      ["0:0:0:0:0:ffff:a9fe:a9fe", "metadata"],
      ["::ffff:8.8.8.8", undefined],
      ["64:ff9b::10.0.0.1", "private"],
      ["2002:c0a8:0101::1", "private"],
      ["fd00:ec2::254", "metadata"],
      ["fd12:3456::1", "private"],
      ["fe80::1", "link-local"],
      ["ff02::1", "multicast"],
      ["2001:db8::1", "reserved"],
      ["2606:4700:4700::1111", undefined],
      ["not-an-ip", undefined],
      // IPv4-mapped IPv6 loopback in every spelling, and other embedded forms.
      ["[::ffff:127.0.0.1]", "loopback"],
      ["0:0:0:0:0:ffff:7f00:0001", "loopback"],
      ["::ffff:10.1.2.3", "private"],
      ["::ffff:100.64.0.1", "cgnat"],
      ["::127.0.0.1", "loopback"],
      // 100.64.0.0/10, both ends, and just outside it.
      ["100.64.0.0", "cgnat"],
      ["100.63.255.255", undefined],
      ["100.128.0.0", undefined],
      // fc00::/7, both halves, and just outside it.
      ["fc00::1", "private"],
      ["fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "private"],
      ["fbff::1", "reserved"],
      ["fe00::1", "reserved"],
      // The unspecified address in every spelling.
      ["0:0:0:0:0:0:0:0", "unspecified"],
      ["[::]", "unspecified"],
      ["0.0.0.1", "unspecified"],
      // Zones, shorthand IPv4 forms, the rest of the metadata addresses.
      ["fe80::1%eth0", "link-local"],
      ["127.1", "loopback"],
      ["2130706433", "loopback"],
      ["169.254.170.2", "metadata"],
      ["168.63.129.16", "metadata"],
      ["169.254.169.253", "link-local"],
      ["64:ff9b::8.8.8.8", undefined],
      ["64:ff9b:1::1", "private"],
      ["2002:0808:0808::1", undefined],
      ["fec0::1", "private"],
      ["2001::1", "reserved"],
      ["100::1", "reserved"],
      ["2001:2::1", "reserved"],
      ["2001:20::1", "reserved"]
    ]
    for (const [address, reason] of cases) expect([address, OutboundGuard.classify(address)]).toEqual([address, reason])
  })

  it.scoped("refuses loopback at connect time in every numeric form and through DNS (localhost)", () =>
    Effect.gen(function*() {
      const target = yield* receiver()
      const port = target.port
      for (
        const url of [
          `http://127.0.0.1:${port}/`,
          `http://2130706433:${port}/`,
          `http://0x7f.1:${port}/`,
          `http://0177.0.0.1:${port}/`,
          `http://[::ffff:127.0.0.1]:${port}/`,
          `http://[::1]:${port}/`,
          `http://localhost:${port}/`
        ]
      ) {
        expect([url, yield* refusal(url).pipe(Effect.provide(guarded))]).toEqual([url, {
          errorClass: "refused_target",
          reason: "loopback"
        }])
      }
      expect(target.received).toEqual([])
      // The same server is reachable when private targets are allowed.
      const response = yield* send(`http://localhost:${port}/ok`).pipe(Effect.provide(open))
      expect(response.status).toBe(200)
    }))

  it.scoped("never follows redirects", () =>
    Effect.gen(function*() {
      const target = yield* receiver((request) =>
        request.path === "/from" ? { status: 302, headers: { location: "/to" } } : { status: 200 }
      )
      const response = yield* send(`${target.url}/from`).pipe(Effect.provide(open))
      expect(response.status).toBe(302)
      expect(target.received.map((r) => r.path)).toEqual(["/from"])
    }))

  it.effect("reads SPACESYNC_ALLOW_PRIVATE_TARGETS (default false)", () =>
    Effect.gen(function*() {
      const read = (env: Record<string, string>) =>
        OutboundGuard.AllowPrivateTargets.pipe(
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
        )
      expect(yield* read({})).toBe(false)
      expect(yield* read({ SPACESYNC_ALLOW_PRIVATE_TARGETS: "true" })).toBe(true)
      // The layer builds from the environment.
      const empty = Layer.setConfigProvider(ConfigProvider.fromMap(new Map()))
      yield* Effect.provide(Effect.void, OutboundGuard.layer.pipe(Layer.provide(empty)))
    }))

  it("classifies transport errors", () => {
    expect(OutboundGuard.errorClass({ code: "ENOTFOUND", syscall: "getaddrinfo" })).toBe("dns")
    expect(OutboundGuard.errorClass({ cause: { code: "UND_ERR_CONNECT_TIMEOUT" } })).toBe("timeout")
    expect(OutboundGuard.errorClass(new OutboundGuard.TimeoutError("slow"))).toBe("timeout")
    expect(OutboundGuard.errorClass({ cause: { code: "ERR_TLS_CERT_ALTNAME_INVALID" } })).toBe("tls")
    expect(OutboundGuard.errorClass({ cause: { code: "DEPTH_ZERO_SELF_SIGNED_CERT" } })).toBe("tls")
    expect(OutboundGuard.errorClass(new AggregateError([{ code: "ECONNREFUSED" }]))).toBe("connection")
    expect(OutboundGuard.errorClass({ cause: { code: "ERR_SPACESYNC_REFUSED_TARGET" } })).toBe("refused_target")
  })
})
