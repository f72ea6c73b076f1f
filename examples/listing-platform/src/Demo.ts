/** The demo data: two operators, each with a sign-in and a few listing profiles of its own. */
export interface SeedListing {
  readonly id: string
  readonly title: string
  readonly city: string
}

export interface SeedUser {
  readonly email: string
  readonly password: string
  readonly name: string
  readonly company: string
  readonly listings: ReadonlyArray<SeedListing>
}

export const demoUsers: ReadonlyArray<SeedUser> = [
  {
    email: "ana@harbour-desks.example",
    password: "harbour-demo-2026",
    name: "Ana Lindqvist",
    company: "Harbour Desks",
    listings: [
      { id: "harbour-altona", title: "Harbour Desks Altona", city: "Hamburg" },
      { id: "harbour-speicherstadt", title: "Harbour Desks Speicherstadt", city: "Hamburg" },
      { id: "harbour-rooftop", title: "Harbour Desks Rooftop", city: "Hamburg" }
    ]
  },
  {
    email: "ben@summit-cowork.example",
    password: "summit-demo-2026",
    name: "Ben Okafor",
    company: "Summit Coworking",
    listings: [
      { id: "summit-mitte", title: "Summit Coworking Mitte", city: "Berlin" },
      { id: "summit-kreuzberg", title: "Summit Coworking Kreuzberg", city: "Berlin" }
    ]
  }
]
