import { builtinAdapters } from '../../adapters/index.ts'
import { describeRegistryConformance } from './registry.ts'

/** Every registered adapter, with the targets its folder declares; one without them fails. */
await describeRegistryConformance(builtinAdapters)
