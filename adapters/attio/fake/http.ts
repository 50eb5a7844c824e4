/** The test kit's fake-CRM server helper, imported in this one file: the rest of the Attio fake imports it from here. */
export { HttpFake, type SeenRequest, type Step } from '../../../src/kit/testing.ts'
