/**
 * Example values for the OpenAPI document: one coherent story (a coworking operator in Lisbon listed on
 * one platform) told in the wire shapes of the API, so every request, response and webhook body in the
 * document has an example a reader can follow from one route to the next. The lint test checks each one
 * against its schema.
 *
 * @since 0.1.0
 */
import { EventLog } from "@spacesync/core"

/** @since 0.1.0 */
export type EventType = EventLog.EventType
/** @since 0.1.0 */
export const eventTypes: ReadonlyArray<EventType> = EventLog.EventType.literals

const hub = "https://hub.example.com"

/** @since 0.1.0 */
export const ids = {
  platformId: "plt_7m3k9q2x4w8r6t1v5z0b2n4p6s",
  operatorId: "op_4n8p2r6t0v3x7z1b5d9f3h7k1m",
  accountId: "acc_9d2f6h0k4m8p3r7t1v5x9z3b7c",
  connectionId: "con_3x9k2m7q4w8r6t1v5z0b2n4p6s",
  locationId: "loc_1a5c9e3g7j2m6p0r4t8w2y6a0c",
  resourceIds: ["res_2b6d0f4h8k3n7q1s5v9x3z7b1d", "res_5e9g3j7m1p5s9v3x7z1c5f9h3k"],
  priceIds: ["prc_6f0h4k8n2q6s0v4x8z2c6f0h4k", "prc_8h2k6n0q4s8v2x6z0c4f8h2k6n"],
  endpointId: "ep_0c4f8h2k6n0q4s8v2x6z0c4f8h",
  deliveryId: "dlv_3g7k1n5q9s3v7x1z5c9f3h7k1n"
} as const

const connectionUrl = `${hub}/v1/connections/${ids.connectionId}`
const locationUrl = `${connectionUrl}/locations/${ids.locationId}`

/** @since 0.1.0 */
export const location = {
  id: ids.locationId,
  externalId: "1042",
  name: "Harbour Works Lisbon",
  status: "active",
  visible: true,
  timezone: "Europe/Lisbon",
  address: {
    formatted: "Rua da Prata 80, 1100-415 Lisboa, Portugal",
    line1: "Rua da Prata 80",
    city: "Lisboa",
    postalCode: "1100-415",
    countryCode: "PT"
  },
  geo: { lat: 38.7103, lng: -9.1366 },
  currency: "EUR",
  priceDisplay: "gross",
  description: "Four floors of desks and meeting rooms in the Baixa, five minutes from Cais do Sodré.",
  contact: { email: "hello@harbourworks.example", phone: "+351 21 000 0000", website: "https://harbourworks.example/" },
  openingHours: [
    { day: "mon", opens: "08:00", closes: "20:00" },
    { day: "tue", opens: "08:00", closes: "20:00" },
    { day: "wed", opens: "08:00", closes: "20:00" },
    { day: "thu", opens: "08:00", closes: "20:00" },
    { day: "fri", opens: "08:00", closes: "18:00" }
  ],
  amenities: ["wifi", "coffee", "lockers"],
  photos: ["https://harbourworks.example/photos/lobby.jpg"],
  sourceUpdatedAt: "2026-11-22T10:14:02Z"
}

/** @since 0.1.0 */
export const resources = [
  {
    id: ids.resourceIds[0],
    externalId: "77",
    locationId: ids.locationId,
    name: "Tejo meeting room",
    kind: "meeting_room",
    usage: "bookable",
    capacity: 8,
    minBookingMinutes: 30,
    status: "active",
    visible: true,
    amenities: ["screen", "whiteboard"],
    listingResourceId: "room-3"
  },
  {
    id: ids.resourceIds[1],
    externalId: "78",
    locationId: ids.locationId,
    name: "Hot desk",
    kind: "hot_desk",
    usage: "bookable",
    units: 40,
    status: "active",
    visible: true
  }
]

/** @since 0.1.0 */
export const prices = [
  {
    id: ids.priceIds[0],
    externalId: "plan-12",
    locationId: ids.locationId,
    name: "Tejo meeting room, hourly",
    category: "resource_rate",
    appliesTo: { resourceIds: [ids.resourceIds[0]] },
    amount: { amount: "35.00", currency: "EUR" },
    unit: { per: "hour", count: 1 },
    recurring: false,
    tax: { mode: "inclusive", ratePercent: 23 },
    status: "active"
  },
  {
    id: ids.priceIds[1],
    externalId: "plan-3",
    locationId: ids.locationId,
    name: "Flex membership",
    category: "membership",
    appliesTo: { resourceKinds: ["hot_desk"] },
    amount: { amount: "175.00", currency: "EUR" },
    unit: { per: "month", count: 1 },
    recurring: true,
    tax: { mode: "exclusive", ratePercent: 23 },
    conditions: { membersOnly: true },
    status: "active"
  }
]

/** @since 0.1.0 */
export const eventIds: Record<EventType, string> = {
  "connection.activated": "evt_0a4c8e2g6j0m4p8r2t6w0y4a8c",
  "connection.revoked": "evt_9z3b7d1f5h9k3n7q1s5v9x3z7b",
  "location.created": "evt_1b5d9f3h7k1n5q9s3v7x1z5c9f",
  "location.updated": "evt_2c6f0h4k8n2q6s0v4x8z2c6f0h",
  "location.deleted": "evt_3d7g1j5m9p3r7t1w5y9a3d7g1j",
  "resources.updated": "evt_4e8h2k6n0q4s8v2x6z0c4f8h2k",
  "pricing.updated": "evt_5f9j3m7p1r5t9w3y7a1d5g9j3m"
}

/**
 * The event of each type, as webhooks carry it and the events feed lists it.
 *
 * @since 0.1.0
 */
export const event = (type: EventType) => {
  const connection = type.startsWith("connection.")
  const changes = type === "resources.updated"
    ? {
      created: [],
      updated: [ids.resourceIds[0]],
      deleted: [],
      listingResourceIds: { [ids.resourceIds[0]]: "room-3" }
    }
    : type === "pricing.updated"
    ? { created: [], updated: [ids.priceIds[0]], deleted: [] }
    : type === "location.created"
    ? { created: [ids.locationId], updated: [], deleted: [] }
    : type === "location.updated"
    ? { created: [], updated: [ids.locationId], deleted: [] }
    : type === "location.deleted"
    ? { created: [], updated: [], deleted: [ids.locationId] }
    : { created: [], updated: [], deleted: [] }
  return {
    type,
    timestamp: "2026-11-22T10:15:00.123Z",
    data: {
      eventId: eventIds[type],
      connectionId: ids.connectionId,
      locationId: connection ? null : ids.locationId,
      listingId: connection ? null : "p-77",
      version: connection ? null : type === "location.created" ? 1 : 12,
      apiUrl: connection
        ? connectionUrl
        : type === "resources.updated"
        ? `${locationUrl}/resources`
        : type === "pricing.updated"
        ? `${locationUrl}/prices`
        : locationUrl,
      changes,
      fullResync: type === "location.created"
    }
  }
}

/** @since 0.1.0 */
export const platformConnection = {
  connectionId: ids.connectionId,
  status: "active",
  locations: [{ locationId: ids.locationId, listingId: "p-77" }],
  createdAt: "2026-11-20T09:00:00.000Z"
}

/** @since 0.1.0 */
export const operatorConnection = {
  connectionId: ids.connectionId,
  platformId: ids.platformId,
  status: "active",
  locations: [{ locationId: ids.locationId, listingId: "p-77" }],
  createdAt: "2026-11-20T09:00:00.000Z",
  activatedAt: "2026-11-20T09:04:12.000Z",
  revokedAt: null
}

/** @since 0.1.0 */
export const account = {
  accountId: ids.accountId,
  name: "Harbour Works on Nexudus",
  adapter: "nexudus",
  pollIntervalSeconds: 900,
  status: "active",
  pausedReason: null,
  webhookUrl: `${hub}/upstream/${ids.accountId}/webhooks`,
  lastSync: {
    outcome: "succeeded",
    startedAt: "2026-11-22T10:14:58.000Z",
    finishedAt: "2026-11-22T10:15:00.100Z",
    durationMillis: 2100,
    counts: { listed: 3, created: 0, updated: 1, deleted: 0, unchanged: 2, failed: 0 },
    error: null
  },
  progress: null,
  createdAt: "2026-11-19T16:30:00.000Z"
}

/** @since 0.1.0 */
export const endpoint = {
  id: ids.endpointId,
  platformId: ids.platformId,
  url: "https://listings.example.com/hooks/spacesync",
  eventTypes: ["location.updated", "resources.updated", "pricing.updated"],
  description: "Production listings sync",
  status: "enabled",
  disabledReason: null,
  disabledAt: null,
  createdAt: "2026-11-20T09:10:00.000Z",
  updatedAt: "2026-11-20T09:10:00.000Z"
}

/** @since 0.1.0 */
export const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw4ZQK3VqRHjM="

/** @since 0.1.0 */
export const delivery = {
  id: ids.deliveryId,
  endpointId: ids.endpointId,
  eventId: eventIds["pricing.updated"],
  eventType: "pricing.updated",
  connectionId: ids.connectionId,
  locationId: ids.locationId,
  status: "succeeded",
  attemptCount: 2,
  nextAttemptAt: null,
  createdAt: "2026-11-22T10:15:00.123Z",
  finishedAt: "2026-11-22T10:15:06.020Z",
  lastStatusCode: 200,
  lastErrorClass: null,
  reason: null,
  supersededBy: null,
  attempts: [
    {
      attempt: 1,
      trigger: "scheduled",
      url: "https://listings.example.com/hooks/spacesync",
      attemptedAt: "2026-11-22T10:15:00.300Z",
      durationMs: 10000,
      statusCode: null,
      responseExcerpt: null,
      errorClass: "timeout",
      errorMessage: "No response within 10 s",
      nextAttemptAt: "2026-11-22T10:15:05.900Z"
    },
    {
      attempt: 2,
      trigger: "scheduled",
      url: "https://listings.example.com/hooks/spacesync",
      attemptedAt: "2026-11-22T10:15:05.900Z",
      durationMs: 120,
      statusCode: 200,
      responseExcerpt: "ok",
      errorClass: null,
      errorMessage: null,
      nextAttemptAt: null
    }
  ]
}

/** The hub's URL in the examples. @since 0.1.0 */
export const hubUrl = hub
