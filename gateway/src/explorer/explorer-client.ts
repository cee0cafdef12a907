/**
 * The browser side of the explorer, served as `/explorer/assets/explorer.js` (a file, so the
 * page's CSP needs no inline script). Plain ES2017 over the UMD globals `React`, `ReactDOM` and
 * `GraphiQL`; it reads the example operations from the page's JSON data block, opens one tab per
 * example, and posts every operation to the gateway's own `graphql` endpoint.
 */
export const EXPLORER_SCRIPT = `(function () {
  'use strict';
  var container = document.getElementById('graphiql');
  var examples = JSON.parse(document.getElementById('explorer-examples').textContent);
  var tabs = examples.map(function (example) {
    var comment = example.description.split('\\n').map(function (line) { return '# ' + line; }).join('\\n');
    return {
      query: comment + '\\n' + example.query + '\\n',
      variables: example.variables ? JSON.stringify(example.variables, null, 2) : undefined
    };
  });
  ReactDOM.createRoot(container).render(
    React.createElement(GraphiQL, {
      // Relative: /explorer, /graphql and / all post to /graphql, and so does a path prefix.
      fetcher: GraphiQL.createFetcher({ url: new URL('graphql', window.location.href).href }),
      defaultTabs: tabs,
      defaultEditorToolsVisibility: true,
      // Stored tabs win over defaultTabs: a namespace per set of examples shows changed examples.
      storage: GraphiQL.createLocalStorage({ namespace: container.getAttribute('data-storage-namespace') })
    })
  );
})();
`;

/** The page's own style: GraphiQL fills the window. */
export const EXPLORER_STYLE = `html, body, #graphiql { height: 100%; margin: 0; }
body { font-family: system-ui, sans-serif; }
`;
