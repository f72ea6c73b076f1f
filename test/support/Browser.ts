/**
 * A real headless browser for tests: Debian's Chromium (/usr/bin/chromium) driven by playwright-core, never a
 * downloaded browser build.
 *
 * - `ensureChromium()` installs Debian's `chromium` package when it is missing (as root, or through
 *   `sudo -n`), guarded by a lock directory so parallel test files never run apt twice. It fails with a
 *   `BrowserUnavailable` that says what to run when it cannot install.
 * - `browser` launches it headless (closed with the scope); `page` opens a page in a fresh context.
 *
 * Installing can take a minute or two the first time: call `ensureChromium()` in a `beforeAll` with a long
 * timeout (e.g. `beforeAll(() => Effect.runPromise(ensureChromium()), 300_000)`) before the tests that use
 * `browser`.
 */
import { Data, Effect, type Scope } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core"

/** Where Debian's chromium package puts the browser (override with `SPACESYNC_CHROMIUM`). */
export const chromiumPath = process.env.SPACESYNC_CHROMIUM ?? "/usr/bin/chromium"

export class BrowserUnavailable extends Data.TaggedError("BrowserUnavailable")<{ readonly message: string }> {}

const lockDir = Path.join(Os.tmpdir(), "spacesync-chromium-install.lock")
/** A lock older than this is left over from a killed process. */
const staleLockMs = 15 * 60_000
const installTimeoutMs = 10 * 60_000

const isExecutable = (path: string) => {
  try {
    Fs.accessSync(path, Fs.constants.X_OK)
    return true
  } catch {
    return false
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Runs a command; resolves with its exit code and the tail of its output. */
const run = (command: string, args: ReadonlyArray<string>) =>
  new Promise<{ readonly code: number; readonly output: string }>((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000)
    }
    child.stdout.on("data", keep)
    child.stderr.on("data", keep)
    const timer = setTimeout(() => child.kill("SIGKILL"), installTimeoutMs)
    child.on("error", (error) => {
      clearTimeout(timer)
      resolve({ code: -1, output: `${output}\n${error.message}` })
    })
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, output })
    })
  })

const aptInstall = async () => {
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0
  const apt = (args: ReadonlyArray<string>) => asRoot ? run("apt-get", args) : run("sudo", ["-n", "apt-get", ...args])
  const install = ["-o", "DPkg::Lock::Timeout=300", "install", "-y", "--no-install-recommends", "chromium"]
  let result = await apt(install)
  if (result.code !== 0) {
    // The package lists may be missing or stale on a fresh machine.
    const update = await apt(["-o", "DPkg::Lock::Timeout=300", "update"])
    if (update.code !== 0) return update
    result = await apt(install)
  }
  return result
}

const takeLock = () => {
  try {
    Fs.mkdirSync(lockDir)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
    try {
      if (Date.now() - Fs.statSync(lockDir).mtimeMs > staleLockMs) Fs.rmSync(lockDir, { recursive: true, force: true })
    } catch {
      // Another process removed it in the meantime: try again on the next round.
    }
    return false
  }
}

const installOnce = async (): Promise<void> => {
  const deadline = Date.now() + installTimeoutMs + 60_000
  while (!isExecutable(chromiumPath)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for another process to install ${chromiumPath}`)
    if (!takeLock()) {
      await sleep(500)
      continue
    }
    try {
      if (isExecutable(chromiumPath)) return
      const result = await aptInstall()
      if (result.code === 0 && !isExecutable(chromiumPath)) {
        throw new Error(
          `apt-get installed chromium, but ${chromiumPath} is not an executable (check SPACESYNC_CHROMIUM)`
        )
      }
      if (result.code !== 0) {
        throw new Error(
          `could not install Debian's chromium (exit ${result.code}); run ` +
            `"apt-get install -y --no-install-recommends chromium" as root.\n${result.output}`
        )
      }
      return
    } finally {
      Fs.rmSync(lockDir, { recursive: true, force: true })
    }
  }
}

/** Makes sure /usr/bin/chromium exists, installing Debian's package once when it does not; returns its path. */
export const ensureChromium = (): Effect.Effect<string, BrowserUnavailable> =>
  Effect.tryPromise({
    try: () => installOnce().then(() => chromiumPath),
    catch: (error) => new BrowserUnavailable({ message: error instanceof Error ? error.message : String(error) })
  })

/** Headless Chromium (installed when missing), closed with the scope. */
export const browser: Effect.Effect<Browser, BrowserUnavailable, Scope.Scope> = Effect
  .acquireRelease(
    Effect.flatMap(ensureChromium(), (executablePath) =>
      Effect.tryPromise({
        try: () => chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] }),
        catch: (error) =>
          new BrowserUnavailable({
            message: `could not launch ${executablePath}: ${error instanceof Error ? error.message : String(error)}`
          })
      })),
    (browser) => Effect.promise(() => browser.close())
  )

/** A page in a fresh browser context of `browser` (its own cookies and storage), closed with the scope. */
export const page = (
  browser: Browser,
  options: Parameters<Browser["newContext"]>[0] = {}
): Effect.Effect<Page, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => browser.newContext(options)),
    (context: BrowserContext) => Effect.promise(() => context.close())
  ).pipe(Effect.flatMap((context) => Effect.promise(() => context.newPage())))
