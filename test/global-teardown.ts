import { rmSync } from 'node:fs';
import type { EmbeddedCluster } from '../shared/src/postgres/embedded-cluster';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__ALLIANCE_PG__ as { cluster: EmbeddedCluster; dataDir: string } | undefined;
  if (!state) return;
  await state.cluster.stop();
  rmSync(state.dataDir, { recursive: true, force: true });
}
