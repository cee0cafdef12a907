import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  type DocumentNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type ValidationRule,
  type ValueNode,
  validate,
  visit,
} from 'graphql';
import { MAX_PAGE_SIZE } from '../pagination/page-args';

/**
 * Limits on what one GraphQL request may ask for, enforced with graphql-armor (its depth, alias
 * and directive rules, its token-counting parser and its cost rule) before anything runs. Every
 * refusal is HTTP 400 with `extensions.code: GRAPHQL_VALIDATION_FAILED`.
 */
export interface RequestLimits {
  /** Field nesting (inline fragments and fragment spreads add no level). */
  maxDepth: number;
  /** Aliased fields in the operation, fragments included (`__typename` aliases are free). */
  maxAliases: number;
  /** Directives in the operation, fragments included. */
  maxDirectives: number;
  /** Lexical tokens of the document, counted while parsing (parsing stops at the limit). */
  maxTokens: number;
  /**
   * graphql-armor's cost: scalar 1, object 2, each level ×1.5, and a field's cost multiplied by
   * its `first`/`last` (literal or variable, capped at the page size the resolvers accept).
   */
  maxCost: number;
  /** "Did you mean …?" suggestions in error messages (they reveal the schema). */
  fieldSuggestions: boolean;
}

/**
 * The defaults, measured on every example operation and every query of the test suite (the
 * largest: depth 7, 3 aliases, no directive, 105 tokens, cost 20,627 for a `members(first: 500)`
 * walk) with room to spare — a 500-row page of the richest example costs about 80,000 — while
 * nested 500-row pages (500 × 10 rows already) and alias, directive and token bombs are refused.
 */
export const DEFAULT_REQUEST_LIMITS: Omit<RequestLimits, 'fieldSuggestions'> = {
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 50,
  maxTokens: 1_000,
  maxCost: 100_000,
};

/**
 * An operator subgraph's limits: its clients are gateways, whose generated operations are longer
 * and deeper than the client's (`_entities`, type conditions, key fields, Hive Gateway's aliased
 * batches), so they are wider than the gateway's; they stop what is sent straight to a subgraph,
 * bypassing the gateway (a nested 500 × 500 page costs millions).
 */
export const SUBGRAPH_REQUEST_LIMITS: Omit<RequestLimits, 'fieldSuggestions'> = {
  maxDepth: 15,
  maxAliases: 100,
  maxDirectives: 100,
  maxTokens: 5_000,
  maxCost: 500_000,
};

/** What Apollo Server takes to enforce `limits`: plugins and validation rules. */
export interface RequestLimitsProtection<TContext extends BaseContext> {
  plugins: ApolloServerPlugin<TContext>[];
  validationRules: ValidationRule[];
}

const REFUSAL_CODE = 'GRAPHQL_VALIDATION_FAILED';

export function requestLimitsProtection<TContext extends BaseContext>(limits: RequestLimits): RequestLimitsProtection<TContext> {
  // armor prefixes every message with "Syntax Error: ", which these are not.
  const report: GraphQLArmorRejectCallback = (context, error) =>
    context?.reportError(new GraphQLError(withoutSyntaxPrefix(error.message), { extensions: { code: REFUSAL_CODE } }));
  const reject = { propagateOnRejection: false, onReject: [report] };
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...reject },
    maxAliases: { n: limits.maxAliases, ...reject },
    maxDirectives: { n: limits.maxDirectives, ...reject },
    // Both below are enforced by the plugins of this file: armor's own Apollo versions answer
    // HTTP 500 for tokens (it throws from a parsing hook) and ignore page sizes given as variables.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    // armor's pattern (`Did you mean ".+"`) misses enum values ("Did you mean the enum value …")
    // and leaves "[Suggestion hidden]?" behind: `noSuggestionsPlugin` removes every form.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: [
      tokenLimitPlugin<TContext>(limits.maxTokens),
      costLimitPlugin<TContext>(limits.maxCost),
      ...(limits.fieldSuggestions ? [] : [noSuggestionsPlugin<TContext>()]),
      ...(armor.plugins as ApolloServerPlugin<TContext>[]),
    ],
    validationRules: armor.validationRules,
  };
}

/** A refusal that Apollo Server answers with HTTP 400 wherever it is thrown from. */
function refusal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: REFUSAL_CODE, http: { status: 400 } } });
}

const withoutSyntaxPrefix = (message: string) => message.replace(/^Syntax Error: /, '');

/**
 * The token limit, with graphql-armor's counting parser, before Apollo Server parses the document.
 * A parsing hook cannot answer a request, so the refusal travels as an unexpected error and is
 * re-thrown, with its HTTP 400, from `unexpectedErrorProcessingRequest` (as armor's own plugin
 * does, minus the status).
 */
function tokenLimitPlugin<TContext extends BaseContext>(maxTokens: number): ApolloServerPlugin<TContext> {
  const refused = new WeakSet<Error>();
  return {
    async requestDidStart() {
      return {
        async parsingDidStart({ source }) {
          try {
            new MaxTokensParserWLexer(source, { n: maxTokens }).parseDocument();
          } catch (error) {
            // Syntax errors are left to Apollo Server's own parse, which reports them properly.
            if (error instanceof GraphQLError && /Token limit of/.test(error.message)) {
              const tooLong = refusal(withoutSyntaxPrefix(error.message));
              refused.add(tooLong);
              throw tooLong;
            }
          }
        },
      };
    },
    async unexpectedErrorProcessingRequest({ error }) {
      if (refused.has(error)) throw error;
    },
  };
}

/**
 * graphql-armor's cost rule, run once the operation and its variables are known: `first`/`last`
 * given as variables (as clients do) are inlined so that they weigh like literals, and every page
 * size is capped at MAX_PAGE_SIZE, beyond which the resolver refuses it with BAD_USER_INPUT naming
 * the argument (a clearer answer than a cost).
 */
function costLimitPlugin<TContext extends BaseContext>(maxCost: number): ApolloServerPlugin<TContext> {
  // Apollo Server keeps parsed documents: the same operation node comes back for the same query
  // text, and its cost depends only on its page sizes. Verdicts are kept per operation node and
  // page sizes, so a repeated operation is not walked again.
  const verdicts = new WeakMap<
    OperationDefinitionNode,
    { sizeVariables: string[]; defaults: Map<string, ValueNode | undefined>; byPageSizes: Map<string, string | null> }
  >();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const variables = request.variables ?? {};
          let entry = verdicts.get(operation);
          if (!entry) {
            entry = { sizeVariables: pageSizeVariables(operation, document), defaults: variableDefaults(operation), byPageSizes: new Map() };
            verdicts.set(operation, entry);
          }
          const key = entry.sizeVariables.map((name) => String(pageSizeOf(variables[name], entry.defaults.get(name)))).join(',');
          let verdict = entry.byPageSizes.get(key);
          if (verdict === undefined) {
            const weighed = withPageSizes(document, operation, variables);
            let rejection: GraphQLError | undefined;
            validate(schema, weighed, [costLimitRule({ maxCost, propagateOnRejection: false, onReject: [(_context, error) => (rejection ??= error)] })]);
            verdict = rejection ? withoutSyntaxPrefix(rejection.message) : null;
            if (entry.byPageSizes.size < MAX_VERDICTS_PER_OPERATION) entry.byPageSizes.set(key, verdict);
          }
          if (verdict) throw refusal(verdict);
        },
      };
    },
  };
}

/** Distinct page-size combinations remembered per operation. */
const MAX_VERDICTS_PER_OPERATION = 256;


/** The variables an operation (and its fragments) passes as `first`/`last`. */
function pageSizeVariables(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const names = new Set<string>();
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  for (const node of [operation, ...fragments]) {
    visit(node, {
      Argument(argument) {
        if ((argument.name.value === 'first' || argument.name.value === 'last') && argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
      },
    });
  }
  return [...names].sort();
}

/**
 * Removes "Did you mean …?" from every error (fields, arguments, input fields, types, enum
 * values, in validation and in variable coercion): with introspection off, suggestions would
 * reveal the schema one guess at a time.
 */
function noSuggestionsPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) error.message = error.message.replace(/\s*Did you mean [^?]*\?/g, '');
        },
      };
    },
  };
}

function withPageSizes(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): DocumentNode {
  const defaults = variableDefaults(operation);
  // Only the operation being run is weighed (armor weighs every operation of the document).
  const others = new Set(document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION && d !== operation));
  const pruned: DocumentNode = { ...document, definitions: document.definitions.filter((d) => !others.has(d)) };
  return visit(pruned, {
    Argument(node) {
      if (node.name.value !== 'first' && node.name.value !== 'last') return undefined;
      let size: number | undefined;
      if (node.value.kind === Kind.INT) size = capped(Number(node.value.value));
      else if (node.value.kind === Kind.VARIABLE) size = pageSizeOf(variables[node.value.name.value], defaults.get(node.value.name.value));
      if (size === undefined) return undefined;
      return { ...node, value: { kind: Kind.INT, value: String(size) } };
    },
  });
}

function variableDefaults(operation: OperationDefinitionNode): Map<string, ValueNode | undefined> {
  return new Map((operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, definition.defaultValue]));
}

const capped = (size: number) => Math.min(Math.max(size, 1), MAX_PAGE_SIZE);

/**
 * The page size a `first`/`last` variable weighs: its value, else its default when it is not
 * given, capped to 1…MAX_PAGE_SIZE; undefined when neither is an integer (armor's own weighing).
 * The cost verdicts are kept per these sizes.
 */
function pageSizeOf(given: unknown, fallback: ValueNode | undefined): number | undefined {
  if (Number.isInteger(given)) return capped(given as number);
  if (given === undefined && fallback?.kind === Kind.INT) return capped(Number(fallback.value));
  return undefined;
}
