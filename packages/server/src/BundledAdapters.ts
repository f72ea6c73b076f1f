/**
 * The adapters the hub ships with, as builds: the hub's registry builds each once when it starts.
 *
 * @since 0.1.0
 */
import { BookingSyncAdapter } from "@spacesync/adapter-bookingsync"
import { CobotAdapter } from "@spacesync/adapter-cobot"
import { FeedAdapter } from "@spacesync/adapter-feed"
import type * as Adapter from "@spacesync/adapter-kit/Adapter"
import { NexudusAdapter } from "@spacesync/adapter-nexudus"
import { OfficeRnDAdapter } from "@spacesync/adapter-officernd"
import { OptixAdapter } from "@spacesync/adapter-optix"

/** @since 0.1.0 */
export const bundledAdapters: ReadonlyArray<Adapter.Build> = [
  FeedAdapter.make,
  BookingSyncAdapter.make,
  OfficeRnDAdapter.make,
  CobotAdapter.make,
  NexudusAdapter.make,
  OptixAdapter.make
]
