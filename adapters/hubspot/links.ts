import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { AccountDetails } from './answers.ts'
import type { RecordKind } from './record-mapping.ts'
import type { Routes } from './routes.ts'

/** HubSpot's object type ids in record URLs: 0-1 contacts, 0-2 companies. */
const OBJECT_TYPE_ID: Record<RecordKind, string> = { contacts: '0-1', companies: '0-2' }
/** The UI's host: `app.hubspot.com`, or a data-hosting region's (`app-eu1.hubspot.com`). */
const UI_DOMAIN = /^app(-[a-z0-9]{1,16})?\.hubspot\.com$/

interface Portal {
  readonly portalId: number
  readonly uiDomain: string
}

/**
 * A record's page in HubSpot's UI, `https://app.hubspot.com/contacts/<portalId>/record/0-1/<id>`.
 * The portal comes from the connection's `portalId` option, else from the account-info API
 * (`GET /account-info/2026-09/details`), read by `learn`, which the core calls outside any request
 * (`doLearnLinks`); until it has answered there is no link. Building a link never calls HubSpot.
 */
export class PortalLinks {
  private portal: Portal | undefined

  constructor(
    private readonly client: UpstreamClient,
    private readonly route: Routes,
    portalId: number | undefined,
  ) {
    if (portalId !== undefined) this.portal = { portalId, uiDomain: 'app.hubspot.com' }
  }

  recordUrl(kind: RecordKind, id: string): string | undefined {
    if (!this.portal) return undefined
    const { portalId, uiDomain } = this.portal
    return `https://${uiDomain}/contacts/${portalId}/record/${OBJECT_TYPE_ID[kind]}/${encodeURIComponent(id)}`
  }

  async learn(options: CallOptions): Promise<void> {
    const details = await this.client.json({ method: 'GET', route: this.route.accountDetails, expect: [200], options }, AccountDetails)
    this.portal = {
      portalId: details.portalId,
      uiDomain: details.uiDomain !== undefined && UI_DOMAIN.test(details.uiDomain) ? details.uiDomain : 'app.hubspot.com',
    }
  }
}
