/**
 * The shared fake-CRM helpers this fake stands on, imported here only: when they move to a test
 * kit, this is the one file that changes.
 */
export { HttpFake, type SeenRequest, type Step } from '../../../test/fakes/http-fake.ts'
export { loseFirstCreate } from '../../../test/fakes/lost-answers.ts'
