/**
 * ACM quotas this project runs into. Domain names per certificate: 10 by default (the primary name and its
 * subject alternative names together); Service Quotas can raise it, which this project does not assume.
 */
export const ACM_LIMITS = {
  namesPerCertificate: 10,
} as const;
