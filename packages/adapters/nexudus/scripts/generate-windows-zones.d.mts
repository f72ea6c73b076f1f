// Types of generate-windows-zones.mjs, for the unit test that checks the committed table.
export type Table = { readonly [windowsId: string]: { readonly [territory: string]: string } }
export declare const installed: () => { readonly version: string; readonly windowsZones: unknown }
export declare const derive: (json: unknown) => Table
export declare const render: (table: Table, version: string) => string
