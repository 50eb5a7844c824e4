import type { CallOptions, NativeTask, NativeTaskInput, TaskPort, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamRejectedError } from '../../src/kit/utils.ts'
import { completionTimes } from './completions.ts'
import type { ContactCalls } from './contacts.ts'
import { contactOnLead } from './elsewhere.ts'
import { closeIds } from './ids.ts'
import { Task, list } from './schemas.ts'
import { type CloseTask, fromTask, toTaskChanges } from './task-mapping.ts'
import { taskFeed } from './task-feed.ts'

export const TASKS = '/api/v1/task/'
export const TASK = '/api/v1/task/{id}/'
/**
 * Ids of one read or bulk update: `id__in` is bounded by the request line, not by Close (front
 * ends refuse lines past 8 KB; 100 ids of 48 characters are 4.9 KB). FACTS.md, "Pagination".
 */
const MAX_IDS = 100
export const TaskList = list(Task)

/** Where a new task goes: Close keeps every task on a lead (FACTS.md, "Tasks"). */
export interface TaskLeads {
  /** The lead holding tasks that name neither a contact nor a company, if the operator made one. */
  readonly holding?: string
  /**
   * The lead of a task naming `input`'s records: its company, else its contact's lead, read, or
   * with `recent` the one an answer of the last minutes showed it on (`recalled`), saving the read.
   */
  of(input: Pick<NativeTaskInput, 'contactId' | 'companyId'>, options: CallOptions, recent?: boolean): Promise<{ lead: string; recalled: boolean }>
}

export function taskLeads(contacts: ContactCalls, holding: string | undefined): TaskLeads {
  const lead = (id: string, recalled = false) => ({ lead: id, recalled })
  return {
    holding,
    async of({ contactId, companyId }, options, recent = false) {
      if (companyId !== undefined) return lead(companyId)
      if (contactId !== undefined) {
        const last = recent ? contacts.lastLead(contactId) : undefined
        if (last !== undefined) return lead(last, true)
        const contact = await contacts.get(contactId, options)
        if (!contact) throw new UpstreamRejectedError(`body/contactId: Close holds no contact ${contactId}`)
        return lead(contact.lead_id)
      }
      if (holding !== undefined) return lead(holding)
      throw new UpstreamRejectedError('body/contactId: Close keeps every task on a lead: name a contact or a company (or set the connection\'s taskLeadId)')
    },
  }
}

/**
 * Enginy tasks as Close lead tasks. Reads and completions take 100 ids a call (`id__in`), and a
 * completion is one bulk `PUT /task/?id__in=…` (whose answer holds no task) and one read back; a
 * read of tasks of which some are complete costs one more read, of their TaskCompleted activities
 * (`completions.ts`). A task stays on the lead and contact it was made with: an edit naming
 * another is refused, naming the field.
 */
export function createTasks(client: UpstreamClient, leads: TaskLeads): TaskPort {
  const answer = async (tasks: readonly CloseTask[], options: CallOptions): Promise<NativeTask[]> => {
    const times = await completionTimes(client, tasks, options)
    return tasks.map((task) => fromTask(task, times.get(task.id) ?? null, leads.holding))
  }
  const getOne = (id: string, options: CallOptions) => client.json({ method: 'GET', route: TASK, params: { id }, options }, Task, 'null')

  const port: TaskPort = {
    capabilities: { maxBatchRead: MAX_IDS, maxBatchUpdate: MAX_IDS, unsupportedFields: ['description', 'type'], fixedFields: ['contactId', 'companyId'] },
    isNativeId: closeIds('task'),

    async doCreate(input, options) {
      const create = async (recent: boolean): Promise<CloseTask> => {
        const { lead, recalled } = await leads.of(input, options, recent)
        const body = { lead_id: lead, ...(input.contactId !== undefined && { contact_id: input.contactId }), ...toTaskChanges(input) }
        return contactOnLead(() => client.json({ method: 'POST', route: TASKS, body, options }, Task), recalled ? () => create(false) : undefined)
      }
      return fromTask(await create(true), null, leads.holding)
    },

    async doGetMany(ids, options) {
      if (ids.length === 0) return []
      const found = await client.json({ method: 'GET', route: TASKS, query: { id__in: ids.join(','), _limit: String(MAX_IDS) }, options }, TaskList)
      return answer(
        found.data.filter((task) => ids.includes(task.id)),
        options,
      )
    },

    async doUpdate(id, patch, options) {
      const { contactId, companyId, ...rest } = patch
      if (contactId !== undefined || companyId !== undefined) {
        const current = await getOne(id, options)
        if (!current) return null
        const lead = current.lead_id === leads.holding ? undefined : current.lead_id
        if (companyId !== undefined && companyId !== lead) {
          throw new UpstreamRejectedError('body/companyId: a Close task stays on the lead it was made on: create a new task for another company')
        }
        if (contactId !== undefined && contactId !== current.contact_id) {
          throw new UpstreamRejectedError('body/contactId: a Close task stays with the contact it was made for: create a new task for another contact')
        }
      }
      const changes = toTaskChanges(rest)
      const task = Object.keys(changes).length === 0 ? await getOne(id, options) : await client.json({ method: 'PUT', route: TASK, params: { id }, body: changes, options }, Task, 'null')
      return task && (await answer([task], options))[0]!
    },

    async doCompleteMany(ids, completed, options) {
      if (ids.length === 0) return []
      // Always with `id__in`: without it, the bulk update changes every task its other filters match.
      await client.send({ method: 'PUT', route: TASKS, query: { id__in: ids.join(',') }, body: { is_complete: completed }, expect: [200], options })
      return port.doGetMany(ids, options)
    },

    changes: taskFeed(client, answer),
  }
  return port
}
