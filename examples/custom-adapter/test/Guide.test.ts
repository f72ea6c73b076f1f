/**
 * docs/writing-an-adapter.md quotes this example: the code block after each `<!-- file: <path> -->` must
 * equal that file, and the block after each `<!-- excerpt: <path> -->` must be a run of its lines (with
 * their common indentation removed). Every TypeScript or JSON block of the guide is one or the other, so
 * the guide cannot show code that is not tested.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../..")
const guide = Fs.readFileSync(Path.join(root, "docs/writing-an-adapter.md"), "utf8")

const quoted = [...guide.matchAll(/<!-- (file|excerpt): (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => ({
  kind: m[1] as "file" | "excerpt",
  path: m[2]!,
  code: m[3]!
}))

/** Whether `code`'s lines appear consecutively in `text`, each under the same extra indentation. */
const isExcerpt = (code: string, text: string) => {
  const wanted = code.replace(/\n$/, "").split("\n")
  const lines = text.split("\n")
  return lines.some((line, start) => {
    if (!line.endsWith(wanted[0]!)) return false
    const indent = line.slice(0, line.length - wanted[0]!.length)
    if (indent.trim() !== "") return false
    return wanted.every((w, i) => {
      const actual = lines[start + i]
      return actual !== undefined && (w === "" ? actual.trim() === "" : actual === indent + w)
    })
  })
}

describe("docs/writing-an-adapter.md", () => {
  it("quotes every file of the adapter in full", () => {
    const files = new Set(quoted.filter((q) => q.kind === "file").map((q) => q.path))
    for (
      const path of [
        "package.json",
        "src/index.ts",
        "src/DeskBaseSchemas.ts",
        "src/DeskBaseClient.ts",
        "src/DeskBaseNormalize.ts",
        "src/DeskBaseAdapter.ts",
        "src/DeskBaseWebhooks.ts",
        "test/Golden.test.ts",
        "hub.ts"
      ]
    ) expect(files, path).toContain(`examples/custom-adapter/${path}`)
  })

  it("every file block equals its file", () => {
    for (const { code, path } of quoted.filter((q) => q.kind === "file")) {
      expect(code, path).toBe(Fs.readFileSync(Path.join(root, path), "utf8"))
    }
  })

  it("every excerpt block is a verbatim run of lines of its file", () => {
    const excerpts = quoted.filter((q) => q.kind === "excerpt")
    expect(excerpts.length).toBeGreaterThan(0)
    for (const { code, path } of excerpts) {
      expect(isExcerpt(code, Fs.readFileSync(Path.join(root, path), "utf8")), `${path}:\n${code}`).toBe(true)
    }
  })

  it("has no TypeScript or JSON block that is not a marked file or excerpt", () => {
    const blocks = [...guide.matchAll(/(?:<!-- (?:file|excerpt): \S+ -->\n)?```(ts|typescript|json)\n/g)]
    expect(blocks.length).toBe(quoted.length)
    for (const block of blocks) expect(block[0], "an unmarked code block").toMatch(/^<!-- (file|excerpt): /)
  })
})
