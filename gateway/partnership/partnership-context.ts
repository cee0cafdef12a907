/**
 * What the partnership layer needs of the request context: the caller's credentials to forward,
 * the request id, and where to record operators that could not be reached (the gateway's
 * `operatorErrorsPlugin` turns them into `OPERATOR_UNAVAILABLE` errors beside the data).
 */
export interface PartnershipContext {
  authorization?: string;
  requestId?: string;
  unavailableOperators?: Set<string>;
  /** Collects the operators' cache hints for the answer's own (see `PartnershipCachePolicy`). */
  cachePolicy?: PartnershipCachePolicy;
}

/** A cache hint: max age in seconds, and whether a shared cache may keep it. */
export interface CacheHint {
  maxAge: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/**
 * The cache policy of one partnership execution: the registry's own data may be cached for
 * `baseMaxAge`; every operator answer it used restricts that (the smallest max age wins, PRIVATE
 * wins over PUBLIC). A mutation, or an answer given to an authenticated caller, is never public.
 */
export class PartnershipCachePolicy {
  private maxAge: number;
  private scope: 'PUBLIC' | 'PRIVATE' = 'PUBLIC';

  constructor(baseMaxAge: number) {
    this.maxAge = baseMaxAge;
  }

  restrict(hint: CacheHint): void {
    this.maxAge = Math.min(this.maxAge, hint.maxAge);
    if (hint.scope === 'PRIVATE') this.scope = 'PRIVATE';
  }

  get hint(): CacheHint {
    return { maxAge: this.maxAge, scope: this.scope };
  }
}
