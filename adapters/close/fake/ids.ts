import { randomInt } from 'node:crypto'

/**
 * Close's object ids: a prefix naming the kind, `_`, then 43 letters and digits (a 256-bit random
 * number in base 62). Seen in recorded answers: `lead_`, `cont_`, `acti_`, `user_`, `orga_`
 * (airbytehq/airbyte, airbyte-integrations/connectors/source-close-com/integration_tests/
 * expected_records.jsonl), `task_` (nested-tech/closex, test/fixtures/vcr_cassettes/create_task.json)
 * `stat_` lead statuses (same Airbyte records) and `cf_` custom fields (developer.close.com/api/
 * resources/leads/create). Not every kind is that
 * long: pipelines are `pipe_` and 22 characters in the same Airbyte records. Event ids (`ev_`) were
 * not seen in any recording: the fake gives them the same form.
 */
export const PREFIX = {
  lead: 'lead',
  contact: 'cont',
  task: 'task',
  activity: 'acti',
  user: 'user',
  organization: 'orga',
  customField: 'cf',
  leadStatus: 'stat',
  event: 'ev',
} as const

type Prefix = (typeof PREFIX)[keyof typeof PREFIX]

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function newId(prefix: Prefix): string {
  let tail = ''
  for (let i = 0; i < 43; i++) tail += ALPHABET[randomInt(ALPHABET.length)]
  return `${prefix}_${tail}`
}
