/**
 * The hub's logs: one short line per entry for a person at a terminal, JSON lines for everything else
 * (log shippers, containers, files). `SPACESYNC_LOG_FORMAT` (`auto`, `pretty`, `json`) chooses; `auto`
 * picks `pretty` when standard output is a terminal. `SPACESYNC_LOG_LEVEL` sets the least severe level
 * written (`trace`, `debug`, `info`, `warning`, `error`, `fatal`, `none`).
 *
 * @since 0.1.0
 */
import { Cause, Config, ConfigError, Effect, Either, HashMap, Layer, List, Logger, LogLevel } from "effect"

/**
 * @since 0.1.0
 * @category models
 */
export type Format = "pretty" | "json"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly format: Format
  readonly level: LogLevel.LogLevel
  /** Whether the pretty format colours the level (a terminal that is not told `NO_COLOR`). */
  readonly color?: boolean | undefined
  /** Where lines go; standard output by default. Each call is one line without its newline. */
  readonly write?: ((line: string) => void) | undefined
}

const levelNames: Record<string, LogLevel.LogLevel> = {
  all: LogLevel.All,
  trace: LogLevel.Trace,
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warn: LogLevel.Warning,
  warning: LogLevel.Warning,
  error: LogLevel.Error,
  fatal: LogLevel.Fatal,
  none: LogLevel.None,
  off: LogLevel.None
}

/**
 * `SPACESYNC_LOG_LEVEL`, `info` by default. Unknown names are a configuration error that lists the known
 * ones, never silently `info`.
 *
 * @since 0.1.0
 * @category config
 */
export const LevelConfig: Config.Config<LogLevel.LogLevel> = Config.string("SPACESYNC_LOG_LEVEL").pipe(
  Config.withDefault("info"),
  Config.mapOrFail((value) => {
    const level = levelNames[value.trim().toLowerCase()]
    return level === undefined
      ? Either.left(
        ConfigError.InvalidData(
          ["SPACESYNC_LOG_LEVEL"],
          `Expected one of ${Object.keys(levelNames).join(", ")}, got "${value}"`
        )
      )
      : Either.right(level)
  })
)

/**
 * `SPACESYNC_LOG_FORMAT`: `auto` (the default), `pretty` or `json`.
 *
 * @since 0.1.0
 * @category config
 */
export const FormatConfig: Config.Config<"auto" | Format> = Config.literal("auto", "pretty", "json")(
  "SPACESYNC_LOG_FORMAT"
).pipe(Config.withDefault("auto" as const))

const levelLabel = (level: LogLevel.LogLevel) => (level._tag === "Warning" ? "WARN" : level.label).padEnd(5)

const colors: Partial<Record<LogLevel.LogLevel["_tag"], string>> = {
  Trace: "\x1b[90m",
  Debug: "\x1b[34m",
  Info: "\x1b[32m",
  Warning: "\x1b[33m",
  Error: "\x1b[31m",
  Fatal: "\x1b[41m"
}

const show = (value: unknown): string => {
  if (typeof value === "string") return /[\s"=]/.test(value) || value === "" ? JSON.stringify(value) : value
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

const messageText = (message: unknown): string => {
  const parts = Array.isArray(message) ? message : [message]
  return parts.map((part) => typeof part === "string" ? part : show(part)).join(" ")
}

const time = (date: Date) => date.toISOString().slice(11, 23)

const secretPatterns: ReadonlyArray<readonly [RegExp, string]> = [
  // The password of a URL (`postgres://user:password@host`).
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]*:)[^\s@/"'\\]+@/gi, "$1***@"],
  // A bearer token, a webhook secret, and the hub's own keys, client secrets and access tokens.
  [/(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, "$1***"],
  [/\bwhsec_[A-Za-z0-9+/=]{8,}/g, "whsec_***"],
  [/\b(sk|cs|at)_[A-Za-z0-9_]{16,}/g, "$1_***"]
]

/**
 * `text` with the secrets it may hold masked: URL passwords, bearer tokens, `whsec_` secrets and the
 * hub's keys (`sk_…`), client secrets (`cs_…`) and access tokens (`at_…`). A failure's cause is written
 * as it is (messages, stacks, the errors that caused it), and a driver's error may quote a connection
 * string or a header: what reaches the log is masked first.
 *
 * @since 0.1.0
 * @category formatting
 */
export const redactSecrets = (text: string): string =>
  secretPatterns.reduce((masked, [pattern, replacement]) => masked.replace(pattern, replacement), text)

/**
 * One line per entry: time, level, message, then `key=value` annotations and span durations. A request
 * logged by the HTTP middleware reads `GET /v1/events 200 3ms`. A failure's cause follows on the lines
 * after it, as it is the one thing worth more than a line.
 *
 * @since 0.1.0
 * @category formatting
 */
export const prettyLine = (
  entry: Pick<Logger.Logger.Options<unknown>, "logLevel" | "message" | "annotations" | "spans" | "date" | "cause">,
  color = false
): string => {
  const annotations = Object.fromEntries(HashMap.toEntries(entry.annotations))
  const now = entry.date.getTime()
  const spans = List.toArray(entry.spans)
  const level = color
    ? `${colors[entry.logLevel._tag] ?? ""}${levelLabel(entry.logLevel)}\x1b[0m`
    : levelLabel(entry.logLevel)
  let text: string
  const method = annotations["http.method"]
  const status = annotations["http.status"]
  if (method !== undefined && status !== undefined) {
    const span = spans.find((s) => s.label.startsWith("http.span"))
    const rest = Object.entries(annotations).filter(([key]) => !key.startsWith("http."))
    text = [
      `${String(method)} ${String(annotations["http.url"] ?? "")} ${String(status)}`,
      ...(span === undefined ? [] : [`${now - span.startTime}ms`]),
      ...rest.map(([key, value]) => `${key}=${show(value)}`)
    ].join(" ")
  } else {
    text = [
      messageText(entry.message),
      ...Object.entries(annotations).map(([key, value]) => `${key}=${show(value)}`),
      ...spans.map((s) => `${s.label}=${now - s.startTime}ms`)
    ].join(" ")
  }
  const line = `${time(entry.date)} ${level} ${text}`
  return redactSecrets(
    Cause.isEmpty(entry.cause) ? line : `${line}\n${Cause.pretty(entry.cause, { renderErrorCause: true })}`
  )
}

/**
 * A logger writing the chosen format at the chosen level, replacing Effect's default logger.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<never> => {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const logger = options.format === "json"
    ? Logger.map(Logger.jsonLogger, (line) => write(redactSecrets(line)))
    : Logger.make<unknown, void>((entry) => write(prettyLine(entry, options.color === true)))
  return Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(options.level))
}

/**
 * The logger `SPACESYNC_LOG_FORMAT` and `SPACESYNC_LOG_LEVEL` describe, for the process's standard output.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<never, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.gen(function*() {
    const requested = yield* FormatConfig
    const level = yield* LevelConfig
    const terminal = process.stdout.isTTY === true
    const format: Format = requested === "auto" ? (terminal ? "pretty" : "json") : requested
    const color = terminal && (process.env.NO_COLOR ?? "") === ""
    return layerWith({ format, level, color })
  })
)
