/** The test kit's fake-CRM helpers this fake stands on, imported in this one file. */
export { HttpFake, type SeenRequest, type Step, loseFirstCreate } from '../../../src/kit/testing.ts'
