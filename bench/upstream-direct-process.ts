/**
 * (u) in a process of its own, so the bench can pin it to the CPU the service's upstream calls run
 * on during (d), not to the load generator's, which the simulator uses: there its signing would
 * slow the simulator down and flatter the service. Prints the figure as JSON.
 * argv: <credentials.json> <certificate file> <callers> <seconds> <appid prefix> <appid count>
 */
import { readFileSync } from 'node:fs'
import { measureUpstreamDirect, type UpstreamCredentials } from './upstream-direct.js'

const [credentialsFile, certFile, callers, seconds, prefix, count] = process.argv.slice(2)
if (credentialsFile === undefined || certFile === undefined || callers === undefined || seconds === undefined ||
  prefix === undefined || count === undefined) {
  throw new Error('usage: upstream-direct-process <credentials.json> <certificate file> <callers> <seconds> <appid prefix> <appid count>')
}
const figure = await measureUpstreamDirect({
  credentials: JSON.parse(readFileSync(credentialsFile, 'utf8')) as UpstreamCredentials,
  ca: readFileSync(certFile),
  appids: Array.from({ length: Number(count) }, (_, i) => `${prefix}${i}`),
  callers: Number(callers),
  seconds: Number(seconds)
})
process.stdout.write(`${JSON.stringify(figure)}\n`)
