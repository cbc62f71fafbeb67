-- Tessera 0016: job_queue_finished_idx (0001) has the same key and predicate as
-- job_queue_finished_status_idx (0011), which also carries status. One index fewer to write on
-- every completion, failure and cancel.
drop index if exists public.job_queue_finished_idx;
