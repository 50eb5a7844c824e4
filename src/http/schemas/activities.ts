import { type Static, Type } from '@sinclair/typebox'

/** `occurredAt` takes the same forms as a task's `dueDate`, checked by the same format. */
const Moment = Type.String({
  format: 'enginy-datetime',
  maxLength: 64,
  description: 'when it happened: an ISO 8601 date-time (with an offset, or UTC without) or a date; returned in UTC. Default: now',
  examples: ['2025-03-02T09:15:00Z'],
})
const Ref = (description: string, example: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 256, description, examples: [example] }))

export const ActivityCreate = Type.Object(
  {
    type: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'EMAIL, LINKEDIN, LINKEDIN_CONNECTION or LINKEDIN_INMAIL (another kind is logged as the CRM default one)',
      examples: ['EMAIL'],
    }),
    direction: Type.Optional(
      Type.Union([Type.Literal('INBOUND'), Type.Literal('OUTBOUND')], { description: 'OUTBOUND from the team, INBOUND from the contact' }),
    ),
    subject: Type.Optional(Type.String({ maxLength: 1000, description: "Enginy's title of the message", examples: ['[2/4] [FROM Acme] Ana Ruiz'] })),
    body: Type.Optional(Type.String({ maxLength: 262_144, description: 'the message; e-mails may hold HTML' })),
    ownerId: Ref('the sending or owning user, an id from GET /users', 'hubspot.111'),
    occurredAt: Type.Optional(Moment),
    contactId: Ref("the contact's crmId", 'hubspot.1001'),
    companyId: Ref("the company's crmId", 'hubspot.2001'),
    metadata: Type.Optional(
      Type.Object(
        {
          messageId: Type.Optional(
            Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Integer()], {
              description: "Enginy's id of the message: the same message sent again is logged once",
              examples: ['m-88'],
            }),
          ),
        },
        { additionalProperties: true, description: 'extra data: messageId, sequenceIndex, sequenceMessageCount…' },
      ),
    ),
  },
  { additionalProperties: true, description: 'One message, email, InMail or connection request' },
)
export type ActivityCreate = Static<typeof ActivityCreate>

export const ActivityOut = Type.Object(
  {
    id: Type.String({ description: "the gateway's id of the activity", examples: ['hubspot.5001'] }),
    type: Type.String({ examples: ['EMAIL'] }),
    direction: Type.Optional(Type.String({ examples: ['INBOUND'] })),
    subject: Type.Optional(Type.String()),
    occurredAt: Type.String({ description: 'UTC', examples: ['2025-03-02T09:15:00Z'] }),
    ownerId: Type.Optional(Type.String()),
    contactId: Type.Optional(Type.String()),
    companyId: Type.Optional(Type.String()),
  },
  { description: 'The activity logged; 201 when new, 200 when the message had been logged before' },
)
export type ActivityOut = Static<typeof ActivityOut>
