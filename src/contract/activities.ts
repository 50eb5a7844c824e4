import { type Static, Type } from '@sinclair/typebox'
import { DateInput, DateOutput } from './common.ts'
import { FREE_FORM_RULE } from './free-form.ts'

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
      Type.Union([Type.Literal('INBOUND'), Type.Literal('OUTBOUND')], { description: 'OUTBOUND from the team, INBOUND from the contact', examples: ['OUTBOUND'] }),
    ),
    subject: Type.Optional(Type.String({ maxLength: 1000, description: "Enginy's title of the message", examples: ['[2/4] [FROM Acme] Ana Ruiz'] })),
    body: Type.Optional(Type.String({ maxLength: 262_144, description: 'the message; e-mails may hold HTML', examples: ['<p>Hi Ana, shall we talk on Tuesday?</p>'] })),
    ownerId: Ref('the sending or owning user, an id from GET /users', 'hubspot.111'),
    occurredAt: Type.Optional(DateInput('when it happened (default: now)', '2025-03-02T10:15:00+01:00')),
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
        {
          additionalProperties: true,
          'x-free-form': true,
          description: `extra data: messageId, sequenceIndex, sequenceMessageCount…; each field is ${FREE_FORM_RULE}`,
          examples: [{ messageId: 'm-88', sequenceIndex: 2 }],
        },
      ),
    ),
  },
  { additionalProperties: true, description: 'One message, email, InMail or connection request' },
)
export type ActivityCreate = Static<typeof ActivityCreate>

export const ActivityOut = Type.Object(
  {
    id: Type.String({ description: "the gateway's id of the activity", examples: ['hubspot.5001'] }),
    type: Type.String({ description: 'the kind of message, as sent', examples: ['EMAIL'] }),
    direction: Type.Optional(Type.String({ description: 'INBOUND or OUTBOUND, as sent', examples: ['OUTBOUND'] })),
    subject: Type.Optional(Type.String({ description: "Enginy's title of the message", examples: ['[2/4] [FROM Acme] Ana Ruiz'] })),
    occurredAt: DateOutput('when it happened', '2025-03-02T09:15:00Z'),
    ownerId: Type.Optional(Type.String({ description: 'the sending or owning user', examples: ['hubspot.111'] })),
    contactId: Type.Optional(Type.String({ description: "the contact's crmId", examples: ['hubspot.1001'] })),
    companyId: Type.Optional(Type.String({ description: "the company's crmId", examples: ['hubspot.2001'] })),
  },
  { description: 'The activity logged' },
)
export type ActivityOut = Static<typeof ActivityOut>
