import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * The headless browser for the `/docs` check: the one `CHROMIUM` names (then the check must run:
 * `.ci/run` sets it, so a browser that went missing fails CI instead of skipping), else Debian's
 * or Ubuntu's package found on `PATH`.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM) return env.CHROMIUM
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (dir && existsSync(join(dir, name))) return join(dir, name)
    }
  }
  return undefined
}

export const NO_CHROMIUM =
  'no Chromium found: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM to a Chromium or Chrome binary'
