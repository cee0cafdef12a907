import { CreateDirectorySchema1764450000000 } from './1764450000000-create-directory-schema';
import { AddWritesAuditAndPrivateFields1764450200000 } from './1764450200000-add-writes-audit-and-private-fields';
import { AddMemberCountsAndSearchBuckets1764450300000 } from './1764450300000-add-member-counts-and-search-buckets';
import { AddSearchTrigramStatistics1764450400000 } from './1764450400000-add-search-trigram-statistics';
import { AddMemberServiceCounts1764450500000 } from './1764450500000-add-member-service-counts';

/** The kernel's migrations, in order. An operator's own migrations run after these. */
export const KERNEL_MIGRATIONS = [
  CreateDirectorySchema1764450000000,
  AddWritesAuditAndPrivateFields1764450200000,
  AddMemberCountsAndSearchBuckets1764450300000,
  AddSearchTrigramStatistics1764450400000,
  AddMemberServiceCounts1764450500000,
];
