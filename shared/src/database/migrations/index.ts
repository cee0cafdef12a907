import { CreateDirectorySchema1764450000000 } from './1764450000000-create-directory-schema';

/** The kernel's migrations, in order. An operator's own migrations run after these. */
export const KERNEL_MIGRATIONS = [CreateDirectorySchema1764450000000];
