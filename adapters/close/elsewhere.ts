import { UpstreamRejectedError } from '../../src/kit/utils.ts'

/**
 * Close's refusal of a contact that is not on the lead a task or an activity is written to
 * (`{"field-errors": {"contact": "Object does not exist."}}`), said as what it is: the contact is
 * on another company. Any other error passes as it came.
 */
export async function contactOnLead<T>(write: () => Promise<T>, recalled?: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (error instanceof UpstreamRejectedError && /\bcontact\b[^;]*does not exist/i.test(error.message)) {
      // The lead was the one an earlier answer showed the contact on, and it has moved since:
      // Close refused the write, so it is sent once more, to the lead the contact is on now.
      if (recalled) return recalled()
      throw new UpstreamRejectedError('body/contactId: the contact is not on the company named: in Close a contact belongs to one lead, associate it first')
    }
    throw error
  }
}
