import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * INSEE's official geography, from the npm package `@etalab/decoupage-administratif` (data under
 * Licence Ouverte). Its `index.js` resolves `./data` against the working directory, so the JSON
 * files are read directly. Each file is read once, on first use.
 */

export interface InseeCommune {
  code: string;
  nom: string;
  type: string;
  departement: string;
  region: string;
  siren: string;
  population?: number;
}

export interface InseeEpciMember {
  code: string;
  siren: string;
  nom: string;
}

export interface InseeEpci {
  code: string; // the EPCI's SIREN
  nom: string;
  type: 'CC' | 'CA' | 'CU' | 'METRO' | 'MET69' | 'EPT';
  populationTotale?: number;
  membres: InseeEpciMember[];
}

export interface InseeArea {
  code: string;
  nom: string;
  region?: string;
}

const dataDir = join(dirname(require.resolve('@etalab/decoupage-administratif/package.json')), 'data');
const cache = new Map<string, unknown>();

function readData<T>(file: string): T {
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(join(dataDir, file), 'utf8')));
  return cache.get(file) as T;
}

/** Current communes (`commune-actuelle`), delegated and associated communes excluded. */
export function currentCommunes(): InseeCommune[] {
  return readData<InseeCommune[]>('communes.json').filter((c) => c.type === 'commune-actuelle');
}

export function epcis(): InseeEpci[] {
  return readData<InseeEpci[]>('epci.json');
}

/** The 11 établissements publics territoriaux of the Grand Paris. */
export function epts(): InseeEpci[] {
  return readData<InseeEpci[]>('ept.json');
}

export function departements(): InseeArea[] {
  return readData<InseeArea[]>('departements.json');
}

export function regions(): InseeArea[] {
  return readData<InseeArea[]>('regions.json');
}

export function departementNameOrThrow(code: string): string {
  const found = departements().find((d) => d.code === code);
  if (!found) throw new Error(`Unknown département code ${code}`);
  return found.nom;
}

export function regionNameOrThrow(code: string): string {
  const found = regions().find((r) => r.code === code);
  if (!found) throw new Error(`Unknown région code ${code}`);
  return found.nom;
}
