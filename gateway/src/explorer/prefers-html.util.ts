/**
 * True when an `Accept` header ranks `text/html` above every JSON answer GraphQL over HTTP can give
 * (`application/graphql-response+json`, `application/json`): a browser's navigation, not a client.
 * `*\/*` alone (curl, most HTTP libraries) is a tie, and a tie goes to GraphQL.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').flatMap((part) => {
    const [range, ...parameters] = part.trim().toLowerCase().split(';');
    const [type, subtype] = range.trim().split('/');
    if (!type || !subtype) return [];
    const qParameter = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith('q='));
    const quality = qParameter ? Number(qParameter.slice(2)) : 1;
    return Number.isFinite(quality) ? [{ type, subtype, quality }] : [];
  });
  // The quality of a media type is that of the most specific range matching it (RFC 9110 §12.5.1).
  const qualityOf = (mediaType: string): number => {
    const [type, subtype] = mediaType.split('/');
    let best = { specificity: -1, quality: 0 };
    for (const range of ranges) {
      const specificity = range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : range.type === '*' ? 0 : -1;
      if (specificity > best.specificity) best = { specificity, quality: range.quality };
    }
    return best.quality;
  };
  const html = qualityOf('text/html');
  return html > 0 && html > Math.max(qualityOf('application/graphql-response+json'), qualityOf('application/json'));
}
