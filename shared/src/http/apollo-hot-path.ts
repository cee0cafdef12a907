import { apolloHashing } from './apollo-hashing';
import { apolloServerNegotiation } from './apollo-server-negotiation';

/**
 * Apollo Server's and Apollo Gateway's per-request dependencies, substituted on import
 * (shared/src/runtime/module-substitution.ts): `negotiator` remembering its answers
 * (apollo-server-negotiation.ts) and `@apollo/utils.createhash` without its per-call `require` and
 * remembering the query texts' hashes (apollo-hashing.ts). Every server factory imports this file
 * before Apollo's packages (the gateway's, the operator subgraphs', the remote partnership
 * subgraph's); entry points pass it to `warnOfEarlyReaders`. Null entries under Jest.
 */
export const apolloHotPathSubstitutions = {
  negotiator: apolloServerNegotiation,
  '@apollo/utils.createhash (Apollo Server)': apolloHashing.server,
  '@apollo/utils.createhash (Apollo Gateway)': apolloHashing.gateway,
};
