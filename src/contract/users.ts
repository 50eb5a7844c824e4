import { Type } from '@sinclair/typebox'

export const UserList = Type.Array(
  Type.Object(
    {
      id: Type.String({ description: 'send it back as ownerId', examples: ['hubspot.111'] }),
      name: Type.String({ description: 'the name shown to users', examples: ['Ana Ruiz'] }),
      email: Type.Optional(Type.String({ description: 'their e-mail address, where the CRM has one', examples: ['ana@acme.io'] })),
    },
    { description: 'a user records can be assigned to' },
  ),
  { description: 'The people records can be assigned to' },
)

export const HealthAnswer = Type.Object(
  { status: Type.Literal('ok', { description: 'the key works and the gateway is serving', examples: ['ok'] }) },
  { description: 'The key works' },
)
