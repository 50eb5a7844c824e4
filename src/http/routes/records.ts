import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { answer } from '../../contract/common.ts'
import { BODY, CRM_FAILED, KEYED, errorAnswers } from '../../contract/error-answers.ts'
import {
  CreateAnswer,
  CreateCompanies,
  CreateContacts,
  SyncAnswer,
  SyncCompanies,
  SyncContacts,
  UpdateAnswer,
  UpdateCompanies,
  UpdateContacts,
} from '../../contract/records.ts'
import { callOptions, security } from './request-context.ts'

/**
 * Contacts and companies: export (`POST`), sync (`POST …/sync`) and update (`PUT`). Each answers
 * 200 with one outcome per record (`results`, and `errors` beside them); a 5xx only when nothing
 * could be done because the CRM failed.
 */
const recordRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // A batch reports each record's failure in `errors`: only a request nothing could be done for fails.
  const failures = errorAnswers(...KEYED, ...BODY, 'BATCH_TOO_LARGE', 'NOT_SUPPORTED', ...CRM_FAILED)
  // An export whose records are all in doubt (an earlier create's answer was lost) is that 503.
  const exportFailures = errorAnswers(...KEYED, ...BODY, 'BATCH_TOO_LARGE', 'NOT_SUPPORTED', 'RECORD_IN_DOUBT', ...CRM_FAILED)
  const created = answer(CreateAnswer, 'One outcome per record: created or found in results, failed in errors')
  const synced = answer(SyncAnswer, 'The records the CRM holds, with their values; a record it does not hold is left out')
  const updated = answer(UpdateAnswer, 'One outcome per record, by crmId')

  app.post(
    '/contacts',
    {
      schema: {
        operationId: 'createContacts',
        summary: 'Create contacts (an export); one that exists already is answered with its crmId',
        body: CreateContacts,
        response: { 200: created, ...exportFailures },
        security,
      },
    },
    async (request) => request.services.contacts.create(request.tenant, request.body.contacts, callOptions(request)),
  )
  app.post(
    '/contacts/sync',
    {
      schema: {
        operationId: 'syncContacts',
        summary: 'Find which contacts the CRM holds: by externalId, e-mail, then LinkedIn URL',
        body: SyncContacts,
        response: { 200: synced, ...failures },
        security,
      },
    },
    async (request) => request.services.contacts.sync(request.tenant, request.body.contacts, callOptions(request)),
  )
  app.put(
    '/contacts',
    {
      schema: {
        operationId: 'updateContacts',
        summary: 'Change synced contacts by crmId, engagement fields included',
        body: UpdateContacts,
        response: { 200: updated, ...failures },
        security,
      },
    },
    async (request) => request.services.contacts.update(request.tenant, request.body.contacts, callOptions(request)),
  )
  app.post(
    '/companies',
    {
      schema: {
        operationId: 'createCompanies',
        summary: 'Create companies (an export); one that exists already is answered with its crmId',
        body: CreateCompanies,
        response: { 200: created, ...exportFailures },
        security,
      },
    },
    async (request) => request.services.companies.create(request.tenant, request.body.companies, callOptions(request)),
  )
  app.post(
    '/companies/sync',
    {
      schema: {
        operationId: 'syncCompanies',
        summary: 'Find which companies the CRM holds: by externalId, domain, LinkedIn URL, then name',
        body: SyncCompanies,
        response: { 200: synced, ...failures },
        security,
      },
    },
    async (request) => request.services.companies.sync(request.tenant, request.body.companies, callOptions(request)),
  )
  app.put(
    '/companies',
    {
      schema: {
        operationId: 'updateCompanies',
        summary: 'Change synced companies by crmId',
        body: UpdateCompanies,
        response: { 200: updated, ...failures },
        security,
      },
    },
    async (request) => request.services.companies.update(request.tenant, request.body.companies, callOptions(request)),
  )
}

export default recordRoutes
