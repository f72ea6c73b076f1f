/**
 * The adapters the hub ships with.
 *
 * @since 0.1.0
 */
import { FeedAdapter } from "@spacesync/adapter-feed"
import type { Adapter } from "@spacesync/adapter-kit/Adapter"

/** @since 0.1.0 */
export const bundledAdapters: ReadonlyArray<Adapter<any, any>> = [FeedAdapter.adapter]
