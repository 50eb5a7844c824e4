import type { CallOptions } from './call-options.ts'

export interface NativeUser {
  id: string
  name: string
  email?: string
}

/** The people records can be assigned to: Enginy offers owner selection only where this exists. */
export interface UserPort {
  doList(options: CallOptions): Promise<NativeUser[]>
}
