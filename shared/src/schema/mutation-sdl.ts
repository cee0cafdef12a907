import type { OperatorDefinition } from '../operators/operator-definition';
import { mutationFieldNames } from './index-fields';

/**
 * The write API. The partnership subgraph owns the public, uniform mutations and routes each one,
 * by its `operator` argument or the global ID, to the owning operator subgraph's `@inaccessible`
 * mutation field, where everything is enforced (authentication, authorization, validation,
 * concurrency, idempotency, audit). Payloads return entity references that the gateway hydrates.
 */

/** One field of a write's input. */
interface InputField {
  name: string;
  type: string;
  description: string;
}

const field = (name: string, type: string, description: string): InputField => ({ name, type, description });

const CLIENT_MUTATION_ID = field(
  'clientMutationId',
  'String',
  'Identifies the request for idempotent retries: the same value from the same caller returns the first result and writes once (1 to 100 characters).',
);

/** A member's writable fields, optional (an update); a registration requires some of them. */
const MEMBER_FIELDS: InputField[] = [
  field('name', 'String', 'Official name: 1 to 300 characters.'),
  field('kind', 'MemberKind', 'Kind of public body.'),
  field('inseeCode', 'String', 'INSEE code of a commune (5 characters).'),
  field('population', 'Int', 'Population: 0 to 20,000,000.'),
  field('departement', 'String', "The département of the seat: an INSEE code inside the operator's territory."),
  field('contactEmail', 'String', 'Contact e-mail (private).'),
  field('annualContribution', 'Int', 'Annual contribution in euros (private).'),
];

/** A service's changeable fields, optional. */
const SERVICE_FIELDS: InputField[] = [
  field('name', 'String', 'Name: 1 to 200 characters.'),
  field('category', 'ServiceCategory', 'Category.'),
  field('description', 'String', 'Description: 1 to 5,000 characters.'),
  field('product', 'String', 'Product name, up to 200 characters.'),
];

const required = (fields: InputField[], names: string[]): InputField[] =>
  fields.map((input) => (names.includes(input.name) ? { ...input, type: `${input.type}!` } : input));
const idOf = (thing: 'member' | 'service') => field('id', 'ID!', `The ${thing}'s ID.`);
const versionOf = (thing: 'member' | 'service') =>
  field('expectedVersion', 'Int!', `The ${thing}'s \`version\` the change is based on; a stale one is CONFLICT.`);

/**
 * Each write's input, written once. The operator subgraph's `@inaccessible` input has the fields as
 * they are (the subgraph is the operator); the public inputs of the partnership subgraph are the
 * same fields, with `operator` first where the write names its operator, and a description of
 * their own where the public one says more.
 */
interface WriteInput {
  operatorInput: string;
  operatorDescription: string;
  fields: InputField[];
  publicInputs: { name: string; description: string; operator?: string; descriptions?: Record<string, string> }[];
}

const WRITE_INPUTS: WriteInput[] = [
  {
    operatorInput: 'MemberRegistration',
    operatorDescription: 'A new member (operator subgraph).',
    fields: [
      field('siren', 'String!', "SIREN: 9 digits, Luhn-valid, not already in the operator's directory."),
      ...required(MEMBER_FIELDS, ['name', 'kind', 'departement']),
      CLIENT_MUTATION_ID,
    ],
    publicInputs: [{ name: 'RegisterMemberInput', description: 'A new member.', operator: 'The operator whose directory receives the member.' }],
  },
  {
    operatorInput: 'MemberUpdate',
    operatorDescription: 'Changes to a member (operator subgraph).',
    fields: [idOf('member'), versionOf('member'), ...MEMBER_FIELDS, CLIENT_MUTATION_ID],
    publicInputs: [{ name: 'UpdateMemberInput', description: 'Changes to a member; absent fields are left as they are.' }],
  },
  {
    operatorInput: 'MembershipStatusUpdate',
    operatorDescription: 'A status change (operator subgraph).',
    fields: [
      idOf('member'),
      versionOf('member'),
      field('status', 'MembershipStatus!', 'The new status.'),
      field('reason', 'String!', 'Why: 1 to 500 characters.'),
      CLIENT_MUTATION_ID,
    ],
    publicInputs: [{ name: 'SetMembershipStatusInput', description: 'A status change.' }],
  },
  {
    operatorInput: 'SubscriptionChange',
    operatorDescription: 'A member × service pair (operator subgraph).',
    fields: [field('memberId', 'ID!', "The member's ID."), field('serviceId', 'ID!', "The service's ID."), CLIENT_MUTATION_ID],
    publicInputs: [
      {
        name: 'SubscribeInput',
        description: "A member and a service of its operator's catalogue.",
        descriptions: { serviceId: "The service's ID (same operator, not retired)." },
      },
      { name: 'UnsubscribeInput', description: 'A member and a service it is subscribed to.' },
    ],
  },
  {
    operatorInput: 'ServiceCreation',
    operatorDescription: 'A new service (operator subgraph).',
    fields: [
      field('code', 'String!', "Code, unique in the operator's catalogue: 1 to 64 characters of A-Z, 0-9 and _."),
      ...required(SERVICE_FIELDS, ['name', 'category', 'description']),
      field('vendorName', 'String', 'Vendor name, up to 200 characters (created if new).'),
      CLIENT_MUTATION_ID,
    ],
    publicInputs: [{ name: 'CreateServiceInput', description: 'A new service.', operator: 'The operator whose catalogue receives the service.' }],
  },
  {
    operatorInput: 'ServiceUpdate',
    operatorDescription: 'Changes to a service (operator subgraph).',
    fields: [idOf('service'), versionOf('service'), ...SERVICE_FIELDS, CLIENT_MUTATION_ID],
    publicInputs: [{ name: 'UpdateServiceInput', description: 'Changes to a service; absent fields are left as they are.' }],
  },
  {
    operatorInput: 'ServiceRetirement',
    operatorDescription: 'Retirement of a service (operator subgraph).',
    fields: [idOf('service'), versionOf('service'), CLIENT_MUTATION_ID],
    publicInputs: [{ name: 'RetireServiceInput', description: 'The retirement of a service.' }],
  },
];

function inputSdl(name: string, description: string, fields: InputField[], directives = ''): string {
  const body = fields.map((input) => `  ${JSON.stringify(input.description)}\n  ${input.name}: ${input.type}`).join('\n');
  return `"""\n${description}\n"""\ninput ${name}${directives} {\n${body}\n}`;
}

/** Operator-side inputs and result type (no operator field: the subgraph is the operator). */
export const OPERATOR_MUTATION_TYPES_SDL = `${WRITE_INPUTS.map((write) => inputSdl(write.operatorInput, write.operatorDescription, write.fields, ' @inaccessible')).join('\n\n')}

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

/** The public inputs, from the same field lists. */
const PUBLIC_INPUTS_SDL = WRITE_INPUTS.flatMap((write) =>
  write.publicInputs.map((input) =>
    inputSdl(input.name, input.description, [
      ...(input.operator ? [field('operator', 'OperatorCode!', input.operator)] : []),
      ...write.fields.map((each) => ({ ...each, description: input.descriptions?.[each.name] ?? each.description })),
    ]),
  ),
).join('\n\n');

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
The result of registerMember.
"""
type RegisterMemberPayload {
  "The new member."
  member: Member
  "Echo of the input's clientMutationId."
  clientMutationId: String
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
The result of setMembershipStatus.
"""
type SetMembershipStatusPayload {
  "The member, changed."
  member: Member
  "Echo of the input's clientMutationId."
  clientMutationId: String
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
The result of createService, updateService and retireService.
"""
type ServicePayload {
  "The service."
  service: Service
  "Echo of the input's clientMutationId."
  clientMutationId: String
}

${PUBLIC_INPUTS_SDL}`;
