import { UpstreamRejectedError } from '../../src/kit/utils.ts'

/** A task's `content`: plain text of at most 2,000 characters (`PostV2TasksData` in Attio's
 * OpenAPI file), and nothing else holds text: the subject, then a blank line, then the
 * description. */
export const MAX_CONTENT = 2000
const SEPARATOR = '\n\n'

export function taskContent(subject: string, description: string | undefined): string {
  const content = description ? `${subject}${SEPARATOR}${description}` : subject
  if (content.length > MAX_CONTENT) {
    throw new UpstreamRejectedError(
      `body/description: Attio keeps a task's subject and description in one text of at most ${MAX_CONTENT} characters; these make ${content.length}`,
    )
  }
  return content
}

/** The subject and description a content holds: the first line before a blank one is the subject
 * (a subject that holds a blank line itself reads back cut there). */
export function fromContent(content: string): { subject: string; description?: string } {
  const at = content.indexOf(SEPARATOR)
  if (at < 0) return { subject: content }
  return { subject: content.slice(0, at), description: content.slice(at + SEPARATOR.length) }
}
