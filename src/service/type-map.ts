import type { CallOptions, TaskTypes } from '../kit/spec.ts'

/**
 * Enginy's task types to a CRM's types and back. In order: the connection's `typeMap`; the
 * adapter's built-in types (`TaskTypes`, where the CRM has a fixed set); the connection's
 * `defaultType`; the adapter's fallback. Where none applies (the memory adapter, unconfigured),
 * types are kept as given. On read, a CRM type no Enginy type maps to comes back as the CRM's type
 * in lower case, as the contract says.
 */
export class TypeMap {
  private readonly reverse = new Map<string, string>()
  private readonly identity: boolean

  constructor(
    private readonly forward: Readonly<Record<string, string>>,
    private readonly defaultType: string | undefined,
    private readonly builtIn?: TaskTypes,
  ) {
    for (const [enginy, crm] of Object.entries(forward)) {
      if (!this.reverse.has(crm)) this.reverse.set(crm, enginy)
    }
    this.identity = this.reverse.size === 0 && defaultType === undefined && builtIn === undefined
  }

  toCrm(type: string, warn: CallOptions['warn']): string {
    if (this.identity) return type
    const mapped = Object.hasOwn(this.forward, type) ? this.forward[type] : this.builtIn?.toCrm(type)
    if (mapped !== undefined) return mapped
    const stored = this.defaultType ?? this.builtIn?.fallback
    if (stored === undefined) return type
    const where = this.defaultType === undefined ? 'the CRM has no such type' : 'it is not in typeMap'
    warn({ type: 'unsupported', field: 'type', message: `type "${type}" is stored as "${stored}": ${where}` })
    return stored
  }

  fromCrm(type: string): string {
    if (this.identity) return type
    return this.reverse.get(type) ?? this.builtIn?.fromCrm(type) ?? type.toLowerCase()
  }
}
