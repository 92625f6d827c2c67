/**
 * A real headless Chromium for the browser tests (Debian's `chromium`, driven
 * by playwright-core). Where none is installed the suite skips with one line,
 * unless `CI` is set: then a missing browser is a failure.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium'

export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

/** `true` when the browser suite should run; logs the one-line reason when it skips. */
export const haveBrowser = (suite: string): boolean => {
  if (existsSync(CHROMIUM)) return true
  if (process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false') {
    throw new Error(
      `${suite}: no Chromium at ${CHROMIUM} and CI is set (.ci/run installs it: apt-get install -y chromium)`
    )
  }
  console.log(
    `${suite}: skipped, needs a browser: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`
  )
  return false
}

export const launch = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
