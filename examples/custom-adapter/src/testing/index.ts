/** A DeskBase server on 127.0.0.1: the conformance kit's simulator for the `deskbase` adapter. */
export * as DeskBaseSimulator from "./DeskBaseSimulator.js"
