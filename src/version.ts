import { readFileSync } from 'node:fs'

// One level up from both src/ (tests) and dist/ (production) is the package root.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string, version: string }

export const SERVICE_NAME = pkg.name
export const SERVICE_VERSION = pkg.version

/** Names the service, its version and Node's, as WeChat Pay requires a User-Agent (docs/wechatpay-protocol.md §1.5). */
export const USER_AGENT = `${SERVICE_NAME}/${SERVICE_VERSION} (${process.platform}; ${process.arch}) node/${process.versions.node}`
