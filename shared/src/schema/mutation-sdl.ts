import type { OperatorDefinition } from '../operators/operator-definition';
import { mutationFieldNames } from './index-fields';

/**
 * The write API. The partnership subgraph owns the public, uniform mutations and routes each one,
 * by its `operator` argument or the global ID, to the owning operator subgraph's `@inaccessible`
 * mutation field, where everything is enforced (authentication, authorization, validation,
 * concurrency, idempotency, audit). Payloads return entity references that the gateway hydrates.
 */

const MEMBER_FIELDS = `  "Official name: 1 to 300 characters."
  name: String
  "Kind of public body."
  kind: MemberKind
  "INSEE code of a commune (5 characters)."
  inseeCode: String
  "Population: 0 to 20,000,000."
  population: Int
  "The département of the seat: an INSEE code inside the operator's territory."
  departement: String
  "Contact e-mail (private)."
  contactEmail: String
  "Annual contribution in euros (private)."
  annualContribution: Int`;

const CLIENT_MUTATION_ID = `  "Identifies the request for idempotent retries: the same value from the same caller returns the first result and writes once (1 to 100 characters)."
  clientMutationId: String`;

/** Operator-side inputs (no operator field: the subgraph is the operator). */
export const OPERATOR_MUTATION_TYPES_SDL = `"""
A new member (operator subgraph).
"""
input MemberRegistration @inaccessible {
  "SIREN: 9 digits, Luhn-valid, not already in the directory."
  siren: String!
${MEMBER_FIELDS.replace('name: String', 'name: String!').replace('kind: MemberKind\n', 'kind: MemberKind!\n').replace('departement: String\n', 'departement: String!\n')}
${CLIENT_MUTATION_ID}
}

"""
Changes to a member (operator subgraph).
"""
input MemberUpdate @inaccessible {
  "The member's global ID."
  id: ID!
  "The version the change is based on."
  expectedVersion: Int!
${MEMBER_FIELDS}
${CLIENT_MUTATION_ID}
}

"""
A status change (operator subgraph).
"""
input MembershipStatusUpdate @inaccessible {
  "The member's global ID."
  id: ID!
  "The version the change is based on."
  expectedVersion: Int!
  "The new status."
  status: MembershipStatus!
  "Why: 1 to 500 characters."
  reason: String!
${CLIENT_MUTATION_ID}
}

"""
A member × service pair (operator subgraph).
"""
input SubscriptionChange @inaccessible {
  "The member's global ID."
  memberId: ID!
  "The service's global ID."
  serviceId: ID!
${CLIENT_MUTATION_ID}
}

"""
A new service (operator subgraph).
"""
input ServiceCreation @inaccessible {
  "Code, unique in the catalogue: 1 to 64 characters of A-Z, 0-9 and _."
  code: String!
  "Name: 1 to 200 characters."
  name: String!
  "Category."
  category: ServiceCategory!
  "Description: 1 to 5,000 characters."
  description: String!
  "Product name, up to 200 characters."
  product: String
  "Vendor name, up to 200 characters (created if new)."
  vendorName: String
${CLIENT_MUTATION_ID}
}

"""
Changes to a service (operator subgraph).
"""
input ServiceUpdate @inaccessible {
  "The service's global ID."
  id: ID!
  "The version the change is based on."
  expectedVersion: Int!
  "Name: 1 to 200 characters."
  name: String
  "Category."
  category: ServiceCategory
  "Description: 1 to 5,000 characters."
  description: String
  "Product name, up to 200 characters."
  product: String
${CLIENT_MUTATION_ID}
}

"""
The result of an operator-side mutation: the changed object's ID (operator subgraph).
"""
type MutationResult @shareable @inaccessible {
  "Global ID of the changed object."
  id: ID!
  "A second object (the service of a subscription), when any."
  relatedId: ID
  "Echo of the input's clientMutationId."
  clientMutationId: String
}`;

export function operatorMutationFieldsSdl(operator: OperatorDefinition): string {
  const f = mutationFieldNames(operator);
  return `  "Registers a member (partnership layer)."
  ${f.registerMember}(input: MemberRegistration!): MutationResult! @inaccessible
  "Updates a member (partnership layer)."
  ${f.updateMember}(input: MemberUpdate!): MutationResult! @inaccessible
  "Changes a member's status (partnership layer)."
  ${f.setMembershipStatus}(input: MembershipStatusUpdate!): MutationResult! @inaccessible
  "Subscribes a member to a service (partnership layer)."
  ${f.subscribe}(input: SubscriptionChange!): MutationResult! @inaccessible
  "Ends a member's subscription to a service (partnership layer)."
  ${f.unsubscribe}(input: SubscriptionChange!): MutationResult! @inaccessible
  "Adds a service to the catalogue (partnership layer)."
  ${f.createService}(input: ServiceCreation!): MutationResult! @inaccessible
  "Updates a service (partnership layer)."
  ${f.updateService}(input: ServiceUpdate!): MutationResult! @inaccessible
  "Retires a service (partnership layer)."
  ${f.retireService}(input: ServiceRetirement!): MutationResult! @inaccessible`;
}

export const SERVICE_RETIREMENT_SDL = `"""
Retirement of a service (operator subgraph).
"""
input ServiceRetirement @inaccessible {
  "The service's global ID."
  id: ID!
  "The version the change is based on."
  expectedVersion: Int!
${CLIENT_MUTATION_ID}
}`;

/** The public mutations (partnership subgraph). */
export const PARTNERSHIP_MUTATIONS_SDL = `"""
Writes. Each is routed to the operator that owns the data (by \`operator\` or by the ID) and
enforced there: an \`operator_admin\` of that operator only; one transaction; a stale
\`expectedVersion\` is \`CONFLICT\`; a repeated \`clientMutationId\` returns the first result.
"""
type Mutation {
  "Adds a member to an operator's directory."
  registerMember("The change." input: RegisterMemberInput!): RegisterMemberPayload!
  "Changes a member's fields."
  updateMember("The change." input: UpdateMemberInput!): UpdateMemberPayload!
  "Changes a member's status, with a reason; the history is kept."
  setMembershipStatus("The change." input: SetMembershipStatusInput!): SetMembershipStatusPayload!
  "Subscribes a member to a service of its operator's catalogue (reactivates an ended subscription)."
  subscribe("The change." input: SubscribeInput!): SubscriptionPayload!
  "Ends a member's subscription to a service."
  unsubscribe("The change." input: UnsubscribeInput!): SubscriptionPayload!
  "Adds a service to an operator's catalogue."
  createService("The change." input: CreateServiceInput!): ServicePayload!
  "Changes a service."
  updateService("The change." input: UpdateServiceInput!): ServicePayload!
  "Retires a service: it leaves the catalogue; existing subscriptions are kept."
  retireService("The change." input: RetireServiceInput!): ServicePayload!
}

"""
A new member.
"""
input RegisterMemberInput {
  "The operator whose directory receives the member."
  operator: OperatorCode!
  "SIREN: 9 digits, Luhn-valid, not already in that directory."
  siren: String!
${MEMBER_FIELDS.replace('name: String', 'name: String!').replace('kind: MemberKind\n', 'kind: MemberKind!\n').replace('departement: String\n', 'departement: String!\n')}
${CLIENT_MUTATION_ID}
}

"""
The result of registerMember.
"""
type RegisterMemberPayload {
  "The new member."
  member: Member
  "Echo of the input's clientMutationId."
  clientMutationId: String
}

"""
Changes to a member; absent fields are left as they are.
"""
input UpdateMemberInput {
  "The member's ID."
  id: ID!
  "The member's \`version\` the change is based on; a stale one is CONFLICT."
  expectedVersion: Int!
${MEMBER_FIELDS}
${CLIENT_MUTATION_ID}
}

"""
The result of updateMember.
"""
type UpdateMemberPayload {
  "The member, changed."
  member: Member
  "Echo of the input's clientMutationId."
  clientMutationId: String
}

"""
A status change.
"""
input SetMembershipStatusInput {
  "The member's ID."
  id: ID!
  "The member's \`version\` the change is based on."
  expectedVersion: Int!
  "The new status."
  status: MembershipStatus!
  "Why: 1 to 500 characters."
  reason: String!
${CLIENT_MUTATION_ID}
}

"""
The result of setMembershipStatus.
"""
type SetMembershipStatusPayload {
  "The member, changed."
  member: Member
  "Echo of the input's clientMutationId."
  clientMutationId: String
}

"""
A member and a service of its operator's catalogue.
"""
input SubscribeInput {
  "The member's ID."
  memberId: ID!
  "The service's ID (same operator, not retired)."
  serviceId: ID!
${CLIENT_MUTATION_ID}
}

"""
A member and a service it is subscribed to.
"""
input UnsubscribeInput {
  "The member's ID."
  memberId: ID!
  "The service's ID."
  serviceId: ID!
${CLIENT_MUTATION_ID}
}

"""
The result of subscribe and unsubscribe.
"""
type SubscriptionPayload {
  "The member, with its subscriptions."
  member: Member
  "The service."
  service: Service
  "Echo of the input's clientMutationId."
  clientMutationId: String
}

"""
A new service.
"""
input CreateServiceInput {
  "The operator whose catalogue receives the service."
  operator: OperatorCode!
  "Code, unique in that catalogue: 1 to 64 characters of A-Z, 0-9 and _."
  code: String!
  "Name: 1 to 200 characters."
  name: String!
  "Category."
  category: ServiceCategory!
  "Description: 1 to 5,000 characters."
  description: String!
  "Product name, up to 200 characters."
  product: String
  "Vendor name, up to 200 characters (created if new)."
  vendorName: String
${CLIENT_MUTATION_ID}
}

"""
Changes to a service; absent fields are left as they are.
"""
input UpdateServiceInput {
  "The service's ID."
  id: ID!
  "The service's \`version\` the change is based on."
  expectedVersion: Int!
  "Name: 1 to 200 characters."
  name: String
  "Category."
  category: ServiceCategory
  "Description: 1 to 5,000 characters."
  description: String
  "Product name, up to 200 characters."
  product: String
${CLIENT_MUTATION_ID}
}

"""
The retirement of a service.
"""
input RetireServiceInput {
  "The service's ID."
  id: ID!
  "The service's \`version\` the change is based on."
  expectedVersion: Int!
${CLIENT_MUTATION_ID}
}

"""
The result of createService, updateService and retireService.
"""
type ServicePayload {
  "The service."
  service: Service
  "Echo of the input's clientMutationId."
  clientMutationId: String
}`;
