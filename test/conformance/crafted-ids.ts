/**
 * Native ids an attacker holding an API key can put inside a gateway id (`conn~<base64url>`
 * decodes to any string): path traversal, query and fragment injection, whitespace, control
 * characters, look-alike digits, non-canonical numbers and numbers past what JSON holds exactly.
 * Each must be "not found" and must never make the gateway call anything but a task operation.
 */
export const CRAFTED_NATIVE_IDS: readonly string[] = [
  '.',
  '..',
  '../../contacts/501',
  '..%2F..%2Fcontacts%2F501',
  '%2e%2e',
  '%2E%2E/%2e%2e/owners',
  '..\\..\\contacts\\501',
  '\\..\\..',
  '501/../../../crm/v3/owners',
  '1/associations/contacts/501',
  '/1',
  '1/',
  '1?archived=true',
  '1%3Farchived%3Dtrue',
  '1#fragment',
  '1 2',
  ' 1',
  '1\t',
  '1\n',
  '1\r\nX-Injected: 1',
  '\u0000',
  '1\u0000',
  '\u202e1',
  '１２３',
  '12a',
  '-1',
  '0',
  '00123',
  '1e3',
  '1.0',
  '+1',
  '1,2',
  '9007199254740993',
  '99999999999999999999999',
]
