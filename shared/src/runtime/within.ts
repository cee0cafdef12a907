/**
 * `promise`'s value, or `late` when it has not settled within `ms`; a rejection within the time
 * is passed on. The timer is cleared as soon as either happens and never keeps the process alive.
 * For bounded waits on work that cannot be cancelled: a readiness probe's `SELECT 1`, the last
 * span export at shutdown.
 */
export async function within<T, L>(promise: Promise<T>, ms: number, late: L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<L>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
