import type { Config } from '../../config/schema.js';

export type XdrRegion = 'us' | 'eu' | 'apjc';

/** Base URLs of the three XDR API families this connector uses; they share one OAuth server (IROH). */
export interface XdrBaseUrls {
  /** IROH platform: oauth2, enrich, inspect, response. Paths start with `/iroh/`. */
  iroh: string;
  /** CTIA private intelligence (incidents, sightings). Paths start with `/ctia/`. */
  privateIntel: string;
  /** Incidents & Investigations ("Conure v2"). Paths start with `/v2/`. */
  conure: string;
}

/*
 * Real hosts per region (connectors.md §1.1). IROH and CTIA insert `.eu`/`.apjc` after the first
 * label; Conure uses `us` explicitly. Mixing families gives 404, so each gets its own client.
 */
const REGION_HOSTS: Record<XdrRegion, XdrBaseUrls> = {
  us: {
    iroh: 'https://visibility.amp.cisco.com',
    privateIntel: 'https://private.intel.amp.cisco.com',
    conure: 'https://conure.us.security.cisco.com',
  },
  eu: {
    iroh: 'https://visibility.eu.amp.cisco.com',
    privateIntel: 'https://private.intel.eu.amp.cisco.com',
    conure: 'https://conure.eu.security.cisco.com',
  },
  apjc: {
    iroh: 'https://visibility.apjc.amp.cisco.com',
    privateIntel: 'https://private.intel.apjc.amp.cisco.com',
    conure: 'https://conure.apjc.security.cisco.com',
  },
};

/** The configured overrides (e.g. the lab's `${lab}/xdr`), else the real hosts of the configured region. */
export function xdrBaseUrls(config: Config): XdrBaseUrls {
  const regional = REGION_HOSTS[config.cisco.region];
  const overrides = config.cisco.xdr;
  return {
    iroh: overrides.base_url ?? regional.iroh,
    privateIntel: overrides.private_intel_url ?? regional.privateIntel,
    conure: overrides.conure_url ?? regional.conure,
  };
}
