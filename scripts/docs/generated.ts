import { renderConfigurationDoc, renderEnvExample } from './configuration.js'
import { MONITORING_COMPONENT } from './monitoring-component.js'
import { renderProblemsDoc } from './problems.js'

/** Every generated file, by its path from the repository root. */
export const GENERATED_DOCS: Record<string, () => string> = {
  'docs/configuration.md': renderConfigurationDoc,
  '.env.example': renderEnvExample,
  'docs/problems.md': renderProblemsDoc,
  ...MONITORING_COMPONENT
}
