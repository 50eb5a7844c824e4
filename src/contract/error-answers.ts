import { STATUS_CODES } from 'node:http'
import { type TObject, Type } from '@sinclair/typebox'
import { ERROR_DOCS, type ErrorCode, type ErrorDoc } from '../errors.ts'
import { ErrorFields } from './common.ts'

// Header schemas reach the document as they are: `example`, OpenAPI 3.0's word, not `examples`.
const HEADERS: Readonly<Record<NonNullable<ErrorDoc['header']>, object>> = {
  'retry-after': { type: 'integer', description: 'seconds to wait before trying again', example: 10 },
  'www-authenticate': { type: 'string', description: 'how to authenticate: the header the API key goes in', example: 'ApiKey header="X-API-Key"' },
}

/** Every route of Enginy's interface: the key is checked first, and a bug can happen anywhere. */
export const KEYED: readonly ErrorCode[] = ['UNAUTHORIZED', 'AUTH_THROTTLED', 'INTERNAL']
/** A route that takes a JSON body. */
export const BODY: readonly ErrorCode[] = ['BAD_REQUEST', 'UNSUPPORTED_MEDIA_TYPE', 'BODY_TOO_LARGE']
/** A route that calls the CRM and answers its failure when nothing could be done without it. */
export const CRM_FAILED: readonly ErrorCode[] = [
  'UPSTREAM_AUTH',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BAD_RESPONSE',
  'UPSTREAM_UNEXPECTED_STATUS',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_CIRCUIT_OPEN',
  'UPSTREAM_TIMEOUT',
]

/**
 * The error answers of a route, one per status its `codes` have: the one error body, its `code`
 * limited to those codes, and a description that lists them with when each comes.
 */
export function errorAnswers(...codes: readonly ErrorCode[]): Record<number, TObject> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of new Set(codes)) {
    const { status } = ERROR_DOCS[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const answers: Record<number, TObject> = {}
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const first = ERROR_DOCS[group[0]!]
    const name = STATUS_CODES[status]!
    answers[status] = Type.Object(
      {
        statusCode: Type.Integer({ ...ErrorFields.statusCode, examples: [status] }),
        error: Type.String({ ...ErrorFields.error, examples: [name] }),
        message: Type.String({ ...ErrorFields.message, examples: [first.message] }),
        code: Type.String({ ...ErrorFields.code, enum: group, examples: [group[0]] }),
      },
      {
        description: `${name}:\n\n${group.map((code) => `- \`${code}\`: ${ERROR_DOCS[code].when}`).join('\n')}`,
        ...headersOf(group),
      },
    )
  }
  return answers
}

function headersOf(codes: readonly ErrorCode[]): { headers?: Partial<typeof HEADERS> } {
  const names = [...new Set(codes.flatMap((code) => ERROR_DOCS[code].header ?? []))]
  return names.length === 0 ? {} : { headers: Object.fromEntries(names.map((name) => [name, HEADERS[name]])) }
}
