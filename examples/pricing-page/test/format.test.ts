import { describe, expect, it } from "vitest"
import { formatMoney, formatTax, formatUnit, minorUnit } from "../src/format.js"

// Intl writes a no-break space (U+00A0) between amount and sign in German.
const nbsp = "\u00a0"

describe("formatMoney", () => {
  it("writes the same amount the way each locale does", () => {
    const money = { amount: "1234.50", currency: "EUR" }
    expect(formatMoney(money, "de-DE")).toBe(`1.234,50${nbsp}€`)
    expect(formatMoney(money, "en-GB")).toBe("€1,234.50")
    expect(formatMoney(money, "en-US")).toBe("€1,234.50")
    expect(formatMoney({ amount: "1234.50", currency: "USD" }, "en-US")).toBe("$1,234.50")
    expect(formatMoney({ amount: "175.00", currency: "GBP" }, "en-GB")).toBe("£175.00")
  })

  it("uses the currency's minor unit: none for JPY, three for BHD", () => {
    expect(minorUnit("JPY")).toBe(0)
    expect(minorUnit("EUR")).toBe(2)
    expect(minorUnit("BHD")).toBe(3)
    expect(formatMoney({ amount: "1500", currency: "JPY" }, "en-US")).toBe("¥1,500")
    expect(formatMoney({ amount: "1500", currency: "JPY" }, "de-DE")).toBe(`1.500${nbsp}¥`)
    expect(formatMoney({ amount: "1.234", currency: "BHD" }, "en-US")).toBe(`BHD${nbsp}1.234`)
    // An amount sent without its minor digits still shows them.
    expect(formatMoney({ amount: "12", currency: "EUR" }, "en-GB")).toBe("€12.00")
  })

  it("never goes through a float: large amounts and extra digits are kept exactly", () => {
    expect(formatMoney({ amount: "12345678901234567.89", currency: "EUR" }, "de-DE")).toBe(
      `12.345.678.901.234.567,89${nbsp}€`
    )
    expect(formatMoney({ amount: "0.125", currency: "EUR" }, "en-GB")).toBe("€0.125")
    expect(formatMoney({ amount: "0.10", currency: "EUR" }, "en-GB")).toBe("€0.10")
    expect(formatMoney({ amount: "-5.00", currency: "EUR" }, "en-GB")).toBe("-€5.00")
  })

  it("refuses what is not a decimal string or an ISO 4217 code", () => {
    expect(() => formatMoney({ amount: "1,50", currency: "EUR" }, "en-GB")).toThrow("not a decimal amount")
    expect(() => formatMoney({ amount: "1e3", currency: "EUR" }, "en-GB")).toThrow("not a decimal amount")
    expect(() => formatMoney({ amount: "", currency: "EUR" }, "en-GB")).toThrow("not a decimal amount")
    expect(() => formatMoney({ amount: "1.00", currency: "euro" }, "en-GB")).toThrow("not an ISO 4217 currency")
  })
})

describe("formatUnit", () => {
  it("says what one price buys, in English and German", () => {
    const cases: Array<[{ per: string; count: number }, string, string]> = [
      [{ per: "hour", count: 1 }, "per hour", "pro Stunde"],
      [{ per: "hour", count: 4 }, "per 4 hours", "pro 4 Stunden"],
      [{ per: "half_day", count: 1 }, "per half day", "pro halben Tag"],
      [{ per: "day", count: 1 }, "per day", "pro Tag"],
      [{ per: "week", count: 1 }, "per week", "pro Woche"],
      [{ per: "four_weeks", count: 1 }, "per 4 weeks", "pro 4 Wochen"],
      [{ per: "four_weeks", count: 2 }, "per 8 weeks", "pro 8 Wochen"],
      [{ per: "month", count: 1 }, "per month", "pro Monat"],
      [{ per: "month", count: 3 }, "per 3 months", "pro 3 Monate"],
      [{ per: "thirty_days", count: 1 }, "per 30 days", "pro 30 Tage"],
      [{ per: "year", count: 1 }, "per year", "pro Jahr"],
      [{ per: "use", count: 1 }, "per use", "pro Nutzung"],
      [{ per: "once", count: 1 }, "one-off", "einmalig"]
    ]
    for (const [unit, english, german] of cases) {
      expect(formatUnit(unit, "en-GB"), unit.per).toBe(english)
      expect(formatUnit(unit, "en-US"), unit.per).toBe(english)
      expect(formatUnit(unit, "de-DE"), unit.per).toBe(german)
    }
  })
})

describe("formatTax", () => {
  it("says what the data says: inclusive or exclusive, with the rate when known", () => {
    expect(formatTax({ mode: "inclusive", ratePercent: 19 }, "en-GB")).toBe("incl. 19% VAT")
    expect(formatTax({ mode: "exclusive", ratePercent: 20 }, "en-GB")).toBe("excl. 20% VAT")
    expect(formatTax({ mode: "exclusive", ratePercent: 7.7 }, "en-US")).toBe("excl. 7.7% VAT")
    expect(formatTax({ mode: "exclusive" }, "en-GB")).toBe("excl. VAT")
    expect(formatTax({ mode: "inclusive" }, "en-GB")).toBe("incl. VAT")
    expect(formatTax({ mode: "inclusive", ratePercent: 19 }, "de-DE")).toBe(`inkl. 19${nbsp}% MwSt.`)
    expect(formatTax({ mode: "exclusive", ratePercent: 7.7 }, "de-DE")).toBe(`zzgl. 7,7${nbsp}% MwSt.`)
  })

  it("claims nothing when the treatment is unknown", () => {
    expect(formatTax({ mode: "unknown" }, "en-GB")).toBeUndefined()
    expect(formatTax({ mode: "unknown", ratePercent: 19 }, "de-DE")).toBeUndefined()
  })
})
