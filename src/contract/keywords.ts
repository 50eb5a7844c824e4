import { isDueDate } from './dates.ts'
import { freeFormProblem } from './free-form.ts'

/**
 * The schema keywords of the gateway, for the Ajv instance Fastify validates requests with.
 * `x-` names, because OpenAPI 3.0 allows only those beside its own, and the document shows them.
 *
 * - `x-iso-8601`: a date (`dates.ts`). A keyword rather than a format, so that the 400 says the
 *   rule in words (`body/dueDate must be an ISO 8601 date or date-time`), not a format's name.
 * - `x-limit`: the `limits` key that caps an array. It only marks the array: the cap is checked
 *   by the service, since a reload may change it, and the document shows the one in force.
 * - `x-free-form`: an open object whose fields beyond its `properties` are free-form, held to the
 *   bounds of `free-form.ts`; the 400 names the field (`body/contacts/0/notes must nest at most
 *   32 levels`). A keyword, not a recursive schema: Ajv would recurse as deep as the value does.
 */
export const DATE_MESSAGE = 'must be an ISO 8601 date or date-time'

export type LimitKey = 'maxBatchIds' | 'maxBatchRecords'

/** A keyword's check as Ajv calls it, with the errors it found on itself, as Ajv reads them. */
interface FreeFormCheck {
  (object: Record<string, unknown>, context: { instancePath: string }): boolean
  errors?: readonly object[]
}

/** The part of Ajv used here: Ajv is Fastify's dependency, not the gateway's. */
interface KeywordHost {
  addKeyword(definition: unknown): unknown
}

export function gatewayKeywords<A extends KeywordHost>(ajv: A): A {
  ajv.addKeyword({
    keyword: 'x-iso-8601',
    type: 'string',
    schemaType: 'boolean',
    errors: false,
    error: { message: DATE_MESSAGE },
    validate: (on: boolean, text: string) => !on || isDueDate(text),
  })
  ajv.addKeyword({ keyword: 'x-limit', schemaType: 'string' })
  ajv.addKeyword({
    keyword: 'x-free-form',
    type: 'object',
    schemaType: 'boolean',
    compile: (on: boolean, parentSchema: { properties?: object }) => {
      const known = new Set(Object.keys(parentSchema.properties ?? {}))
      const check: FreeFormCheck = (object, context) => {
        const problem = on ? freeFormProblem(object, known) : undefined
        check.errors = problem && [{ keyword: 'x-free-form', instancePath: `${context.instancePath}${problem.path}`, message: problem.message, params: {} }]
        return problem === undefined
      }
      return check
    },
  })
  return ajv
}
