import type { CallOptions } from './call-options.ts'
import type { ItemResult } from './results.ts'

/** One contact to link to one company, by their native ids. The core sends each pair once per call. */
export interface AssociationPair {
  readonly contactId: string
  readonly companyId: string
}

/** Links between contacts and companies (`POST /associations`). */
export interface AssociationPort {
  readonly capabilities: {
    /** The most pairs one `doAssociate` call may take. */
    readonly maxBatch: number
    /** A contact holds one company in this CRM: a new association replaces the old one. */
    readonly oneCompanyPerContact?: boolean
  }
  /**
   * Links each contact to its company; per pair, in order: `created`, `existed` (linking twice is
   * harmless), `missing` when the contact or the company does not exist, or failed.
   */
  doAssociate(pairs: readonly AssociationPair[], options: CallOptions): Promise<ItemResult<'created' | 'existed'>[]>
}
