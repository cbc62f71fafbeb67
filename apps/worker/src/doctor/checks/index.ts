import type { DoctorCheck } from '../check';
import { cronJobsCheck } from './cronJobs';
import { cronRunsCheck } from './cronRuns';
import { edgeFunctionCheck } from './edgeFunction';
import { failedJobsCheck } from './failedJobs';
import { functionSecurityCheck } from './functionSecurity';
import { functionsCheck } from './functions';
import { grantsCheck } from './grants';
import { pgCronCheck } from './pgCron';
import { pausesCheck } from './pauses';
import { pgNetCheck } from './pgNet';
import { realtimeCheck } from './realtime';
import { rlsCheck } from './rls';
import { rolesCheck } from './roles';
import { schemaVersionCheck } from './schemaVersion';
import { stalledJobsCheck } from './stalledJobs';
import { workersCheck } from './workers';

/** Every check, in the order the report lists them: schema first, then scheduling, then the live queue. */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  schemaVersionCheck,
  functionsCheck,
  functionSecurityCheck,
  rlsCheck,
  rolesCheck,
  grantsCheck,
  pgCronCheck,
  cronJobsCheck,
  cronRunsCheck,
  pgNetCheck,
  edgeFunctionCheck,
  realtimeCheck,
  pausesCheck,
  stalledJobsCheck,
  failedJobsCheck,
  workersCheck,
];
