import type { CallOptions } from './adapter.ts'

/**
 * Enginy's task types to a CRM's types and back, through a connection's `typeMap` and
 * `defaultType`. A connection with neither (the memory adapter) keeps types as given. On read, a
 * CRM type no Enginy type maps to comes back as the CRM's type in lower case, as the contract says.
 */
export class TypeMap {
  private readonly reverse = new Map<string, string>()
  private readonly identity: boolean

  constructor(
    private readonly forward: Readonly<Record<string, string>>,
    private readonly defaultType: string | undefined,
  ) {
    for (const [enginy, crm] of Object.entries(forward)) {
      if (!this.reverse.has(crm)) this.reverse.set(crm, enginy)
    }
    this.identity = this.reverse.size === 0 && defaultType === undefined
  }

  toCrm(type: string, warn: CallOptions['warn']): string {
    if (this.identity) return type
    const mapped = Object.hasOwn(this.forward, type) ? this.forward[type] : undefined
    if (mapped !== undefined) return mapped
    if (this.defaultType !== undefined) {
      warn({ type: 'unsupported', field: 'type', message: `type "${type}" is not in typeMap; stored as "${this.defaultType}"` })
      return this.defaultType
    }
    return type
  }

  fromCrm(type: string): string {
    if (this.identity) return type
    return this.reverse.get(type) ?? type.toLowerCase()
  }
}
