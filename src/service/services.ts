import type { CompanyFields, ContactFields } from '../kit/spec.ts'
import type { GatewayConfig } from '../config/types.ts'
import type { Remembered } from '../coordination/remembered.ts'
import { ActivityService } from './activity-service.ts'
import { AssociationService } from './association-service.ts'
import { COMPANIES, CONTACTS } from './record-fields.ts'
import { RecordService } from './record-service.ts'
import { TaskService } from './task-service.ts'

/** The services of one config in force: what the routes call. */
export interface Services {
  readonly tasks: TaskService
  readonly contacts: RecordService<ContactFields>
  readonly companies: RecordService<CompanyFields>
  readonly associations: AssociationService
  readonly activities: ActivityService
}

export function buildServices(config: GatewayConfig, remembered: Remembered): Services {
  const { maxBatchIds, maxBatchRecords } = config.limits
  return {
    tasks: new TaskService(maxBatchIds),
    contacts: new RecordService(CONTACTS, maxBatchRecords, remembered),
    companies: new RecordService(COMPANIES, maxBatchRecords, remembered),
    associations: new AssociationService(maxBatchRecords),
    activities: new ActivityService(remembered),
  }
}
