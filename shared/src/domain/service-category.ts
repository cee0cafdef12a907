/** Categories of the services an operator offers (no official taxonomy exists; see DOMAIN.md). */
export const SERVICE_CATEGORIES = {
  COMMANDE_PUBLIQUE: 'Public procurement: platform, buyer profile, drafting, execution',
  DEMATERIALISATION:
    'Dematerialisation: transmission of acts and accounting flows to the State, electronic signature and parapheur, electronic convocations',
  ARCHIVAGE: 'Electronic archiving',
  OPEN_DATA: 'Open data publication',
  SIG: 'Geographic information systems',
  RELATION_USAGER: 'Relations with citizens: websites, e-services',
  DONNEES_PERSONNELLES: 'Personal data protection: shared data-protection officer',
  CYBERSECURITE: 'Cybersecurity',
  IDENTITE_CERTIFICATS: 'Digital identity and certificates',
  INFRA_HEBERGEMENT: 'Infrastructure and hosting',
  COLLABORATIF: 'Collaborative tools',
  FORMATION_ACCOMPAGNEMENT: 'Training and support',
  INCLUSION_NUMERIQUE: 'Digital inclusion',
} as const;

export type ServiceCategory = keyof typeof SERVICE_CATEGORIES;
export const SERVICE_CATEGORY_VALUES = Object.keys(SERVICE_CATEGORIES) as ServiceCategory[];

/** Statuses of a member's subscription to a service. */
export const SUBSCRIPTION_STATUSES = {
  ACTIVE: 'The member uses the service',
  SUSPENDED: 'Use of the service is suspended',
  ENDED: 'The member stopped using the service',
} as const;
export type SubscriptionStatus = keyof typeof SUBSCRIPTION_STATUSES;
export const SUBSCRIPTION_STATUS_VALUES = Object.keys(SUBSCRIPTION_STATUSES) as SubscriptionStatus[];
