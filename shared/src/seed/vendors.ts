import type { SeedVendor } from './seed-types';

/**
 * Software editors whose products the operators run (see DOMAIN.md, "What each operator is known
 * to run"). Value data shared by every operator: an operator's seed keeps only the vendors its
 * catalogue references.
 *
 * No SIREN is invented for a real company: all are left null until checked against SIRENE.
 */
export const VENDOR_KEYS = {
  ATEXO: 'ATEXO',
  LIBRICIEL: 'LIBRICIEL',
  NUKEMA: 'NUKEMA',
} as const;

export type VendorKey = (typeof VENDOR_KEYS)[keyof typeof VENDOR_KEYS];

export const VENDORS: readonly SeedVendor[] = [
  {
    // Editor of the "Local Trust" procurement suite: MPE (platform), Redac (drafting), Exec (execution).
    key: VENDOR_KEYS.ATEXO,
    name: 'Atexo',
    siren: null,
    website: 'https://www.atexo.com',
  },
  {
    // Cooperative editor of Pastell, S²LOW, i-Parapheur, idelibre and as@lae (archiving).
    key: VENDOR_KEYS.LIBRICIEL,
    name: 'Libriciel SCOP',
    siren: null,
    website: 'https://www.libriciel.fr',
  },
  {
    // Supplier-sourcing tool used by Maximilien.
    key: VENDOR_KEYS.NUKEMA,
    name: 'Nukema',
    siren: null,
    website: null,
  },
];

/** The vendor with this key, or `undefined`. */
export function findVendor(key: string): SeedVendor | undefined {
  return VENDORS.find((vendor) => vendor.key === key);
}
