import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'

/**
 * Paths pino censors wherever they appear in a log line: the gateway's API keys and every
 * credential a connection may hold. Error messages are built without secrets in the first place
 * (`src/upstream/`); this is the second line.
 */
export const REDACTED_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-token"]',
  '*.headers.authorization',
  '*.headers["x-api-token"]',
  'apiKeys',
  '*.apiKeys',
  'linkTokens',
  '*.linkTokens',
  'accessToken',
  '*.accessToken',
  '*.*.accessToken',
  'apiToken',
  '*.apiToken',
  '*.*.apiToken',
  // Close's connection option: an organization's API key.
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'password',
  '*.password',
  'refreshToken',
  '*.refreshToken',
  '*.*.refreshToken',
  'clientSecret',
  '*.clientSecret',
  '*.*.clientSecret',
]

export function loggerOptions(level = process.env.LOG_LEVEL ?? 'info'): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }
}

export function createLogger(level?: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level))
}
