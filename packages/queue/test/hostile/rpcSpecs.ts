import fc from 'fast-check';
import { anon, service, type Actor } from '../support/harness';
import { ADA, ADA_WORKER, ADMIN, ATHENS, BORIS, MOSCOW, NODE_WORKER, PDF_BASE64, SUMMIT, type World } from './fixtures';

type Args = Record<string, unknown>;

/** How to fuzz one RPC: a well-formed value per parameter, who calls, and one call that must succeed. */
export interface RpcSpec {
  fn: string;
  /** Well-formed values per parameter; the fuzzer mixes them with hostile ones and omissions. */
  params: Record<string, fc.Arbitrary<unknown>>;
  /** Callers to draw from. */
  actors: Actor[];
  /** A call that must resolve on a fresh world: proves the valid values are valid. */
  example: [Actor, Args];
}

const USERS: Actor[] = [ADA, BORIS, ADMIN, service, anon];
const ADMINS: Actor[] = [ADMIN, service, ADA];

const JOB_TYPES = ['fuzz.run', 'fuzz.wait', 'certificate', 'email.send', 'a', 'x:y-z_0'];
const STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'];
const STATES = [...STATUSES, 'scheduled'];

export function rpcSpecs(w: World): RpcSpec[] {
  const jobId = fc.constantFrom(...w.allJobIds, '5b0e8a3e-6f6e-4b7a-9a53-1f4f3e6f0b21');
  const jobIds = fc.array(jobId, { maxLength: 4 });
  const jobType = fc.constantFrom(...JOB_TYPES);
  const jobTypes = fc.array(jobType, { maxLength: 3 });
  const workerId = fc.constantFrom(ADA_WORKER, NODE_WORKER, 'boris-tab', 'w');
  const statuses = fc.subarray(STATUSES);
  const states = fc.subarray(STATES);
  const userId = fc.constantFrom(ADA.id, BORIS.id);
  const certificateId = fc.constantFrom(w.issuedCertificateId, '5b0e8a3e-6f6e-4b7a-9a53-1f4f3e6f0b21');
  const smallInt = (min: number, max: number) => fc.integer({ min, max });
  const json = fc.jsonValue({ maxDepth: 3 });
  const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 4 });
  const timestamp = fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString());
  const interval = fc.constantFrom('0 seconds', '1 minute', '7 days', '1 hour', '30 seconds');
  const errorText = fc.string({ maxLength: 50 });
  const filters = { p_job_ids: jobIds, p_statuses: states, p_job_type: jobType, p_user_id: userId, p_error_contains: errorText };
  const adminBulk = (fn: string): RpcSpec => ({
    fn,
    params: filters,
    actors: ADMINS,
    example: [ADMIN, { p_job_ids: w.allJobIds }],
  });

  return [
    {
      fn: 'enqueue_job',
      params: {
        p_job_type: jobType,
        p_payload: jsonObject,
        p_priority: smallInt(1, 10),
        p_run_at: timestamp,
        p_max_attempts: smallInt(1, 25),
        p_job_key: fc.string({ minLength: 1, maxLength: 20 }),
      },
      actors: USERS,
      example: [ADA, { p_job_type: 'fuzz.new', p_payload: { n: 1 }, p_priority: 2, p_job_key: 'new' }],
    },
    {
      fn: 'enqueue_jobs',
      params: {
        p_jobs: fc.array(
          fc.record(
            { job_type: jobType, payload: jsonObject, priority: smallInt(1, 10), max_attempts: smallInt(1, 25), job_key: fc.string({ minLength: 1, maxLength: 9 }) },
            { requiredKeys: ['job_type'] },
          ),
          { maxLength: 4 },
        ),
      },
      actors: USERS,
      example: [ADA, { p_jobs: [{ job_type: 'fuzz.bulk' }, { job_type: 'fuzz.bulk', priority: 3 }] }],
    },
    {
      fn: 'claim_jobs',
      params: { p_worker_id: workerId, p_limit: smallInt(1, 1000), p_job_types: jobTypes, p_lease_seconds: smallInt(1, 86_400) },
      actors: USERS,
      example: [ADA, { p_worker_id: 'ada-tab-2', p_limit: 5 }],
    },
    {
      fn: 'get_next_job',
      params: { p_worker_id: workerId, p_job_types: jobTypes, p_lease_seconds: smallInt(1, 86_400) },
      actors: USERS,
      example: [BORIS, { p_worker_id: 'boris-tab' }],
    },
    {
      fn: 'heartbeat_job',
      params: {
        p_job_id: jobId,
        p_worker_id: workerId,
        p_progress: smallInt(0, 100),
        p_lease_seconds: smallInt(1, 86_400),
        p_progress_message: fc.string({ maxLength: 210 }),
      },
      actors: USERS,
      example: [ADA, { p_job_id: w.processing, p_worker_id: ADA_WORKER, p_progress: 50 }],
    },
    {
      fn: 'complete_job',
      params: { p_job_id: jobId, p_worker_id: workerId, p_result: json },
      actors: USERS,
      example: [ADA, { p_job_id: w.processing, p_worker_id: ADA_WORKER, p_result: { done: true } }],
    },
    {
      fn: 'complete_jobs',
      params: { p_job_ids: jobIds, p_worker_id: workerId, p_results: fc.array(json, { maxLength: 4 }) },
      actors: USERS,
      example: [service, { p_job_ids: [w.serviceLeased], p_worker_id: NODE_WORKER }],
    },
    {
      fn: 'fail_job',
      params: { p_job_id: jobId, p_worker_id: workerId, p_error: errorText, p_retryable: fc.boolean() },
      actors: USERS,
      example: [ADA, { p_job_id: w.processing, p_worker_id: ADA_WORKER, p_error: 'boom' }],
    },
    {
      fn: 'fail_jobs',
      params: {
        p_job_ids: jobIds,
        p_worker_id: workerId,
        p_errors: fc.array(errorText, { maxLength: 4 }),
        p_retryable: fc.array(fc.boolean(), { maxLength: 4 }),
      },
      actors: USERS,
      example: [service, { p_job_ids: [w.serviceLeased], p_worker_id: NODE_WORKER, p_errors: ['boom'] }],
    },
    {
      fn: 'release_jobs',
      params: { p_job_ids: jobIds, p_worker_id: workerId },
      actors: USERS,
      example: [ADA, { p_job_ids: [w.processing], p_worker_id: ADA_WORKER }],
    },
    { fn: 'cancel_job', params: { p_job_id: jobId }, actors: USERS, example: [ADA, { p_job_id: w.pending }] },
    { fn: 'retry_job', params: { p_job_id: jobId }, actors: USERS, example: [ADA, { p_job_id: w.failed }] },
    { fn: 'delete_job', params: { p_job_id: jobId }, actors: USERS, example: [ADA, { p_job_id: w.completed }] },
    { fn: 'get_job', params: { p_job_id: jobId }, actors: USERS, example: [ADA, { p_job_id: w.pending }] },
    {
      fn: 'list_jobs',
      params: {
        p_statuses: statuses,
        p_job_type: jobType,
        p_limit: smallInt(1, 500),
        p_before: timestamp,
        p_before_id: jobId,
      },
      actors: USERS,
      example: [ADA, { p_statuses: ['pending'], p_limit: 10 }],
    },
    { fn: 'queue_stats', params: {}, actors: USERS, example: [ADA, {}] },
    { fn: 'queue_health', params: {}, actors: USERS, example: [ADMIN, {}] },
    { fn: 'next_run_at', params: { p_job_types: jobTypes }, actors: USERS, example: [ADA, {}] },
    { fn: 'is_queue_admin', params: {}, actors: USERS, example: [anon, {}] },
    { fn: 'pause_queue', params: { p_job_type: jobType }, actors: ADMINS, example: [ADMIN, { p_job_type: 'fuzz.run' }] },
    { fn: 'resume_queue', params: { p_job_type: jobType }, actors: ADMINS, example: [ADMIN, {}] },
    // Job-type policies (0018): only on a type of their own, so no other function's fuzzing meets them.
    {
      fn: 'set_job_type_settings',
      params: {
        p_job_type: fc.constantFrom('fuzz.policy', 'fuzz.policy-2'),
        p_settings: fc.record(
          {
            user_enqueue: fc.option(fc.boolean()),
            user_priority_floor: fc.option(smallInt(0, 11)),
            rate_limit_per_minute: fc.option(smallInt(0, 1000)),
            timeout_seconds: fc.option(smallInt(0, 90_000)),
            backoff: fc.option(
              fc.record(
                {
                  kind: fc.constantFrom('exponential', 'fixed', 'linear'),
                  base_seconds: fc.double({ min: -1, max: 100_000, noNaN: true }),
                  cap_seconds: fc.double({ min: -1, max: 700_000, noNaN: true }),
                  jitter: fc.double({ min: -0.5, max: 1.5, noNaN: true }),
                },
                { requiredKeys: [] },
              ),
            ),
            default_max_attempts: fc.option(smallInt(0, 26)),
            keep_completed: fc.option(fc.oneof(interval, fc.integer({ min: -10, max: 10_000_000 }))),
            keep_failed: fc.option(fc.oneof(interval, fc.integer({ min: -10, max: 10_000_000 }))),
            server_fallback_after_seconds: fc.option(smallInt(-1, 90_000)),
          },
          { requiredKeys: [] },
        ),
      },
      actors: ADMINS,
      example: [ADMIN, { p_job_type: 'fuzz.policy', p_settings: { timeout_seconds: 30, backoff: { kind: 'fixed' } } }],
    },
    { fn: 'get_job_type_settings', params: {}, actors: USERS, example: [ADA, {}] },
    { fn: 'list_queue_pauses', params: {}, actors: USERS, example: [ADA, {}] },
    { fn: 'requeue_stalled', params: {}, actors: ADMINS, example: [service, {}] },
    { fn: 'cleanup_jobs', params: { p_older_than: interval }, actors: ADMINS, example: [ADMIN, { p_older_than: '1 day' }] },
    {
      fn: 'run_maintenance',
      params: { p_cleanup_older_than: interval, p_requeue_every: interval, p_cleanup_every: interval },
      actors: ADMINS,
      example: [service, {}],
    },
    { fn: 'maintenance_mode', params: {}, actors: ADMINS, example: [ADMIN, {}] },
    {
      fn: 'admin_list_jobs',
      params: {
        p_statuses: states,
        p_job_type: jobType,
        p_user_id: userId,
        p_error_contains: errorText,
        p_limit: smallInt(1, 500),
        p_before: timestamp,
        p_before_id: jobId,
      },
      actors: ADMINS,
      example: [ADMIN, { p_statuses: ['failed'], p_error_contains: 'boo' }],
    },
    {
      fn: 'queue_throughput',
      params: {
        p_since: fc.integer({ min: 0, max: 3_600_000 }).map((ms) => new Date(Date.now() - ms).toISOString()),
        p_bucket: fc.constantFrom('1 minute', '5 minutes', '1 hour'),
      },
      actors: ADMINS,
      example: [ADMIN, {}],
    },
    adminBulk('retry_jobs'),
    adminBulk('cancel_jobs'),
    adminBulk('delete_jobs'),
    adminBulk('promote_jobs'),
    { fn: 'promote_job', params: { p_job_id: jobId }, actors: ADMINS, example: [ADMIN, { p_job_id: w.scheduled }] },
    {
      fn: 'request_certificate',
      params: { p_event_id: fc.constantFrom(SUMMIT, ATHENS, MOSCOW, '10000000-0000-4000-8000-0000000000ff') },
      actors: USERS,
      example: [ADA, { p_event_id: ATHENS }],
    },
    {
      fn: 'save_certificate',
      params: { p_job_id: fc.constantFrom(w.certificateJob, w.processing), p_worker_id: workerId, p_pdf_base64: fc.constant(PDF_BASE64) },
      actors: USERS,
      example: [ADA, { p_job_id: w.certificateJob, p_worker_id: ADA_WORKER, p_pdf_base64: PDF_BASE64 }],
    },
    {
      fn: 'verify_certificate',
      params: { p_serial: fc.constantFrom(w.issuedSerial, w.issuedSerial.toLowerCase(), 'TSR-2026-000999'), p_verification_code: fc.constantFrom(w.issuedCode, 'AAAA-AAAA') },
      actors: USERS,
      example: [anon, { p_serial: w.issuedSerial, p_verification_code: w.issuedCode }],
    },
    {
      fn: 'worker_heartbeat',
      params: {
        p_worker_id: workerId,
        p_kind: fc.constantFrom('browser', 'node', 'edge'),
        p_version: fc.string({ minLength: 1, maxLength: 20 }),
        p_running: smallInt(0, 10_000),
        p_processed: fc.integer({ min: 0 }),
        p_failed: fc.integer({ min: 0 }),
        p_job_types: jobTypes,
        p_stopping: fc.boolean(),
      },
      actors: USERS,
      example: [ADA, { p_worker_id: 'ada-tab-example', p_kind: 'browser', p_running: 1, p_job_types: ['certificate'] }],
    },
    {
      fn: 'list_workers',
      params: { p_since: interval, p_limit: smallInt(1, 1000) },
      actors: ADMINS,
      example: [ADMIN, {}],
    },
    { fn: 'forget_worker', params: { p_worker_id: workerId }, actors: ADMINS, example: [ADMIN, { p_worker_id: 'w' }] },
    { fn: 'job_wait_reason', params: { p_job_id: jobId }, actors: USERS, example: [ADA, { p_job_id: w.pending }] },
    { fn: 'my_events', params: {}, actors: USERS, example: [BORIS, {}] },
    { fn: 'my_certificates', params: {}, actors: USERS, example: [BORIS, {}] },
    {
      fn: 'get_certificate_pdf',
      params: { p_serial: fc.constantFrom(w.issuedSerial, ` ${w.issuedSerial.toLowerCase()} `) },
      actors: USERS,
      example: [BORIS, { p_serial: w.issuedSerial }],
    },
    // Certificate storage and download links (0023).
    {
      fn: 'get_certificate_file',
      params: { p_certificate_id: certificateId, p_with_pdf: fc.boolean() },
      actors: USERS,
      example: [BORIS, { p_certificate_id: w.issuedCertificateId, p_with_pdf: true }],
    },
    {
      fn: 'create_certificate_download',
      params: { p_certificate_id: certificateId, p_expires_in_seconds: fc.integer({ min: -10, max: 700_000 }) },
      actors: USERS,
      example: [BORIS, { p_certificate_id: w.issuedCertificateId, p_expires_in_seconds: 60 }],
    },
    {
      fn: 'redeem_certificate_download',
      params: { p_token: fc.constantFrom(w.downloadToken, w.downloadToken.toUpperCase(), '0'.repeat(64), 'x') },
      actors: USERS,
      example: [anon, { p_token: w.downloadToken }],
    },
    {
      fn: 'certificate_upload_path',
      params: { p_job_id: fc.constantFrom(w.certificateJob, w.processing), p_worker_id: workerId },
      actors: USERS,
      example: [service, { p_job_id: w.certificateJob }],
    },
    {
      fn: 'save_certificate_object',
      params: {
        p_job_id: fc.constantFrom(w.certificateJob, w.processing),
        p_bytes: fc.integer({ min: -1, max: 3_000_000 }),
        p_worker_id: workerId,
      },
      actors: USERS,
      example: [service, { p_job_id: w.certificateJob, p_bytes: 1000 }],
    },
    // Notifications (0022).
    { fn: 'get_notification_settings', params: {}, actors: ADMINS, example: [ADMIN, {}] },
    {
      fn: 'set_notification_settings',
      params: {
        p_settings: fc.record(
          {
            email_on_completed: fc.boolean(),
            email_on_failed: fc.boolean(),
            webhook_on_completed: fc.boolean(),
            webhook_on_failed: fc.boolean(),
            webhook_urls: fc.array(
              fc.constantFrom('https://hooks.example.org/a', 'http://127.0.0.1:8080/b?x=1', 'ftp://example.org/c', 'https://u:p@example.org/'),
              { maxLength: 3 },
            ),
          },
          { requiredKeys: [] },
        ),
      },
      actors: ADMINS,
      example: [ADMIN, { p_settings: { email_on_completed: true, webhook_urls: ['https://hooks.example.org/a'] } }],
    },
    {
      fn: 'notification_details',
      params: { p_certificate_id: certificateId, p_job_id: jobId },
      actors: USERS,
      example: [service, { p_certificate_id: w.issuedCertificateId }],
    },
    // Recurring schedules (0020). In this order on purpose: upsert creates fuzz.schedule, which
    // the next examples use, and delete (last) removes it.
    ...scheduleSpecs(timestamp, jobType, jsonObject, smallInt),
  ];
}

function scheduleSpecs(
  timestamp: fc.Arbitrary<string>,
  jobType: fc.Arbitrary<string>,
  payload: fc.Arbitrary<unknown>,
  smallInt: (min: number, max: number) => fc.Arbitrary<number>,
): RpcSpec[] {
  const name = fc.constantFrom('fuzz.schedule', 'fuzz.other', 'Bad Name', 'x');
  const cron = fc.constantFrom('* * * * *', '0 0 * * *', '@daily', '*/5 * * * * *', '61 * * * *', '* * * *');
  const timeZone = fc.constantFrom('UTC', 'Europe/Berlin', 'Mars/Olympus');
  const soon = () => new Date(Date.now() + 3_600_000).toISOString();
  const ago = () => new Date(Date.now() - 60_000).toISOString();
  return [
    {
      fn: 'upsert_job_schedule',
      params: {
        p_name: name,
        p_cron: cron,
        p_job_type: jobType,
        p_payload: payload,
        p_time_zone: timeZone,
        p_priority: smallInt(1, 10),
        p_max_attempts: smallInt(1, 25),
        p_enabled: fc.boolean(),
      },
      actors: ADMINS,
      example: [ADMIN, { p_name: 'fuzz.schedule', p_cron: '* * * * *', p_job_type: 'fuzz.run' }],
    },
    {
      fn: 'set_job_schedule_enabled',
      params: { p_name: name, p_enabled: fc.boolean() },
      actors: ADMINS,
      example: [ADMIN, { p_name: 'fuzz.schedule', p_enabled: true }],
    },
    { fn: 'list_job_schedules', params: {}, actors: ADMINS, example: [ADMIN, {}] },
    {
      fn: 'init_job_schedule',
      params: { p_name: name, p_cron: cron, p_time_zone: timeZone, p_next_run_at: timestamp },
      actors: ADMINS,
      example: [service, { p_name: 'fuzz.schedule', p_cron: '* * * * *', p_time_zone: 'UTC', p_next_run_at: soon() }],
    },
    {
      fn: 'run_schedule_slot',
      params: { p_name: name, p_slot: timestamp, p_next_run_at: timestamp },
      actors: ADMINS,
      example: [service, { p_name: 'fuzz.schedule', p_slot: ago(), p_next_run_at: soon() }],
    },
    { fn: 'delete_job_schedule', params: { p_name: name }, actors: ADMINS, example: [ADMIN, { p_name: 'fuzz.schedule' }] },
  ];
}
