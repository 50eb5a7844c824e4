/**
 * A lead's page in Close's app, `https://app.close.com/lead/<lead id>/` (the `html_url` of every
 * lead: FACTS.md, "Users and links"), built from the id with no call. A contact's own page address
 * was not found, and its lead cannot be known without a call: contacts have no link.
 */
export const leadLink = (id: string) => `https://app.close.com/lead/${encodeURIComponent(id)}/`
