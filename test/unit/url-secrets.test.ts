import { describe, expect, it } from 'vitest'
import { maskUrlCredentials, redactQuery } from '../../src/secrets.ts'

describe('URLs in what the gateway prints and logs', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/crm', 'postgres://app:****@db:5432/crm'],
    ['redis://:s3cret@cache:6379', 'redis://:****@cache:6379'],
    ['https://ghp_token123@git.example.com/x', 'https://****@git.example.com/x'],
    ['postgres://app:p@ss@db/crm', 'postgres://app:****@db/crm'],
    ['{"a":"postgres://u:one@h1/d","b":"rediss://u:two@h2"}', '{"a":"postgres://u:****@h1/d","b":"rediss://u:****@h2"}'],
    ['https://api.pipedrive.com/v1?x=a@b', 'https://api.pipedrive.com/v1?x=a@b'],
    ['mail ana@acme.io', 'mail ana@acme.io'],
  ])('masks the credentials of %s', (text, masked) => {
    expect(maskUrlCredentials(text)).toBe(masked)
  })

  it.each([
    ['/tasks/local.abc', '/tasks/local.abc'],
    ['/tasks?api_key=k1&limit=5', '/tasks?api_key=[redacted]&limit=[redacted]'],
    ['/tasks?bare-token&&a=', '/tasks?[redacted]&&a=[redacted]'],
    ['/tasks?', '/tasks?'],
  ])('keeps the path of %s and none of its query values', (url, logged) => {
    expect(redactQuery(url)).toBe(logged)
  })
})
