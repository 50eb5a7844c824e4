/**
 * The shared fake-CRM server helper, imported here once: the rest of the Attio fake imports it
 * from this file, so moving the helper to a test-kit module touches one line.
 */
export { HttpFake, type SeenRequest, type Step } from '../../../test/fakes/http-fake.ts'
