import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PipedriveFake } from './fake/pipedrive.ts'
import { type PipedriveGateway, pipedriveGateway } from './fake/gateway.ts'

describe('pipedrive activities: Enginy messages as done activities', () => {
  let fake: PipedriveFake
  let gw: PipedriveGateway
  beforeAll(async () => {
    fake = await PipedriveFake.start()
    gw = await pipedriveGateway(fake, { activityTypes: { LINKEDIN: 'linkedin', LINKEDIN_INMAIL: 'lunch' } })
  })
  afterEach(() => {
    expect(fake.violations, 'requests Pipedrive would refuse').toEqual([])
  })
  afterAll(async () => {
    await gw.close()
    await fake.close()
  })

  const log = async (body: Record<string, unknown>, status = 201) => {
    const res = await gw.send('POST', '/activities', body)
    expect(res.statusCode, res.body).toBe(status)
    return res.json() as { id: string; contactId?: string; companyId?: string; occurredAt: string }
  }
  const stored = (id: string) => fake.activities.get(Number(id.split('.')[1]))!

  it('logs an e-mail as a done activity of type email at occurredAt, the person as primary participant, the organization, the message as escaped text', async () => {
    fake.resetCounts()
    const activity = await log({
      type: 'EMAIL',
      direction: 'OUTBOUND',
      subject: '[1/3] Hello',
      body: '<p>Hi Ana, 5 &lt; 6 &amp; <b>bold</b></p><p>Bye</p>',
      occurredAt: '2025-03-02T10:15:30+01:00',
      ownerId: '1002',
      contactId: 'pipedrive.31',
      companyId: 'pipedrive.41',
    })
    const sent = fake.http.requests.find((r) => r.method === 'POST')!.body as Record<string, unknown>
    expect(sent).not.toHaveProperty('person_id')
    expect(stored(activity.id)).toMatchObject({
      subject: '[1/3] Hello',
      type: 'email',
      done: true,
      due_date: '2025-03-02',
      due_time: '09:15:30',
      note: 'Hi Ana, 5 &lt; 6 &amp; bold<br>Bye',
      owner_id: 1002,
      participants: [{ person_id: 31, primary: true }],
      person_id: 31,
      org_id: 41,
    })
    expect(activity).toMatchObject({ occurredAt: '2025-03-02T09:15:30Z', contactId: 'pipedrive.31', companyId: 'pipedrive.41' })
  })

  it('escapes a plain-text message as a task description is', async () => {
    const activity = await log({ type: 'LINKEDIN', body: 'Is 5 < 6? "Yes" & more\nsecond line' })
    expect(stored(activity.id).note).toBe('Is 5 &lt; 6? &quot;Yes&quot; &amp; more<br>second line')
  })

  it("uses the type the connection names for a LinkedIn kind, task where it names none, and task with a warning for a type the account lacks", async () => {
    expect(stored((await log({ type: 'LINKEDIN' })).id)).toMatchObject({ type: 'linkedin', subject: 'LinkedIn message' })
    expect(stored((await log({ type: 'LINKEDIN_CONNECTION' })).id).type).toBe('task')
    gw.warnings()
    expect(stored((await log({ type: 'LINKEDIN_INMAIL' })).id).type).toBe('task')
    expect(gw.warnings()).toContainEqual(expect.objectContaining({ type: 'unsupported', field: 'type' }))
  })

  it('logs the same metadata.messageId once: the second answers the first activity, 200, without a call', async () => {
    const first = await log({ type: 'EMAIL', subject: 'once', metadata: { messageId: 'msg-42' } })
    fake.resetCounts()
    const again = await log({ type: 'EMAIL', subject: 'once', metadata: { messageId: 'msg-42' } }, 200)
    expect(again.id).toBe(first.id)
    expect(fake.http.count('POST', '/api/v2/activities')).toBe(0)
  })

  it('refuses a contactId that is not a Pipedrive person id, naming the field, and sends nothing', async () => {
    fake.resetCounts()
    const res = await gw.send('POST', '/activities', { type: 'EMAIL', contactId: 'ana@example.com' })
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', message: 'body/contactId names no contact of connection "pipedrive"' })
    expect(fake.http.count('POST', '/api/v2/activities')).toBe(0)
  })
})
