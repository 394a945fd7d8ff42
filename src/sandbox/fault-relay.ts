import { AsyncLocalStorage } from 'node:async_hooks'
import type { FastifyInstance } from 'fastify'
import { ProblemError } from '../problems/problem-error.js'
import { isSandboxFault, SANDBOX_FAULT_HEADER, SANDBOX_FAULT_NAMES, type SandboxFaultName } from './requested-faults.js'

/**
 * Sandbox mode only: a request's X-Sandbox-Fault travels with everything the request starts (an
 * AsyncLocalStorage), and the WeChat Pay client sends it to the simulator on each attempt of that
 * call, which answers with the fault. Nothing else changes: the cache, single flight, the budget and
 * the breaker work as in production. Returns the headers for the client to add to its attempts.
 */
export function relayFaults (app: FastifyInstance): () => Record<string, string> | undefined {
  const requested = new AsyncLocalStorage<SandboxFaultName>()
  app.addHook('onRequest', (request, _reply, done) => {
    const value = request.headers[SANDBOX_FAULT_HEADER]
    if (value === undefined) {
      done()
      return
    }
    if (typeof value !== 'string' || !isSandboxFault(value)) {
      const reason = `must be one of ${SANDBOX_FAULT_NAMES.join(', ')}`
      done(new ProblemError('invalid-request', `X-Sandbox-Fault ${reason}`, {}, {
        invalid_params: [{ name: 'X-Sandbox-Fault', in: 'header', reason }]
      }))
      return
    }
    // The rest of the request's hooks and its handler run inside `done`, and so within the store.
    requested.run(value, done)
  })
  return () => {
    const fault = requested.getStore()
    return fault === undefined ? undefined : { [SANDBOX_FAULT_HEADER]: fault }
  }
}
