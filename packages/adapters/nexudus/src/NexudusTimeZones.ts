/**
 * Time zones of Nexudus businesses. A business names a `SimpleTimeZoneId`; that simple time zone's
 * Windows time-zone id (`SystemId`, or its `Name` when `SystemId` is empty, e.g. "GMT Standard Time") maps
 * to an IANA zone through the Unicode CLDR `windowsZones` table (`WindowsZones.ts`, generated from
 * `cldr-core`): the zone CLDR gives for the business's country when CLDR lists that territory for the id,
 * else the id's default (territory "001"). An id CLDR does not know is `null`: never guessed.
 *
 * @since 0.1.0
 */
import { Location } from "@spacesync/adapter-kit"
import { Schema } from "effect"
import { windowsZones } from "./WindowsZones.js"

/**
 * The IANA zone of a Windows time-zone id, for `territory` (ISO 3166-1 alpha-2) when CLDR lists it for
 * the id, else the id's default; `null` when CLDR does not know the id (or the runtime lacks the zone).
 *
 * @since 0.1.0
 */
export const ianaOf = (windowsId: string | null | undefined, territory?: string | undefined): string | null => {
  if (windowsId === null || windowsId === undefined) return null
  const entry = Object.prototype.hasOwnProperty.call(windowsZones, windowsId) ? windowsZones[windowsId] : undefined
  if (entry === undefined) return null
  const zone = (territory !== undefined && Object.prototype.hasOwnProperty.call(entry, territory)
    ? entry[territory]
    : undefined) ?? entry["001"]
  return zone !== undefined && Location.isIanaTimeZone(zone) ? zone : null
}

/**
 * The Windows time-zone id of a simple time zone: `SystemId` when it is one CLDR knows, else `Name`
 * when that is one; `null` otherwise.
 *
 * @since 0.1.0
 */
export const windowsIdOf = (
  zone: { readonly SystemId: string | null; readonly Name: string | null }
): string | null => {
  for (const candidate of [zone.SystemId, zone.Name]) {
    const id = candidate?.trim()
    if (id !== undefined && id !== "" && Object.prototype.hasOwnProperty.call(windowsZones, id)) return id
  }
  return null
}

const isCountryCode = Schema.is(Location.CountryCode)

let countryCodesByName: Map<string, string> | undefined

/**
 * The ISO 3166-1 alpha-2 code of an English country name as Nexudus shows it (`CountryName`: "United
 * Kingdom"), by exact match against the runtime's English region names (CLDR data in ICU); `undefined`
 * when no region has exactly that name.
 *
 * @since 0.1.0
 */
export const countryCodeOf = (name: string | null | undefined): string | undefined => {
  const wanted = name?.trim().toLowerCase()
  if (wanted === undefined || wanted === "") return undefined
  if (countryCodesByName === undefined) {
    countryCodesByName = new Map()
    const names = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" })
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b)
        const display = names.of(code)
        if (display !== undefined && isCountryCode(code)) countryCodesByName.set(display.toLowerCase(), code)
      }
    }
  }
  return countryCodesByName.get(wanted)
}
