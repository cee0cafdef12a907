/** Membership statuses as the operators' own member software records them. */
export const MEMBERSHIP_STATUSES = {
  ADHERENT: 'Member in good standing',
  EN_COURS_D_ADHESION: 'Joining: the membership decision is under way',
  PARTENAIRE: 'Partner body using the services under an agreement, without full membership',
  PROSPECT: 'Prospect: in contact, has not applied',
  RESILIE: 'Membership terminated',
  REFUS_D_ADHERER: 'Declined to join',
  DISSOLUTION: 'The body was dissolved (merged or abolished)',
} as const;

export type MembershipStatus = keyof typeof MEMBERSHIP_STATUSES;
export const MEMBERSHIP_STATUS_VALUES = Object.keys(MEMBERSHIP_STATUSES) as MembershipStatus[];
