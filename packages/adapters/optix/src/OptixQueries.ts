/**
 * The GraphQL documents the adapter sends to Optix, as constants (never built per call). Every field is
 * one of Optix's (`schema.full.graphql` of `https://api.optixapp.com/graphql`); the unit tests validate
 * each document against the schema with graphql-js, so a field Optix lacks fails the build, not a sync.
 *
 * Listings are paged with `limit`/`page` (`{total, data}`), 100 a page: the documented default (Optix
 * documents no larger maximum). Each listing is its own request, so no document nests more than one
 * paged list (keeping each under Optix's query-complexity limit).
 *
 * @since 0.1.0
 */

/** Records per page. @since 0.1.0 */
export const pageSize = 100

/**
 * The token's organization: currency, time zone and default tax rates. `null` for a token that is not
 * an organization token, or an expired one (Optix treats expired tokens as anonymous).
 *
 * @since 0.1.0
 */
export const organization = `query SpacesyncOrganization {
  organization {
    organization_id
    name
    currency
    timezone
    exclusive_tax_rate
    inclusive_tax_rate
  }
}`

/**
 * One page of the organization's locations, deleted and hidden ones included (`$locationIds`: only
 * those; `null`: all).
 *
 * @since 0.1.0
 */
export const locations = `query SpacesyncLocations($limit: Int!, $page: Int!, $locationIds: [ID!]) {
  locations(
    limit: $limit
    page: $page
    include_visible: true
    include_hidden: true
    include_deleted: true
    location_id: $locationIds
  ) {
    total
    data {
      location_id
      name
      description
      address
      unit
      city
      region
      postcode
      country
      latitude
      longitude
      timezone
      phone
      contact_email
      website
      is_deleted
      is_visible
      is_hidden
      override_tax_rate
      exclusive_tax_rate
      inclusive_tax_rate
    }
  }
}`

/**
 * One page of the organization's resources, with their type and prices in every unit (`$locationIds`:
 * of those locations only).
 *
 * @since 0.1.0
 */
export const resources = `query SpacesyncResources($limit: Int!, $page: Int!, $locationIds: [ID!]) {
  resources(limit: $limit, page: $page, location_id: $locationIds) {
    total
    data {
      resource_id
      name
      capacity
      is_bookable
      is_assignable
      location {
        location_id
      }
      type {
        resource_type_id
        name
        is_visible
      }
      prices {
        unit {
          unit_id
          name
          name_plural
          type
        }
        price
        price_max
      }
      assignment_price_month
      override_tax_rate
      tax_rate
      override_inclusive_tax_rate
      inclusive_tax_rate
    }
  }
}`

/**
 * One page of the organization's plan templates (memberships).
 *
 * @since 0.1.0
 */
export const planTemplates = `query SpacesyncPlanTemplates($limit: Int!, $page: Int!) {
  planTemplates(limit: $limit, page: $page) {
    total
    data {
      plan_template_id
      name
      price
      price_frequency
      deposit
      set_up_fee
      override_tax_rate
      tax_rate
      override_inclusive_tax_rate
      inclusive_tax_rate
      onboarding_enabled
      non_onboarding_enabled
      in_all_locations
      locations {
        location_id
      }
    }
  }
}`

/**
 * One page of the organization's passes. `products` lists only `REGULAR` products unless asked, so the
 * type is named.
 *
 * @since 0.1.0
 */
export const passes = `query SpacesyncPasses($limit: Int!, $page: Int!) {
  products(limit: $limit, page: $page, type: [PASS]) {
    total
    data {
      product_id
      name
      type
      unit_amount
      is_deleted
      allowance_expire_days
      onboarding_enabled
      non_onboarding_enabled
      override_tax_rate
      tax_rate
      no_tax_rate
      override_inclusive_tax_rate
      inclusive_tax_rate
      no_inclusive_tax_rate
      in_all_locations
      locations {
        location_id
      }
    }
  }
}`

/**
 * Every document, by name (for the schema-validation test).
 *
 * @since 0.1.0
 */
export const all: Readonly<Record<string, string>> = { organization, locations, resources, planTemplates, passes }
