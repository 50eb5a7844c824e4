import type { CallOptions } from './call-options.ts'

/** A person of the CRM's account records can be assigned to (an owner). */
export interface NativeUser {
  id: string
  name: string
  email?: string
}

/** The people records can be assigned to: Enginy offers owner selection only where this exists. */
export interface UserPort {
  /** Every user of the account, for `GET /users`. */
  doList(options: CallOptions): Promise<NativeUser[]>
}
