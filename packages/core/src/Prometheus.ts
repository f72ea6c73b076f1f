/**
 * Renders Effect `Metric`s in the Prometheus text exposition format (version 0.0.4), for `GET /metrics`.
 * Counters, gauges, histograms (cumulative buckets with `+Inf`, `_sum`, `_count`), summaries (quantiles)
 * and frequencies (a counter per occurrence, labelled `key`).
 *
 * @since 0.1.0
 */
import { Effect, Metric, MetricState, Option } from "effect"
import type * as MetricPair from "effect/MetricPair"

/** The content type of `render`'s output. @since 0.1.0 */
export const contentType = "text/plain; version=0.0.4; charset=utf-8"

const name = (text: string) => text.replace(/[^a-zA-Z0-9_:]/g, "_").replace(/^([^a-zA-Z_:])/, "_$1")

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/\n/g, "\\n")

const labels = (pairs: ReadonlyArray<readonly [string, string]>) =>
  pairs.length === 0 ? "" : `{${pairs.map(([k, v]) => `${name(k)}="${escapeLabel(v)}"`).join(",")}}`

const number = (value: number | bigint) =>
  typeof value === "bigint"
    ? value.toString()
    : Number.isNaN(value)
    ? "NaN"
    : value === Infinity
    ? "+Inf"
    : value === -Infinity
    ? "-Inf"
    : String(value)

/**
 * The text of every metric in `pairs`, grouped by name.
 *
 * @since 0.1.0
 */
export const format = (pairs: ReadonlyArray<MetricPair.MetricPair.Untyped>): string => {
  const groups = new Map<string, { type: string; help: string; lines: Array<string> }>()
  const group = (metric: string, type: string, help: Option.Option<string>) => {
    let entry = groups.get(metric)
    if (entry === undefined) {
      entry = { type, help: Option.getOrElse(help, () => ""), lines: [] }
      groups.set(metric, entry)
    }
    return entry
  }
  for (const pair of pairs) {
    const key = pair.metricKey
    const metric = name(key.name)
    const tags = key.tags.map((tag) => [tag.key, tag.value] as const)
    const state = pair.metricState
    if (MetricState.isCounterState(state)) {
      group(metric, "counter", key.description).lines.push(`${metric}${labels(tags)} ${number(state.count)}`)
    } else if (MetricState.isGaugeState(state)) {
      group(metric, "gauge", key.description).lines.push(`${metric}${labels(tags)} ${number(state.value)}`)
    } else if (MetricState.isHistogramState(state)) {
      const entry = group(metric, "histogram", key.description)
      let sawInfinity = false
      for (const [boundary, count] of state.buckets) {
        if (boundary === Infinity) sawInfinity = true
        entry.lines.push(`${metric}_bucket${labels([...tags, ["le", number(boundary)]])} ${count}`)
      }
      if (!sawInfinity) entry.lines.push(`${metric}_bucket${labels([...tags, ["le", "+Inf"]])} ${state.count}`)
      entry.lines.push(`${metric}_sum${labels(tags)} ${number(state.sum)}`)
      entry.lines.push(`${metric}_count${labels(tags)} ${state.count}`)
    } else if (MetricState.isSummaryState(state)) {
      const entry = group(metric, "summary", key.description)
      for (const [quantile, value] of state.quantiles) {
        entry.lines.push(
          `${metric}${labels([...tags, ["quantile", String(quantile)]])} ${number(Option.getOrElse(value, () => NaN))}`
        )
      }
      entry.lines.push(`${metric}_sum${labels(tags)} ${number(state.sum)}`)
      entry.lines.push(`${metric}_count${labels(tags)} ${state.count}`)
    } else if (MetricState.isFrequencyState(state)) {
      const entry = group(metric, "counter", key.description)
      for (const [occurrence, count] of state.occurrences) {
        entry.lines.push(`${metric}${labels([...tags, ["key", occurrence]])} ${count}`)
      }
    }
  }
  const out: Array<string> = []
  for (const [metric, entry] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    if (entry.help !== "") out.push(`# HELP ${metric} ${entry.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`)
    out.push(`# TYPE ${metric} ${entry.type}`)
    out.push(...entry.lines.sort())
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`
}

/**
 * The current value of every metric of this process, in Prometheus text format.
 *
 * @since 0.1.0
 */
export const render: Effect.Effect<string> = Effect.map(Metric.snapshot, format)
