/**
 * The part of the Optix GraphQL schema the simulator serves, as SDL: the root fields `organization`,
 * `locations`/`location`, `resources`/`resource`, `resourceTypes`/`resourceType`, `planTemplates`/
 * `planTemplate` and `products`/`product`, and the pricing and inventory fields of the types they return.
 *
 * Every definition below is copied from the published SDL dump of `https://api.optixapp.com/graphql`
 * (`Raulitoflying/optix-graphql-mcp`, `schema.full.graphql`, commit 2473cd6, MIT): the same type, field,
 * argument, enum and input names and types, argument defaults and `#` comments, in the dump's order. Root
 * fields keep all their arguments; object types keep only the fields listed here (fields whose types
 * would pull in the rest of the schema — bookings, images, accesses, conditional pricing… — are left out).
 * Enums and inputs are whole. A query naming a field Optix has but this subset lacks fails validation
 * here, as would a field Optix does not have: extend the subset by copying more of the dump verbatim.
 *
 * @since 0.1.0
 */

/**
 * The SDL (Optix's names and types, a subset of its fields).
 *
 * @since 0.1.0
 */
export const sdl = `
type Query {
# Lists all locations associated with the current organization
  locations(
    organization_id: ID
    organization_uuid: ID

# Number of elements per page
    limit: Int = 100

# Page
    page: Int = 1

# Order by
    order: LocationOrder

# Returns visible locations
    include_visible: Boolean

# Returns deleted locations
    include_deleted: Boolean

# Returns hidden locations
    include_hidden: Boolean

# Filter by location ID
    location_id: [ID!]

# Filter by location name
    name: String
  ): LocationPagination!
# Get one specific location
  location(
# Location ID
    location_id: ID!
  ): Location
  organization(subdomain: String, organization_uuid: String): Organization
  planTemplates(
# Number of elements per page
    limit: Int = 100

# Page
    page: Int = 1

# Filter by plan template name
    name: String

# Filter by the availability for new users
    onboarding_enabled: Boolean

# Filter by the availability for the existing users
    non_onboarding_enabled: Boolean
    user_visibility: [UserVisibility!]

# Filter by location
    location_id: [ID!]

# Filter by the provided access
    access: AccessSearchInput
  ): PlanTemplatePagination!
  planTemplate(plan_template_id: ID!): PlanTemplate
# List all products associated with the current organization
  products(
# Number of elements per page
    limit: Int = 100

# Page
    page: Int = 1

# Filter by product name
    name: String

# Filter by location
    location_id: [ID!]

# Filter by label
    label_id: [ID!]

# Filter by tag
    tags: [String!]

# Filter by the availability for new users
    onboarding_enabled: Boolean

# Filter by the availability for the existing users
    non_onboarding_enabled: Boolean
    user_visibility: [UserVisibility!]

# Filter by type
    type: [ProductType!] = [REGULAR]

# Filter by the provided access (for passes)
    access: AccessSearchInput

# Order by
    order: ProductOrder
  ): ProductPagination!
# Get one specific product
  product(
# Product ID
    product_id: ID!
  ): Product
  resourceTypes(
# Number of elements per page
    limit: Int = 100

# Page
    page: Int = 1

# Order by
    order: ResourceTypeOrder = NAME_ASC

# Filter by resource type IDs
    resource_type_id: [ID!]

# Filter by resource type name
    name: String

# Filter by booking experience
    booking_experience: [BookingExperience!]
  ): ResourceTypePagination!
# Get one specific resource type
  resourceType(
# Resource type ID
    resource_type_id: ID!
  ): ResourceType
# Lists all resources associated with the current organization
  resources(
# Number of elements per page
    limit: Int = 100

# Page
    page: Int = 1

# Order by
    order: ResourceOrder

# Filter by resource ID
    resource_id: [ID!]

# Filter by location ID
    location_id: [ID!]

# Returns bookable/non-bookable only. Null for both.
    is_bookable: Boolean

# Whether this resource can be booked by admins only.
    is_bookable_by_admins_only: Boolean

# Whether this resource can be assigned. Null for both.
    is_assignable: Boolean

# Filter by resource name
    name: String

# Filter the resources that are connected to external calendars (e.g. Google, Exchange)
    include_connected_to_calendars: Boolean

# Deprecated: use name
    title: String

# Filter by resource types
    resource_type_id: [ID!]

# Filter by resource type groups
    resource_type_group_id: [ID!]

# Filter by minimum capacity
    capacity_from: Int
  ): ResourcePagination!
# Get one specific resource
  resource(
# Resource ID
    resource_id: ID!
  ): Resource
}

type Organization {
# Organization ID
  organization_id: ID!
# UUID of this organization
  organization_uuid: String!
# Name of the organization
  name: String!
  is_active: Boolean!
# Country
  country: String
# State/province
  region: String
# City
  city: String
# Postal/ZIP code
  postcode: String
# Street address
  address: String
# Lists all locations associated with one app at one specific organization
  locations(
# Number of elements per page
    limit: Int = 100

# Page
    page: Int = 1

# Order by
    order: LocationOrder

# Returns visible locations
    include_visible: Boolean

# Returns deleted locations
    include_deleted: Boolean

# Returns hidden locations
    include_hidden: Boolean

# Filter by location ID
    location_id: [ID!]
  ): LocationPagination!
# Timezone (e.g. "America/Vancouver")
  timezone: String
# Locale (e.g. "en_CA")
  locale: String
# ISO 4217 currency code (e.g. "CAD")
  currency: String
# The currency symbol formatted in organization's locale
  currency_symbol: String
# The organization currency Unit
  currency_unit: Unit
# All units used at the organization
  units: [Unit!]!
# Exclusive tax rate (e.g. 5 for 5%)
  exclusive_tax_rate: Float!
  tax_rate: Float @deprecated(reason: "Replaced by exclusive_tax_rate")
# Inclusive tax rate (e.g. 5 for 5%)
  inclusive_tax_rate: Float!
# Subdomain used at *.optixapp.com
  subdomain: String
# A fully qualified domain name
  domain: String
  resource_types: [ResourceType!]!
}

# Location
type Location {
# Location ID
  location_id: ID!
  organization_id: ID!
# Name of this location
  name: String
# Short description
  description: String
# Country
  country: String
# State/province
  region: String
# City
  city: String
# Neighborhood
  neighborhood: String
# Postal/ZIP code
  postcode: String
# Address
  address: String
# Unit
  unit: String
# Latitude
  latitude: Float
# Longitude
  longitude: Float
# Timezone (e.g. "America/Vancouver", "UTC", etc.)
  timezone: String
# The timezone name (e.g "Pacific Standard Time")
  timezone_name: String
# Office phone
  phone: String
# Whether this location has been deleted
  is_deleted: Boolean
# Whether the location is visible for the apps
  is_visible: Boolean
# Whether the location is hidden
  is_hidden: Boolean
# Lists all resources associated with one app at one specific organization
  resources(
# Number of elements per page
    limit: Int = 100

# Page
    page: Int = 1

# Order by
    order: ResourceOrder = TITLE_ASC

# Returns bookable/non-bookable only. Null for both.
    is_bookable: Boolean

# Select only a few resources, by ID
    resource_id: [ID!]
  ): ResourcePagination!
# General email
  contact_email: String
  website: String
# Check-in prices
  checkin_prices: [Price!]!
# Override the default invoicing settings
  override_checkin_tax_rate: Boolean!
# Exclusive tax rate (e.g. 5 for 5%)
  checkin_tax_rate: Float
# Override the default invoicing settings
  override_checkin_inclusive_tax_rate: Boolean!
# Inclusive tax rate (e.g. 5 for 5%)
  checkin_inclusive_tax_rate: Float
# Override the organization invoicing settings
  override_tax_rate: Boolean!
# Exclusive tax rate (e.g. 5 for 5%)
  exclusive_tax_rate: Float!
# Inclusive tax rate (e.g. 5 for 5%)
  inclusive_tax_rate: Float!
}

# Location pagination wrapper
type LocationPagination {
# The number of available elements
  total: Int!
# List of locations
  data: [Location]!
}

# Order of the locations
enum LocationOrder {
# Sort by name ASC
  NAME_ASC
# Sort by name DESC
  NAME_DESC
# Sort by exclusive tax ASC
  EXCLUSIVE_TAX_RATE_ASC
# Sort by exclusive tax DESC
  EXCLUSIVE_TAX_RATE_DESC
# Sort by inclusive tax ASC
  INCLUSIVE_TAX_RATE_ASC
# Sort by inclusive tax DESC
  INCLUSIVE_TAX_RATE_DESC
# Sort by city ASC
  CITY_ASC
# Sort by city DESC
  CITY_DESC
}

type Resource {
# ID of the resource
  resource_id: ID!
  organization_id: ID!
# Name (e.g. "Glass room")
  name: String
  title: String @deprecated(reason: "Replaced by name")
# Description
  description: String
# Location associated with this resource
  location: Location!
# Indicates whether this resource can be booked
  is_bookable: Boolean @deprecated(reason: "Replaced by ResourceBookingPolicy")
# Type of resource
  type: ResourceType!
# Maximum capacity of the resource
  capacity: Int
# Price per hour
  booking_price_hour: Float @deprecated(reason: "Replaced by prices")
# Price per day
  booking_price_max: Float @deprecated(reason: "Replaced by prices")
# Prices in all units available
  prices: [Price!]!
# Override the default invoicing settings
  override_tax_rate: Boolean!
# Exclusive tax rate (e.g. 5 for 5%)
  tax_rate: Float
# Override the default invoicing settings
  override_inclusive_tax_rate: Boolean!
# Inclusive tax rate (e.g. 5 for 5%)
  inclusive_tax_rate: Float
# Assignment price per month
  assignment_price_month: Float
# Resource size (square meters)
  size_sq_meters: Float
# Whether this resource is assignable
  is_assignable: Boolean!
# Whether this resource is available for drop-in bookings
  is_dropin_bookable: Boolean!
# Creation timestamp
  created_timestamp: Int!
}

# Resource pagination wrapper
type ResourcePagination {
# The number of available elements
  total: Int!
# If nothing found, try without the location filter applied
  found_in_all_locations: Boolean!
  total_in_all_locations: Int! @deprecated(reason: "Replaced by found_in_all_locations")
# If nothing found, try without any filters applied
  found_without_filters: Boolean!
  total_without_filters: Int! @deprecated(reason: "Replaced by found_without_filters")
# List of resources
  data: [Resource]!
}

# Order of the resources
enum ResourceOrder {
# Sort by name ASC
  NAME_ASC
# Sort by name DESC
  NAME_DESC
# Sort by the ability to be booked ASC
  IS_BOOKABLE_ASC
# Sort by the ability to be booked DESC
  IS_BOOKABLE_DESC
# Sort by the availability for drop-in bookings ASC
  IS_DROPIN_BOOKABLE_ASC
# Sort by the availability for drop-in bookings DESC
  IS_DROPIN_BOOKABLE_DESC
# Sort by location ASC
  LOCATION_ASC
# Sort by location DESC
  LOCATION_DESC
# Sort by type ASC
  TYPE_ASC
# Sort by type DESC
  TYPE_DESC
# Sort by type group ASC
  TYPE_GROUP_ASC
# Sort by type group DESC
  TYPE_GROUP_DESC
# Sort by capacity ASC
  CAPACITY_ASC
# Sort by capacity DESC
  CAPACITY_DESC
# Sort by creation date ASC
  CREATED_TIMESTAMP_ASC
# Sort by creation date DESC
  CREATED_TIMESTAMP_DESC
# Deprecated: use NAME_ASC
  TITLE_ASC
# Deprecated: use NAME_DESC
  TITLE_DESC
# Deprecated
  LOCATION_RATING_ASC
# Deprecated
  LOCATION_RATING_DESC
}

# Type of a resource
type ResourceType {
# ID of the resource type
  resource_type_id: ID!
# Type name
  name: String!
  type: String! @deprecated(reason: "Replaced by name")
  booking_experience: BookingExperience!
  resource_count(location_id: [ID!]): Int!
  is_visible: Boolean!
}

# Resource type pagination wrapper
type ResourceTypePagination {
# The number of available elements
  total: Int!
# If nothing found, try without any filters applied
  found_without_filters: Boolean!
  total_without_filters: Int! @deprecated(reason: "Replaced by found_without_filters")
# List of resource type
  data: [ResourceType!]!
}

# Order of the resource types
enum ResourceTypeOrder {
# Sort by name ASC
  NAME_ASC
# Sort by name DESC
  NAME_DESC
}

enum BookingExperience {
  GALLERY
  LIST
}

type Price {
  unit: Unit!
  price: Float
  price_max: Float
}

type Unit {
  unit_id: ID!
  name: String!
  name_plural: String!
  type: UnitType!
  currency_symbol: String
}

enum UnitType {
  CURRENCY
  CUSTOM
  HOURS
  USES
  UNKNOWN
}

type PlanTemplate {
  plan_template_id: ID!
  name: String!
  description: String!
  allowance_renewal_frequency: PlanFrequency!
  price: Float!
  price_frequency: PlanFrequency!
  deposit: Float!
  set_up_fee: Float!
# Override the default invoicing settings
  override_tax_rate: Boolean!
# Exclusive tax rate (e.g. 5 for 5%)
  tax_rate: Float
# Override the default invoicing settings
  override_inclusive_tax_rate: Boolean!
# Inclusive tax rate (e.g. 5 for 5%)
  inclusive_tax_rate: Float
# Free trial length
  free_trial_days: Int
  onboarding_enabled: Boolean!
  non_onboarding_enabled: Boolean!
# Whether the plan template is available in all locations
  in_all_locations: Boolean!
# Locations where the plan template is available
  locations: [Location!]!
# Custom order position
  order: Int
}

type PlanTemplatePagination {
# The number of available elements
  total: Int!
# If nothing found, try without the location filter applied
  found_in_all_locations: Boolean!
  total_in_all_locations: Int! @deprecated(reason: "Replaced by found_in_all_locations")
# If nothing found, try without any filters applied
  found_without_filters: Boolean!
  total_without_filters: Int! @deprecated(reason: "Replaced by found_without_filters")
# List of plans
  data: [PlanTemplate]!
}

enum PlanFrequency {
  DAILY
  WEEKLY
  BIWEEKLY
  THIRTY_DAYS
  SIXTY_DAYS
  NINETY_DAYS
  MONTHLY
  QUARTERLY
  BIANNUAL
  ANNUAL
  UNKNOWN
}

# Product
type Product {
# Product unique ID
  product_id: ID!
# Product name
  name: String!
# Product description
  description: String!
# Indicates whether the product is available for new users
  onboarding_enabled: Boolean!
# Indicates whether the product is available for the existing users
  non_onboarding_enabled: Boolean!
# Indicates whether the product is deleted
  is_deleted: Boolean!
# Price for each unit of this product
  unit_amount: Float!
# Prices in all units available
  prices: [Price!]!
# Override the default invoicing settings
  override_tax_rate: Boolean!
# Exclusive tax rate (e.g. 5 for 5%, max: 99.9999)
  tax_rate: Float!
  no_tax_rate: Boolean!
# Override the default invoicing settings
  override_inclusive_tax_rate: Boolean!
# Inclusive tax rate (e.g. 5 for 5%, max: 99.9999)
  inclusive_tax_rate: Float!
  no_inclusive_tax_rate: Boolean!
# Product type
  type: ProductType!
# Expiration time (for passes)
  allowance_expire_days: Int!
# Date created
  created_timestamp: Int!
# Whether the product is available in all locations
  in_all_locations: Boolean!
# Locations where the product is available
  locations: [Location!]!
# Product tags
  tags: [String!]!
# Custom order position
  order: Int
}

# Product pagination wrapper
type ProductPagination {
# The number of available elements
  total: Int!
# If nothing found, try without the location filter applied
  found_in_all_locations: Boolean!
  total_in_all_locations: Int! @deprecated(reason: "Replaced by found_in_all_locations")
# If nothing found, try without any filters applied
  found_without_filters: Boolean!
  total_without_filters: Int! @deprecated(reason: "Replaced by found_without_filters")
# List of products
  data: [Product]!
}

enum ProductType {
  PASS
  REGULAR
}

enum ProductOrder {
# Sort by name ASC
  NAME_ASC
# Sort by name DESC
  NAME_DESC
# Sort by unit amount ASC
  UNIT_AMOUNT_ASC
# Sort by unit amount DESC
  UNIT_AMOUNT_DESC
# Sort by availability ASC
  IS_AVAILABLE_ASC @deprecated
# Sort by availability DESC
  IS_AVAILABLE_DESC @deprecated
# Sort by availability for new users ASC
  ONBOARDING_ENABLED_ASC
# Sort by availability for new users DESC
  ONBOARDING_ENABLED_DESC
# Sort by availability for the existing users ASC
  NON_ONBOARDING_ENABLED_ASC
# Sort by availability for the existing users DESC
  NON_ONBOARDING_ENABLED_DESC
}

enum UserVisibility {
  ADMINS_ONLY
  EVERYONE
  EXISTING_USERS
  NEW_USERS
}

# Search for plan templates or passes that include the specified items
input AccessSearchInput {
# Filter by access template
  access_template_id: [ID!]
# Filter the access templates by location
  location_id: [ID!]
# Filter the access templates by resource
  resource_id: [ID!]
# Filter the access templates by product
  product_id: [ID!]
# Filter the access templates by the ability to check in
  checkins: Boolean
# Whether the allowance is included
  allowance: Boolean
}
`
