import { UpstreamRejectedError } from '../../src/kit/utils.ts'

/**
 * Close's refusal of a contact that is not on the lead a task or an activity is written to
 * (`{"field-errors": {"contact": "Object does not exist."}}`), said as what it is: the contact is
 * on another company. Any other error passes as it came.
 */
export async function contactOnLead<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (error instanceof UpstreamRejectedError && /\bcontact\b[^;]*does not exist/i.test(error.message)) {
      throw new UpstreamRejectedError('body/contactId: the contact is not on the company named: in Close a contact belongs to one lead, associate it first')
    }
    throw error
  }
}
