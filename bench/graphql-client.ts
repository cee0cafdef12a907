export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** One POST, as the load generator sends it (anonymous, `application/json`). */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; body: GraphQLResponse<T> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as GraphQLResponse<T> };
  } catch {
    return { status: response.status, body: { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] } };
  }
}

/** The data of a query that must succeed (used to gather the variable pools). */
export async function queryData<T>(url: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const { status, body } = await postGraphQL<T>(url, query, variables);
  if (status !== 200 || body.errors?.length || !body.data) {
    throw new Error(`${url} answered ${status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  return body.data;
}

/** A counter of a Prometheus text exposition (the sum over its label sets), or null. */
export function metricValue(exposition: string, name: string): number | null {
  let total: number | null = null;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

export async function readMetrics(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`${baseUrl}/metrics answered ${response.status}`);
  return response.text();
}
